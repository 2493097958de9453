package dev.nestcheck.bench;

import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
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
 * Stage-2 invalidation on unmap (S2INV-2): one nest parent under the VIOMMU policy with {@code viommus}
 * vIOMMUs (a VMID each) and {@code devices} devices attached through translate nested HWPTs with ATS
 * (device i in vIOMMU i mod viommus), and {@code others} further devices attached directly to the nest
 * parent of another context (not on this parent). One operation maps {@code pages} pages and unmaps
 * them again: the unmap issues TLBI_S2_IPA per page per VMID (or TLBI_S12_VMALL past maxTlbiPages),
 * TLBI_NH_ALL per VMID and ATC_INV per ATS device.
 *
 * <p>The optimized implementation walks the parent's invalidation array, built incrementally on
 * attach and detach, so its cost grows with the VMIDs and ATS devices on the parent and not with
 * {@code others}; the model derives the array by scanning every device on the platform at each unmap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UnmapBench {
    @Param({"optimized", "model"})
    public String impl;

    @Param({"1", "8", "64"})
    public int viommus;

    @Param({"1", "8", "64"})
    public int devices;

    @Param({"0", "1024"})
    public int others;

    @Param({"1"})
    public int pages;

    private NestingImplementation nesting;
    private Op map, unmap, unmapEmpty;
    private long commands;

    @Setup(Level.Trial)
    public void setUp() {
        List<DeviceSpec> d = new ArrayList<>();
        for (int i = 0; i < devices + others; i++) d.add(new DeviceSpec(i, 0, 0x100L + i, true));
        Platform p = new Platform(Policy.VIOMMU, List.of(new SmmuSpec(0, 16, true, true, false, false, SmmuSpec.DEFAULT_MAX_TLBI_PAGES)),
                d, new KvmSpec(2, 8));
        nesting = Scenario.create(impl, p);
        int ctx = (int) Scenario.ok(nesting, new Op.Open());
        int ioas = (int) Scenario.ok(nesting, new Op.IoasAlloc(ctx));
        int[] dev = new int[devices];
        for (int i = 0; i < devices; i++) dev[i] = (int) Scenario.ok(nesting, new Op.Bind(ctx, i));
        int parent = (int) Scenario.ok(nesting, Scenario.parent(ctx, dev[0], ioas));
        int[] viommu = new int[viommus], hwpt = new int[viommus];
        for (int v = 0; v < viommus; v++) {
            viommu[v] = (int) Scenario.ok(nesting, new Op.ViommuAlloc(ctx, dev[0], parent, "ARM_SMMUV3"));
            hwpt[v] = (int) Scenario.ok(nesting, new Op.HwptAlloc(ctx, dev[0], viommu[v], 0, DataType.ARM_SMMUV3,
                    List.of(Scenario.VSTE_TRANSLATE, 1L << 28))); // EATS=1: ATS
        }
        for (int i = 0; i < devices; i++) {
            Scenario.ok(nesting, new Op.VdeviceAlloc(ctx, viommu[i % viommus], dev[i], i));
            Scenario.ok(nesting, new Op.Attach(ctx, dev[i], hwpt[i % viommus]));
        }
        if (others > 0) {
            int octx = (int) Scenario.ok(nesting, new Op.Open());
            int oioas = (int) Scenario.ok(nesting, new Op.IoasAlloc(octx));
            int first = (int) Scenario.ok(nesting, new Op.Bind(octx, devices));
            int oparent = (int) Scenario.ok(nesting, Scenario.parent(octx, first, oioas));
            Scenario.ok(nesting, new Op.Attach(octx, first, oparent));
            for (int i = devices + 1; i < devices + others; i++)
                Scenario.ok(nesting, new Op.Attach(octx, (int) Scenario.ok(nesting, new Op.Bind(octx, i)), oparent));
            Scenario.ok(nesting, new Op.IoasMap(octx, oioas, 0, 16));
        }
        map = new Op.IoasMap(ctx, ioas, 0, pages);
        unmap = new Op.IoasUnmap(ctx, ioas, 0, pages);
        unmapEmpty = new Op.IoasUnmap(ctx, ioas, 1L << 19, pages);
        Scenario.ok(nesting, map);
        Outcome u = nesting.execute(unmap);
        if (!u.isOk()) throw new IllegalStateException("unmap failed: " + u.brief());
        commands = u.issued().size();
        if (commands < Math.min(viommus, devices) + devices)
            throw new IllegalStateException("the unmap issued only " + commands + " commands: " + u.issued());
    }

    /** IOAS_MAP then IOAS_UNMAP of the same pages; the unmap's stage-2 invalidation dominates. */
    @Benchmark
    public void mapUnmap(Blackhole bh) {
        Outcome m = nesting.execute(map);
        Outcome u = nesting.execute(unmap);
        if (!m.isOk() || u.issued().size() != commands) throw new IllegalStateException("cycle changed: " + m.brief() + ", " + u.brief());
        bh.consume(u);
    }

    /** IOAS_UNMAP of a range with nothing mapped: ENOENT (MAP-2), no invalidation; the cost of a call. */
    @Benchmark
    public Outcome unmapNothing() {
        return nesting.execute(unmapEmpty);
    }
}
