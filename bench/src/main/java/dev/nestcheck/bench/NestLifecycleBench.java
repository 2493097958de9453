package dev.nestcheck.bench;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
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
 * A whole nested VM's lifetime, nine operations: OPEN, BIND, IOAS_ALLOC, HWPT_ALLOC(NEST_PARENT),
 * VIOMMU_ALLOC, VDEVICE_ALLOC, HWPT_ALLOC(nested, translate vSTE), ATTACH, CLOSE, on one SMMU of
 * 2^vmidBits VMIDs whose pool is half full (background contexts) and with {@code devices}
 * devices. Each cycle uses the next free device. {@code cycleWithSnapshots} takes the snapshot
 * after every operation, as the harness does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NestLifecycleBench {
    @Param({"optimized", "model"})
    public String impl;

    @Param({"8", "12", "16"})
    public int vmidBits;

    @Param({"S2_PARENT", "VIOMMU"})
    public String policy;

    @Param({"1024"})
    public int devices;

    private NestingImplementation nesting;
    private int[] free;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        int max = (1 << vmidBits) - 1;
        int held = max / 2;
        int background = Scenario.contextsFor(held);
        if (background >= devices) throw new IllegalStateException("too few devices for the background");
        Platform p = Scenario.platform(Policy.valueOf(policy), 1, vmidBits, devices);
        nesting = Scenario.create(impl, p);
        List<Integer> bg = new ArrayList<>();
        for (int d = devices - background; d < devices; d++) bg.add(d);
        Scenario.fillPool(nesting, held, bg);
        free = new int[devices - background];
        for (int d = 0; d < free.length; d++) free[d] = d;
        cycle(null); // fails loudly here rather than in a measurement
    }

    private int step(Op op, Blackhole bh) {
        Outcome o = nesting.execute(op);
        if (!o.isOk()) throw new IllegalStateException(op + " failed: " + o.brief());
        if (bh != null) bh.consume(nesting.snapshot());
        return (int) o.value();
    }

    private void cycle(Blackhole snapshots) {
        int device = free[next];
        next = next + 1 == free.length ? 0 : next + 1;
        int ctx = step(new Op.Open(), snapshots);
        int dev = step(new Op.Bind(ctx, device), snapshots);
        int ioas = step(new Op.IoasAlloc(ctx), snapshots);
        int parent = step(Scenario.parent(ctx, dev, ioas), snapshots);
        int viommu = step(new Op.ViommuAlloc(ctx, dev, parent, "ARM_SMMUV3"), snapshots);
        step(new Op.VdeviceAlloc(ctx, viommu, dev, 1), snapshots);
        int nested = step(Scenario.nested(ctx, dev, viommu), snapshots);
        step(new Op.Attach(ctx, dev, nested), snapshots);
        step(new Op.Close(ctx), snapshots);
    }

    @Benchmark
    public void cycle() {
        cycle(null);
    }

    @Benchmark
    public void cycleWithSnapshots(Blackhole bh) {
        cycle(bh);
    }
}
