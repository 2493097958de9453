package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared platform and shorthands for the operation-level tests. */
class Fixture {
    /** A translate vSTE: V=1, Config=5 (0b101 in bits 3:1), an S1ContextPtr. */
    static final long VSTE_TRANSLATE = 0x0000_0000_1234_5000L | 0xB;
    static final long VSTE_BYPASS = 0x9; // V=1, Config=4
    static final long VSTE_ABORT = 0x1; // V=1, Config=0

    /**
     * smmu0: 8-bit VMIDs, nesting, s2fwb; smmu1: 8-bit, nesting, no s2fwb; smmu2: no nesting.
     * dev0, dev1, dev5 on smmu0; dev2 (canwbs) and dev3 (not canwbs) on smmu1; dev4 on smmu2.
     */
    static Platform platform(Policy policy) {
        return platform(policy, 8, new KvmSpec(2, 8));
    }

    static Platform platform(Policy policy, int smmu0Bits, KvmSpec kvm) {
        return new Platform(policy,
                List.of(new SmmuSpec(0, smmu0Bits, true, true, true), new SmmuSpec(1, 8, true, false, false),
                        new SmmuSpec(2, 8, false, false, false)),
                List.of(new DeviceSpec(0, 0, 0x10, true), new DeviceSpec(1, 0, 0x11, false),
                        new DeviceSpec(2, 1, 0x20, true), new DeviceSpec(3, 1, 0x21, false),
                        new DeviceSpec(4, 2, 0x30, true), new DeviceSpec(5, 0, 0x12, true)),
                kvm);
    }

    final OptimizedNesting impl;
    Outcome last;

    Fixture(Platform p) {
        impl = new OptimizedNesting(p);
    }

    Outcome run(Op op) {
        last = impl.execute(op);
        return last;
    }

    long ok(Op op) {
        Outcome o = run(op);
        assertThat(o.errno()).as("%s", op).isNull();
        return o.value();
    }

    int id(Op op) {
        return (int) ok(op);
    }

    Errno err(Op op) {
        Outcome o = run(op);
        assertThat(o.errno()).as("%s should fail", op).isNotNull();
        return o.errno();
    }

    List<String> issuedNames() {
        List<String> names = new ArrayList<>();
        for (Issued i : last.issued()) names.add(i.cmd().name());
        return names;
    }

    Snapshot snap() {
        return impl.snapshot();
    }

    Snapshot.Ste ste(int device) {
        return snap().devices().get(device).ste();
    }

    // Op shorthands.
    static Op open() { return new Op.Open(); }
    static Op close(int ctx) { return new Op.Close(ctx); }
    static Op bind(int ctx, int device) { return new Op.Bind(ctx, device); }
    static Op unbind(int ctx, int dev) { return new Op.Unbind(ctx, dev); }
    static Op ioas(int ctx) { return new Op.IoasAlloc(ctx); }
    static Op s1(int ctx, int dev, int pt) { return new Op.HwptAlloc(ctx, dev, pt, 0, DataType.NONE, null); }
    static Op parent(int ctx, int dev, int pt) { return new Op.HwptAlloc(ctx, dev, pt, HwptFlags.NEST_PARENT, DataType.NONE, null); }
    static Op nested(int ctx, int dev, int viommu, long w0, long w1) {
        return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, List.of(w0, w1));
    }
    static Op viommu(int ctx, int dev, int hwpt) { return new Op.ViommuAlloc(ctx, dev, hwpt, "ARM_SMMUV3"); }
    static Op vdev(int ctx, int viommu, int dev, long virtId) { return new Op.VdeviceAlloc(ctx, viommu, dev, virtId); }
    static Op attach(int ctx, int dev, int hwpt) { return new Op.Attach(ctx, dev, hwpt); }
    static Op detach(int ctx, int dev) { return new Op.Detach(ctx, dev); }
    static Op destroy(int ctx, int id) { return new Op.Destroy(ctx, id); }
    static Op inv(int ctx, int id, List<Cmd> cmds) { return new Op.Invalidate(ctx, id, DataType.ARM_SMMUV3, cmds); }
    static Op vmCreate() { return new Op.KvmVmCreate(); }
    static Op vmDestroy(int vm) { return new Op.KvmVmDestroy(vm); }
    static Op kvmBind(int ctx, int vm) { return new Op.KvmBind(ctx, vm); }
    static Op load(int vm, int cpu) { return new Op.VcpuLoad(vm, cpu); }
    static Op put(int cpu) { return new Op.VcpuPut(cpu); }

    /** The IDs of a full nesting setup for one device of one context. */
    record Setup(int ctx, int dev, int ioas, int parent, int viommu, int vdev, int nested) {
    }

    /** open (or reuse ctx), bind, IOAS, nest parent, vIOMMU, VDEVICE(virtId), translate nested HWPT, attach. */
    Setup nestedSetup(int ctx, int device, long virtId) {
        int dev = id(bind(ctx, device));
        int ioas = id(ioas(ctx));
        int parent = id(parent(ctx, dev, ioas));
        int viommu = id(viommu(ctx, dev, parent));
        int vdev = id(vdev(ctx, viommu, dev, virtId));
        int nested = id(nested(ctx, dev, viommu, VSTE_TRANSLATE, 0));
        ok(attach(ctx, dev, nested));
        return new Setup(ctx, dev, ioas, parent, viommu, vdev, nested);
    }
}
