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
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many devices (ATT, STE): 4 SMMUs with {@code devices / 4} devices each, all bound in one
 * context and attached to their SMMU's nest parent (S2 STEs), while SMMU 0's VMID pool is half
 * full (background nest parents in other contexts). The cycle detaches one device and attaches
 * it again, going round all devices.
 *
 * <p>{@code attachDetach}: {@code execute} only. {@code attachDetachWithSnapshots}: plus the
 * snapshot after each step (the harness's per-step cost). {@code snapshotOnly}: the snapshot
 * of an unchanged implementation (a cache hit for the optimized implementation, a full rebuild
 * for the model).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeviceBench {
    @Param({"optimized", "model"})
    public String impl;

    @Param({"8", "12", "16"})
    public int vmidBits;

    @Param({"4096"})
    public int devices;

    private static final int SMMUS = 4;

    private NestingImplementation nesting;
    private Op[] attach;
    private Op[] detach;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        int max = (1 << vmidBits) - 1;
        int held = max / 2;
        int per = devices / SMMUS;
        int backgroundDevices = Scenario.contextsFor(held);
        if (backgroundDevices >= per) throw new IllegalStateException("too few devices per SMMU for the background");
        Platform p = Scenario.platform(Policy.S2_PARENT, SMMUS, vmidBits, per);
        nesting = Scenario.create(impl, p);
        // SMMU 0's last devices hold the background parents.
        List<Integer> background = new ArrayList<>();
        for (int d = per - backgroundDevices; d < per; d++) background.add(d);

        int ctx = (int) Scenario.ok(nesting, new Op.Open());
        int ioas = (int) Scenario.ok(nesting, new Op.IoasAlloc(ctx));
        List<Integer> bound = new ArrayList<>();
        int[] devObj = new int[p.devices().size()];
        for (int d = 0; d < p.devices().size(); d++) {
            if (background.contains(d)) continue;
            devObj[d] = (int) Scenario.ok(nesting, new Op.Bind(ctx, d));
            bound.add(d);
        }
        int[] parent = new int[SMMUS];
        for (int s = 0; s < SMMUS; s++) parent[s] = (int) Scenario.ok(nesting, Scenario.parent(ctx, devObj[s * per], ioas));
        Scenario.fillPool(nesting, held - 1, background); // with ctx's parent on SMMU 0: half full
        attach = new Op[bound.size()];
        detach = new Op[bound.size()];
        for (int i = 0; i < bound.size(); i++) {
            int d = bound.get(i);
            attach[i] = new Op.Attach(ctx, devObj[d], parent[p.device(d).smmu()]);
            detach[i] = new Op.Detach(ctx, devObj[d]);
            Scenario.ok(nesting, attach[i]);
        }
        nesting.snapshot();
    }

    @Benchmark
    public void attachDetach(Blackhole bh) {
        int i = next;
        next = i + 1 == attach.length ? 0 : i + 1;
        Outcome d = nesting.execute(detach[i]);
        Outcome a = nesting.execute(attach[i]);
        if (!a.isOk() || !d.isOk()) throw new IllegalStateException("cycle failed: " + d.brief() + ", " + a.brief());
        bh.consume(d);
        bh.consume(a);
    }

    @Benchmark
    public Snapshot attachDetachWithSnapshots(Blackhole bh) {
        int i = next;
        next = i + 1 == attach.length ? 0 : i + 1;
        Outcome d = nesting.execute(detach[i]);
        bh.consume(nesting.snapshot());
        Outcome a = nesting.execute(attach[i]);
        if (!a.isOk() || !d.isOk()) throw new IllegalStateException("cycle failed: " + d.brief() + ", " + a.brief());
        return nesting.snapshot();
    }

    @Benchmark
    public Snapshot snapshotOnly() {
        return nesting.snapshot();
    }
}
