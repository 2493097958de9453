package dev.nestcheck.model;

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

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model and the shortcuts the rule tests share, in the spirit of the arm-smmu-v3 KUnit tests:
 * each test builds the few objects it needs and checks one rule.
 */
final class Bench {
    /** vSTE word0 values (NEST-2): V=1 with Config abort (0), bypass (4), translate (5). */
    static final long VSTE_ABORT = 0x1, VSTE_BYPASS = 0x9, VSTE_TRANSLATE = 0xb;
    /** A translate vSTE with an S1ContextPtr (bits 51:6) and S1CDMAX (bits 63:59) set. */
    static final long VSTE_TRANSLATE_CD = 0x0800_1234_5678_9F40L | VSTE_TRANSLATE;
    static final long EATS_1 = 1L << 28;

    final ReferenceModel model;
    Outcome last;

    Bench(Platform platform) {
        model = new ReferenceModel(platform);
    }

    Bench(Policy policy) {
        this(platform(policy));
    }

    /**
     * Two SMMUs with 8-bit VMIDs, nesting and S2FWB; devices 0 and 1 (stream IDs 16, 17) on
     * SMMU 0, device 2 (stream ID 16) on SMMU 1, all canwbs; KVM with 2 CPUs and 8 bits.
     */
    static Platform platform(Policy policy) {
        return platform(policy, 8, new KvmSpec(2, 8));
    }

    static Platform platform(Policy policy, int vmidBits, KvmSpec kvm) {
        return new Platform(policy,
                List.of(new SmmuSpec(0, vmidBits, true, true, false), new SmmuSpec(1, vmidBits, true, true, false)),
                List.of(new DeviceSpec(0, 0, 16, true), new DeviceSpec(1, 0, 17, true), new DeviceSpec(2, 1, 16, true)),
                kvm);
    }

    Outcome run(Op op) {
        last = model.execute(op);
        return last;
    }

    /** Runs the operation, expects success, returns its value. */
    long ok(Op op) {
        Outcome o = run(op);
        assertThat(o.errno()).as("%s decided by %s", op, o.rule()).isNull();
        return o.value();
    }

    /**
     * Runs the operation, expects the errno decided by the rule, and that nothing changed (a
     * failing operation may still issue commands: INV-3 batches, MAP-2's partial unmap;
     * {@link #failsIssuing} checks those).
     */
    Outcome fails(Op op, Errno errno, String rule) {
        Snapshot before = model.snapshot();
        Outcome o = run(op);
        assertThat(o.errno()).as("%s", op).isEqualTo(errno);
        assertThat(o.rule()).as("%s", op).isEqualTo(rule);
        // INV-3 may have issued whole batches before the failing command; nothing else issues on failure
        if (!(op instanceof Op.Invalidate)) assertThat(o.issued()).as("a failed %s issues nothing", op).isEmpty();
        assertThat(model.snapshot()).as("a failed %s changes nothing", op).isEqualTo(before);
        return o;
    }

    /** Runs the operation and expects the errno decided by the rule; returns it to check what it issued. */
    Outcome failsIssuing(Op op, Errno errno, String rule) {
        Outcome o = run(op);
        assertThat(o.errno()).as("%s", op).isEqualTo(errno);
        assertThat(o.rule()).as("%s", op).isEqualTo(rule);
        return o;
    }

    int map(int ctx, int ioas, long iova, long pages) {
        ok(new Op.IoasMap(ctx, ioas, iova, pages));
        return ioas;
    }

    Snapshot snap() {
        return model.snapshot();
    }

    int open() {
        return (int) ok(new Op.Open());
    }

    int bind(int ctx, int device) {
        return (int) ok(new Op.Bind(ctx, device));
    }

    int ioas(int ctx) {
        return (int) ok(new Op.IoasAlloc(ctx));
    }

    static Op.HwptAlloc paging(int ctx, int dev, int pt, int flags) {
        return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.NONE, null);
    }

    static Op.HwptAlloc nestedOp(int ctx, int dev, int viommu, long word0, long word1) {
        return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, List.of(word0, word1));
    }

    int parent(int ctx, int dev, int ioas) {
        return (int) ok(paging(ctx, dev, ioas, HwptFlags.NEST_PARENT));
    }

    int viommu(int ctx, int dev, int parent) {
        return (int) ok(new Op.ViommuAlloc(ctx, dev, parent, "ARM_SMMUV3"));
    }

    int nested(int ctx, int dev, int viommu, long word0, long word1) {
        return (int) ok(nestedOp(ctx, dev, viommu, word0, word1));
    }

    int vdevice(int ctx, int viommu, int dev, long virtId) {
        return (int) ok(new Op.VdeviceAlloc(ctx, viommu, dev, virtId));
    }

    void attach(int ctx, int dev, int hwpt) {
        ok(new Op.Attach(ctx, dev, hwpt));
    }

    int vm() {
        return (int) ok(new Op.KvmVmCreate());
    }

    Snapshot.Ste ste(int device) {
        return snap().devices().get(device).ste();
    }

    Map<Integer, Snapshot.Owner> vmids(int smmu) {
        return snap().smmus().get(smmu).vmids();
    }

    Set<Integer> tlb(int smmu) {
        return snap().smmus().get(smmu).tlb();
    }

    Snapshot.Vm kvmVm(int vm) {
        return snap().kvm().vms().get(vm);
    }

    /** The opcode names of what the last operation issued, as TRACE.md writes them. */
    List<String> issuedNames() {
        return last.issued().stream().map(i -> i.cmd().name()).collect(Collectors.toList());
    }

    static Issued on(int smmu, Cmd cmd) {
        return new Issued(smmu, cmd);
    }
}
