package dev.nestcheck.bench;

import dev.nestcheck.impl.OptimizedNesting;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Large platforms and the operation shorthands the benchmarks share. Set-up operations are
 * checked ({@link #ok}): a benchmark that measured a stream of errnos would measure nothing.
 */
final class Scenario {
    /** vSTE word0: V=1, Config=5 (translate), an S1ContextPtr (NEST-2). */
    static final long VSTE_TRANSLATE = 0x0000_0000_1234_5000L | 0xB;
    /** Nest parents per background context: keeps the model's per-context ID scan short during set-up. */
    static final int PARENTS_PER_CONTEXT = 256;

    private Scenario() {
    }

    /** "optimized" or "model". */
    static NestingImplementation create(String impl, Platform p) {
        switch (impl) {
            case "optimized": return new OptimizedNesting(p);
            case "model": return new ReferenceModel(p);
            default: throw new IllegalArgumentException("impl must be optimized or model, got " + impl);
        }
    }

    /** {@code smmus} nesting SMMUs with s2fwb of {@code vmidBits} bits; {@code perSmmu} canwbs devices on each. */
    static Platform platform(Policy policy, int smmus, int vmidBits, int perSmmu) {
        List<SmmuSpec> s = new ArrayList<>();
        List<DeviceSpec> d = new ArrayList<>();
        for (int i = 0; i < smmus; i++) {
            s.add(new SmmuSpec(i, vmidBits, true, true, true));
            for (int k = 0; k < perSmmu; k++) d.add(new DeviceSpec(d.size(), i, 0x100L + k, true));
        }
        return new Platform(policy, s, d, new KvmSpec(2, Math.min(vmidBits, 8)));
    }

    static long ok(NestingImplementation impl, Op op) {
        Outcome o = impl.execute(op);
        if (!o.isOk()) throw new IllegalStateException("set-up step " + op + " failed: " + o.brief());
        return o.value();
    }

    /**
     * Takes {@code count} VMIDs on SMMU {@code smmu} with nest parents (S2_PARENT and VIOMMU
     * policies: one VMID each), {@value #PARENTS_PER_CONTEXT} per context, each context binding one
     * of {@code devices} (which must all sit on that SMMU). Returns the contexts opened.
     */
    static List<Integer> fillPool(NestingImplementation impl, int count, List<Integer> devices) {
        List<Integer> ctxs = new ArrayList<>();
        int left = count;
        int di = 0;
        while (left > 0) {
            if (di >= devices.size()) throw new IllegalStateException("not enough devices to hold " + count + " parents");
            int ctx = (int) ok(impl, new Op.Open());
            ctxs.add(ctx);
            int dev = (int) ok(impl, new Op.Bind(ctx, devices.get(di++)));
            int ioas = (int) ok(impl, new Op.IoasAlloc(ctx));
            for (int i = 0; i < PARENTS_PER_CONTEXT && left > 0; i++, left--) ok(impl, parent(ctx, dev, ioas));
        }
        return ctxs;
    }

    static Op parent(int ctx, int dev, int ioas) {
        return new Op.HwptAlloc(ctx, dev, ioas, HwptFlags.NEST_PARENT, DataType.NONE, null);
    }

    static Op nested(int ctx, int dev, int viommu) {
        return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE, 0L));
    }

    /** Devices needed to hold {@code parents} background parents. */
    static int contextsFor(int parents) {
        return (parents + PARENTS_PER_CONTEXT - 1) / PARENTS_PER_CONTEXT;
    }
}
