package dev.nestcheck.mutants;

import dev.nestcheck.conformance.ConformanceFailure;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Session;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A shortest failing sequence for a mutant, written out by hand from the argument in {@link Mutant}, on
 * the platform the generator shrinks towards (1 SMMU of 2 VMID bits with nesting and s2fwb, 2 devices
 * that can do WBS, 1 CPU, 2 KVM VMID bits) unless the argument needs another. The closing steps are not
 * listed: {@link #run} closes every context as a generated sequence does (G-7).
 */
record Witness(Platform platform, List<Op> ops) {
    private static final Op.Open OPEN = new Op.Open();

    static Witness of(Mutant m) {
        switch (m) {
            case VMID_ZERO_HANDED_OUT: return on(m, parent());
            case VMID_RELEASED_WITHOUT_TLBI: return on(m, parent());                         // + close
            case EIGHT_BIT_VMID_POOL:
                return new Witness(platform(m.policy, 1, 1), with(parent(), nestParent(1, 1, 2)));
            case PARENT_DESTROYABLE_UNDER_VIOMMU: return on(m, with(viommu(), new Op.Destroy(1, 3)));
            case VSTE_BIT_52_ACCEPTED: return on(m, with(viommu(), nested(1L | 5L << 1 | 1L << 52, 0)));
            case VSTE_EATS_2_ACCEPTED: return on(m, with(viommu(), nested(1L | 5L << 1, 2L << 28)));
            case DUPLICATE_VIRT_ID_ACCEPTED:
                return on(m, List.of(OPEN, new Op.Bind(1, 0), new Op.Bind(1, 1), new Op.IoasAlloc(1), nestParent(1, 1, 3),
                        new Op.ViommuAlloc(1, 1, 4, "ARM_SMMUV3"), new Op.VdeviceAlloc(1, 5, 1, 0),
                        new Op.VdeviceAlloc(1, 5, 2, 0)));
            case FAILED_REPLACE_DROPS_ATTACHMENT:
                return on(m, List.of(OPEN, new Op.Bind(1, 0), new Op.IoasAlloc(1),
                        new Op.HwptAlloc(1, 1, 2, 0, DataType.NONE, null), new Op.Attach(1, 1, 3), new Op.Attach(1, 1, 2)));
            case ROLLOVER_FORGETS_RESERVED_INDEX:
                return new Witness(platform(m.policy, 2, 2), List.of(
                        new Op.KvmVmCreate(), new Op.VcpuLoad(1, 1), new Op.KvmVmCreate(), new Op.VcpuLoad(2, 0),
                        new Op.KvmVmCreate(), new Op.VcpuLoad(3, 0), new Op.KvmVmCreate(), new Op.VcpuLoad(4, 0),
                        new Op.VcpuLoad(2, 0), new Op.VcpuLoad(3, 0)));
            case PINNED_INDEX_CHANGES_AT_ROLLOVER:
                return on(m, with(pinnedParent(), new Op.KvmVmCreate(), new Op.VcpuLoad(2, 0), new Op.KvmVmCreate(),
                        new Op.VcpuLoad(3, 0), new Op.KvmVmCreate(), new Op.VcpuLoad(4, 0), new Op.VcpuLoad(1, 0)));
            case PIN_CAP_OFF_BY_ONE: return on(m, pinnedParent());
            case KVM_PINNED_FALLS_BACK_TO_PRIVATE_VMID: return new Witness(platform(m.policy, 2, 2), pinnedParent());
            case ICTX_SECOND_PARENT_SHARES_VMID: return on(m, with(parent(), nestParent(1, 1, 2)));
            case VIOMMU_VMID_RELEASED_WITHOUT_TLBI: return on(m, viommu());                  // + close
            case VMID_NOT_SUBSTITUTED: return on(m, with(viommu(), invalidate(4, new Cmd(Cmd.TLBI_NH_VA, 0))));
            case NSNH_ALL_PASSED_THROUGH: return on(m, with(viommu(), invalidate(4, new Cmd(Cmd.TLBI_NSNH_ALL, 0))));
            case VIRT_ID_LOOKED_UP_IN_EVERY_VIOMMU:
                return on(m, with(viommu(), new Op.ViommuAlloc(1, 1, 3, "ARM_SMMUV3"), new Op.VdeviceAlloc(1, 4, 1, 0),
                        invalidate(5, new Cmd(Cmd.ATC_INV, 0))));
            case ENTRY_NUM_OFF_BY_ONE: return on(m, with(viommu(), invalidate(4, new Cmd(Cmd.CFGI_STE, 0))));
            case BATCHES_OF_64:
                return on(m, with(viommu(), invalidate(4, Collections.nCopies(64, new Cmd(Cmd.TLBI_NH_VA, 0)))));
            case S12_VMALL_ACCEPTED_FROM_GUEST:
                return on(m, with(viommu(), invalidate(4, new Cmd(Cmd.TLBI_S12_VMALL, 0))));
            case NO_S1_CLEAR_FOR_NESTED_VMIDS:
            case VIOMMU_VMIDS_NOT_INVALIDATED:
                return on(m, with(viommu(), nested(0x9, 0), new Op.Attach(1, 1, 5), new Op.IoasMap(1, 2, 0, 1),
                        new Op.IoasUnmap(1, 2, 0, 1)));
            case NO_LAST_USER_FLUSH:
                return on(m, with(parent(), new Op.Attach(1, 1, 3), new Op.Detach(1, 1)));
            case ATC_INV_BEFORE_SYNC:
                return on(m, with(viommu(), new Op.VdeviceAlloc(1, 4, 1, 0), nested(0xb, 1L << 28), new Op.Attach(1, 1, 6),
                        new Op.IoasMap(1, 2, 0, 1), new Op.IoasUnmap(1, 2, 0, 1)));
            case MAX_TLBI_PAGES_OFF_BY_ONE:
            case NH_ALL_AFTER_S12_VMALL:
                return on(m, with(parent(), new Op.Attach(1, 1, 3), new Op.IoasMap(1, 2, 0, 4), new Op.IoasUnmap(1, 2, 0, 4)));
            case UNMAP_CUTS_AREA_WITHOUT_FAILING:
                return on(m, List.of(OPEN, new Op.IoasAlloc(1), new Op.IoasMap(1, 1, 0, 2), new Op.IoasUnmap(1, 1, 0, 1)));
            case ATS_DISABLED_WITHOUT_ATC_INV:
                return on(m, with(viommu(), new Op.VdeviceAlloc(1, 4, 1, 0), nested(0xb, 1L << 28), new Op.Attach(1, 1, 6),
                        new Op.Detach(1, 1)));
            case RELEASE_FLUSH_SKIPPED_AFTER_LAST_USER_FLUSH:
                return on(m, with(parent(), new Op.Attach(1, 1, 3), new Op.Detach(1, 1), new Op.Destroy(1, 3)));
            case FAULT_ID_EOPNOTSUPP:
                return on(m, List.of(OPEN, new Op.Bind(1, 0), new Op.IoasAlloc(1),
                        new Op.HwptAlloc(1, 1, 2, HwptFlags.FAULT_ID, DataType.NONE, null)));
            case OVERLAPPING_MAP_ACCEPTED:
                return on(m, List.of(OPEN, new Op.IoasAlloc(1), new Op.IoasMap(1, 1, 1, 1), new Op.IoasMap(1, 1, 0, 2)));
            default: throw new AssertionError(m);
        }
    }

    /** Runs the ops and the closing steps on the mutant beside the model; the counterexample, or null if none. */
    Counterexample run(Mutant m) {
        Session session = new Session(platform, m.create(platform), Session.Labels.NONE, null);
        try {
            for (Op op : ops) session.step(op);
            session.closeAll();
            return null;
        } catch (ConformanceFailure f) {
            return f.counterexample();
        }
    }

    /** The platform the generator shrinks towards (maxTlbiPages 4, no rangeInv). */
    static Platform platform(Policy policy, int vmidBits, int cpus) {
        return new Platform(policy, List.of(new SmmuSpec(0, vmidBits, true, true, false, false, 4)),
                List.of(new DeviceSpec(0, 0, 0x10, true), new DeviceSpec(1, 0, 0x20, true)), new KvmSpec(cpus, 2));
    }

    private static Witness on(Mutant m, List<Op> ops) {
        return new Witness(platform(m.policy, 2, 1), ops);
    }

    private static List<Op> with(List<Op> prefix, Op... more) {
        List<Op> out = new ArrayList<>(prefix);
        out.addAll(List.of(more));
        return out;
    }

    private static Op nestParent(int ctx, int dev, int ioas) {
        return new Op.HwptAlloc(ctx, dev, ioas, HwptFlags.NEST_PARENT, DataType.NONE, null);
    }

    /** Context 1, DEVICE 1 (device 0), IOAS 2, nest parent 3. */
    private static List<Op> parent() {
        return List.of(OPEN, new Op.Bind(1, 0), new Op.IoasAlloc(1), nestParent(1, 1, 2));
    }

    /** {@link #parent()}, then vIOMMU 4 on the parent. */
    private static List<Op> viommu() {
        return with(parent(), new Op.ViommuAlloc(1, 1, 3, "ARM_SMMUV3"));
    }

    /** Context 1 bound to VM 1, then DEVICE 1, IOAS 2 and the nest parent 3, which pins VM 1. */
    private static List<Op> pinnedParent() {
        return List.of(OPEN, new Op.KvmVmCreate(), new Op.KvmBind(1, 1), new Op.Bind(1, 0), new Op.IoasAlloc(1),
                nestParent(1, 1, 2));
    }

    private static Op nested(long word0, long word1) {
        return new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(word0, word1));
    }

    private static Op invalidate(int viommu, Cmd cmd) {
        return invalidate(viommu, List.of(cmd));
    }

    private static Op invalidate(int viommu, List<Cmd> cmds) {
        return new Op.Invalidate(1, viommu, DataType.ARM_SMMUV3, cmds);
    }
}
