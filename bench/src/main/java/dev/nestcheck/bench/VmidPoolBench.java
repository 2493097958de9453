package dev.nestcheck.bench;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * VMID pool cost (VMID-1..5): one HWPT_ALLOC(NEST_PARENT) + DESTROY cycle under S2_PARENT on
 * an SMMU of 2^vmidBits VMIDs whose pool is already {@code fill} full (the other VMIDs held by
 * nest parents in background contexts, 256 per context). The allocation takes the lowest free
 * VMID, just above the held ones; the destroy releases it (TLBI_S12_VMALL + CMD_SYNC).
 *
 * <p>{@code cycle} measures {@code execute} only; {@code cycleWithSnapshots} also takes the
 * snapshot after each of the two steps, as the conformance harness does.
 *
 * <p>Set-up of the model at 16 bits is slow (its lowest-free scan is linear, so filling the
 * pool is quadratic): about a minute per trial at 99%.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VmidPoolBench {
    @Param({"optimized", "model"})
    public String impl;

    @Param({"8", "12", "16"})
    public int vmidBits;

    /** Fraction of the pool [1, 2^vmidBits - 1] held before the cycle. */
    @Param({"0.5", "0.99"})
    public double fill;

    private NestingImplementation nesting;
    private Op alloc;
    private Op destroy;

    @Setup(Level.Trial)
    public void setUp() {
        int max = (1 << vmidBits) - 1;
        int held = (int) Math.round(fill * max);
        if (held >= max) held = max - 1; // leave the cycle its VMID
        Platform p = Scenario.platform(Policy.S2_PARENT, 1, vmidBits, 1 + Scenario.contextsFor(held));
        nesting = Scenario.create(impl, p);
        int ctx = (int) Scenario.ok(nesting, new Op.Open());
        int dev = (int) Scenario.ok(nesting, new Op.Bind(ctx, 0));
        int ioas = (int) Scenario.ok(nesting, new Op.IoasAlloc(ctx));
        List<Integer> background = new ArrayList<>();
        for (int d = 1; d < p.devices().size(); d++) background.add(d);
        Scenario.fillPool(nesting, held, background);
        alloc = Scenario.parent(ctx, dev, ioas);
        int id = (int) Scenario.ok(nesting, alloc);
        destroy = new Op.Destroy(ctx, id);
        Scenario.ok(nesting, destroy);
        int inUse = nesting.snapshot().smmus().get(0).vmids().size();
        if (inUse != held)
            throw new IllegalStateException("expected " + held + " VMIDs in use after a cycle, found " + inUse);
    }

    @TearDown(Level.Trial)
    public void check() {
        int inUse = nesting.snapshot().smmus().get(0).vmids().size();
        int max = (1 << vmidBits) - 1;
        int held = Math.min((int) Math.round(fill * max), max - 1);
        if (inUse != held) throw new IllegalStateException("VMID leak: " + inUse + " in use, expected " + held);
    }

    @Benchmark
    public void cycle(Blackhole bh) {
        Outcome a = nesting.execute(alloc);
        Outcome d = nesting.execute(destroy);
        if (!a.isOk() || !d.isOk()) throw new IllegalStateException("cycle failed: " + a.brief() + ", " + d.brief());
        bh.consume(a);
        bh.consume(d);
    }

    @Benchmark
    public Snapshot cycleWithSnapshots(Blackhole bh) {
        Outcome a = nesting.execute(alloc);
        bh.consume(nesting.snapshot());
        Outcome d = nesting.execute(destroy);
        if (!a.isOk() || !d.isOk()) throw new IllegalStateException("cycle failed: " + a.brief() + ", " + d.brief());
        return nesting.snapshot();
    }
}
