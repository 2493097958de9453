package dev.nestcheck.conformance;

import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Draws the next operation from the model's state. About four in five operations are
 * valid; the rest are deliberately invalid in one way the rules name (unknown IDs, wrong
 * object kinds, another SMMU, every vSTE failure class, duplicates, busy objects, closed
 * contexts), so that every errno of the covered rules is reached. Kinds whose
 * preconditions hold are drawn more often, so that full nesting setups are common.
 * Every choice shrinks towards the first, valid, alternative.
 */
public final class OpGenerator {
    /** How often an operation is deliberately invalid. */
    static final double INVALID = 0.2;

    /**
     * Operation kinds. The order matters twice: the shrinker lowers choices, so a step may turn
     * into a kind listed before its own, and the exhaustive mode (small values per draw) reaches
     * only the first few kinds. So the first kinds start a setup, and DESTROY comes before the
     * allocations, so that a counterexample can end in the destroy that exposes a bug rather
     * than in a detour through a second allocation.
     */
    enum Kind {
        OPEN, BIND, IOAS_ALLOC, DESTROY, HWPT_PAGING, VIOMMU_ALLOC, HWPT_NESTED, VDEVICE_ALLOC, ATTACH, DETACH,
        UNBIND, CLOSE, INVALIDATE, KVM_VM_CREATE, KVM_BIND, VCPU_LOAD, VCPU_PUT, KVM_VM_DESTROY
    }

    private final Platform platform;
    private final CommandGenerator commands;
    private int contextsOpened;
    private int vmsCreated;
    /** Whether this sequence favours KVM operations (so that rollovers and pin exhaustion are common). */
    private final boolean kvmFocus;

    /**
     * @param kvmFocus drawn once per sequence, before its first step (one in four favours KVM
     *                 operations); outside every step, so that deleting a step leaves it alone
     */
    public OpGenerator(Platform platform, boolean kvmFocus) {
        this.platform = platform;
        this.kvmFocus = kvmFocus;
        this.commands = new CommandGenerator();
    }

    /** Tells the generator what an operation returned, so it knows how many contexts and VMs exist. */
    public void observe(Op op, boolean ok) {
        if (ok && op instanceof Op.Open) contextsOpened++;
        if (ok && op instanceof Op.KvmVmCreate) vmsCreated++;
    }

    public Op next(TestCase tc, Snapshot s) {
        Kind kind = Kind.values()[tc.pickWeighted(weights(s))];
        tc.label("op", kind.name());
        boolean invalid = tc.weighted(INVALID);
        int ctx = pickContext(tc, s, kind, invalid && tc.weighted(0.25));
        switch (kind) {
            case OPEN: return new Op.Open();
            case CLOSE: return new Op.Close(ctx);
            case BIND: return bind(tc, s, ctx, invalid);
            case UNBIND: return new Op.Unbind(ctx, invalid ? anyId(tc, s, ctx) : idOf(tc, s, ctx, ObjectKind.DEVICE));
            case IOAS_ALLOC: return new Op.IoasAlloc(ctx);
            case HWPT_PAGING: return hwptPaging(tc, s, ctx, invalid);
            case VIOMMU_ALLOC: return viommuAlloc(tc, s, ctx, invalid);
            case HWPT_NESTED: return hwptNested(tc, s, ctx, invalid);
            case VDEVICE_ALLOC: return vdeviceAlloc(tc, s, ctx, invalid);
            case ATTACH: return attach(tc, s, ctx, invalid);
            case DETACH: return new Op.Detach(ctx, invalid ? anyId(tc, s, ctx) : idOf(tc, s, ctx, ObjectKind.DEVICE));
            case DESTROY: return new Op.Destroy(ctx, invalid ? busyId(tc, s, ctx) : liveId(tc, s, ctx));
            case INVALIDATE: return commands.invalidate(tc, s, ctx, invalid, this);
            case KVM_VM_CREATE: return new Op.KvmVmCreate();
            case KVM_BIND: return new Op.KvmBind(ctx, vm(tc, s, invalid));
            case VCPU_LOAD: return new Op.VcpuLoad(vm(tc, s, invalid), cpu(tc, invalid));
            case VCPU_PUT: return new Op.VcpuPut(cpu(tc, invalid));
            case KVM_VM_DESTROY: return new Op.KvmVmDestroy(vm(tc, s, invalid));
            default: throw new AssertionError(kind);
        }
    }

    /**
     * Weights per kind: a kind whose preconditions for a valid operation hold gets its full
     * weight, one that can only fail gets 1 (never 0: a replayed choice of weight 0 would
     * reject the case, and shrinking replays choices against changed states).
     */
    private int[] weights(Snapshot s) {
        int[] w = new int[Kind.values().length];
        boolean anyCtx = !s.contexts().isEmpty();
        boolean unbound = s.devices().stream().anyMatch(d -> d.ctx() == 0);
        boolean kvmMatters = platform.policy() == Policy.KVM_PINNED;
        int devices = count(s, ObjectKind.DEVICE), viommus = count(s, ObjectKind.VIOMMU);
        int hwpts = count(s, ObjectKind.HWPT_PAGING) + count(s, ObjectKind.HWPT_NESTED);
        int vms = s.kvm().vms().size();
        w[Kind.OPEN.ordinal()] = !anyCtx ? 40 : s.contexts().size() < 3 ? 4 : 1;
        w[Kind.CLOSE.ordinal()] = anyCtx ? 2 : 1;
        w[Kind.BIND.ordinal()] = anyCtx && unbound ? 30 : 1;
        w[Kind.UNBIND.ordinal()] = devices > 0 ? 4 : 1;
        w[Kind.IOAS_ALLOC.ordinal()] = anyCtx ? (count(s, ObjectKind.IOAS) == 0 ? 30 : 2) : 1;
        w[Kind.HWPT_PAGING.ordinal()] = count(s, ObjectKind.IOAS) > 0 && devices > 0 ? 30 : 1;
        w[Kind.VIOMMU_ALLOC.ordinal()] = nestParents(s) > 0 ? 30 : 1;
        w[Kind.HWPT_NESTED.ordinal()] = viommus > 0 ? 30 : 1;
        w[Kind.VDEVICE_ALLOC.ordinal()] = viommus > 0 ? 20 : 1;
        w[Kind.ATTACH.ordinal()] = hwpts > 0 ? 40 : 1;
        w[Kind.DETACH.ordinal()] = devices > 0 ? 6 : 1;
        w[Kind.DESTROY.ordinal()] = anyCtx ? 15 : 1;
        w[Kind.INVALIDATE.ordinal()] = viommus > 0 ? 20 : 1;
        // up to 5 VMs: with 2-bit KVM VMIDs (3 indices) a fourth VM forces a rollover (KVM-4)
        w[Kind.KVM_VM_CREATE.ordinal()] = vms < 5 ? (kvmMatters ? 20 : 8) : 1;
        boolean bindable = s.contexts().values().stream().anyMatch(c -> c.kvmVm() == 0)
                && s.kvm().vms().keySet().stream().anyMatch(vm -> s.contexts().values().stream().noneMatch(c -> c.kvmVm() == vm));
        w[Kind.KVM_BIND.ordinal()] = bindable ? (kvmMatters ? 30 : 4) : 1;
        w[Kind.VCPU_LOAD.ordinal()] = vms > 0 ? 20 : 1;
        w[Kind.VCPU_PUT.ordinal()] = 4;
        w[Kind.KVM_VM_DESTROY.ordinal()] = vms > 0 ? 3 : 1;
        if (kvmFocus) {
            for (Kind k : new Kind[] {Kind.KVM_VM_CREATE, Kind.KVM_BIND, Kind.VCPU_LOAD, Kind.VCPU_PUT})
                w[k.ordinal()] *= 6;
        }
        return w;
    }

    private static int count(Snapshot s, ObjectKind kind) {
        int n = 0;
        for (Snapshot.Context c : s.contexts().values())
            for (Snapshot.Obj o : c.objects().values())
                if (o.kind() == kind) n++;
        return n;
    }

    private static int nestParents(Snapshot s) {
        int n = 0;
        for (Snapshot.Context c : s.contexts().values())
            for (Snapshot.Obj o : c.objects().values())
                if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent()) n++;
        return n;
    }

    /**
     * An open context where the kind can be valid (one holding what it needs), else any open
     * one; or (when {@code closed}) one that is closed or was never opened.
     */
    private int pickContext(TestCase tc, Snapshot s, Kind kind, boolean closed) {
        if (closed || s.contexts().isEmpty()) {
            List<Integer> gone = new ArrayList<>();
            for (int c = 1; c <= contextsOpened + 1; c++)
                if (!s.contexts().containsKey(c)) gone.add(c);
            return tc.pick(gone);
        }
        List<Integer> open = new ArrayList<>(new TreeMap<>(s.contexts()).keySet());
        ObjectKind needs = needs(kind);
        if (needs != null) {
            List<Integer> fit = new ArrayList<>();
            for (int c : open)
                if (!ids(s, c, needs).isEmpty()) fit.add(c);
            if (!fit.isEmpty()) return tc.pick(fit);
        }
        return tc.pick(open);
    }

    /** The object kind an operation of this kind needs in its context to be valid, if any. */
    private static ObjectKind needs(Kind kind) {
        switch (kind) {
            case INVALIDATE: case HWPT_NESTED: case VDEVICE_ALLOC: return ObjectKind.VIOMMU;
            case ATTACH: case DETACH: case UNBIND: case HWPT_PAGING: case VIOMMU_ALLOC: return ObjectKind.DEVICE;
            default: return null;
        }
    }

    static Map<Integer, Snapshot.Obj> objects(Snapshot s, int ctx) {
        Snapshot.Context c = s.contexts().get(ctx);
        return c == null ? Map.of() : new TreeMap<>(c.objects());
    }

    /** IDs of the given kinds in a context, in increasing order. */
    static List<Integer> ids(Snapshot s, int ctx, ObjectKind... kinds) {
        List<Integer> out = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            for (ObjectKind k : kinds)
                if (o.kind() == k) out.add(id);
        });
        return out;
    }

    /** An object of the kind, or any ID if there is none (making the operation invalid). */
    int idOf(TestCase tc, Snapshot s, int ctx, ObjectKind kind) {
        List<Integer> ids = ids(s, ctx, kind);
        return ids.isEmpty() ? anyId(tc, s, ctx) : tc.pick(ids);
    }

    /** Any ID: live, tombstoned or never used. */
    int anyId(TestCase tc, Snapshot s, int ctx) {
        int max = 0;
        Snapshot.Context c = s.contexts().get(ctx);
        if (c != null) {
            for (int id : c.objects().keySet()) max = Math.max(max, id);
            for (int id : c.tombstones()) max = Math.max(max, id);
        }
        return tc.between(0, max + 1);
    }

    /** An object that cannot be destroyed now (OBJ-3: referenced, attached, or a DEVICE), else any ID. */
    private int busyId(TestCase tc, Snapshot s, int ctx) {
        java.util.TreeSet<Integer> busy = new java.util.TreeSet<>();
        objects(s, ctx).forEach((id, o) -> {
            if (o.ref() != 0) busy.add(o.ref());
            if (o.kind() == ObjectKind.DEVICE) busy.add(id);
        });
        for (Snapshot.Device d : s.devices())
            if (d.ctx() == ctx && d.attached() != 0) busy.add(d.attached());
        return busy.isEmpty() || tc.weighted(0.25) ? anyId(tc, s, ctx) : tc.pick(new ArrayList<>(busy));
    }

    private int liveId(TestCase tc, Snapshot s, int ctx) {
        List<Integer> ids = new ArrayList<>(objects(s, ctx).keySet());
        return ids.isEmpty() ? anyId(tc, s, ctx) : tc.pick(ids);
    }

    private Op bind(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        List<Integer> free = new ArrayList<>(), bound = new ArrayList<>();
        for (int d = 0; d < s.devices().size(); d++) (s.devices().get(d).ctx() == 0 ? free : bound).add(d);
        if (invalid) {
            bound.add(platform.devices().size()); // not a platform device
            return new Op.Bind(ctx, tc.pick(bound));
        }
        return new Op.Bind(ctx, free.isEmpty() ? tc.between(0, platform.devices().size() - 1) : tc.pick(free));
    }

    /** The SMMU a DEVICE object's device sits behind, or -1. */
    int smmuOfDevice(Snapshot s, int ctx, int devId) {
        Snapshot.Obj o = objects(s, ctx).get(devId);
        return o == null ? -1 : o.smmu();
    }

    private Op hwptPaging(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int dev = idOf(tc, s, ctx, ObjectKind.DEVICE);
        int pt = idOf(tc, s, ctx, ObjectKind.IOAS);
        int flags = new int[] {HwptFlags.NEST_PARENT, 0, HwptFlags.PASID}[tc.pickWeighted(6, 2, 2)];
        if (!invalid) return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.NONE, null);
        switch (tc.between(0, 6)) {
            case 0: return new Op.HwptAlloc(ctx, dev, pt, new int[] {HwptFlags.DIRTY_TRACKING, HwptFlags.FAULT_ID,
                    HwptFlags.NEST_PARENT | HwptFlags.DIRTY_TRACKING, 16}[tc.between(0, 3)], DataType.NONE, null);
            case 1: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.NONE, List.of(tc.bits64()));
            case 2: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.ARM_SMMUV3, List.of(1L, 0L));
            case 3: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.VTD_S1, null);
            case 4: return new Op.HwptAlloc(ctx, dev, idOf(tc, s, ctx, ObjectKind.HWPT_PAGING), flags, DataType.NONE, null);
            case 5: return new Op.HwptAlloc(ctx, dev, anyId(tc, s, ctx), flags, DataType.NONE, null);
            default: return new Op.HwptAlloc(ctx, anyId(tc, s, ctx), pt, flags, DataType.NONE, null);
        }
    }

    private Op viommuAlloc(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int dev = idOf(tc, s, ctx, ObjectKind.DEVICE);
        List<Integer> parents = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent() && o.smmu() == smmuOfDevice(s, ctx, dev)) parents.add(id);
        });
        int hwpt = parents.isEmpty() ? idOf(tc, s, ctx, ObjectKind.HWPT_PAGING) : tc.pick(parents);
        if (!invalid) return new Op.ViommuAlloc(ctx, dev, hwpt, "ARM_SMMUV3");
        switch (tc.between(0, 3)) {
            case 0: return new Op.ViommuAlloc(ctx, dev, hwpt, tc.bool() ? "DEFAULT" : "TEGRA241_CMDQV");
            case 1: return new Op.ViommuAlloc(ctx, dev, idOf(tc, s, ctx, ObjectKind.HWPT_PAGING), "ARM_SMMUV3");
            case 2: return new Op.ViommuAlloc(ctx, dev, anyId(tc, s, ctx), "ARM_SMMUV3");
            default: return new Op.ViommuAlloc(ctx, anyId(tc, s, ctx), hwpt, "ARM_SMMUV3");
        }
    }

    private Op hwptNested(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int viommu = idOf(tc, s, ctx, ObjectKind.VIOMMU);
        int smmu = objects(s, ctx).containsKey(viommu) ? objects(s, ctx).get(viommu).smmu() : -1;
        List<Integer> sameSmmu = new ArrayList<>();
        for (int d : ids(s, ctx, ObjectKind.DEVICE))
            if (smmuOfDevice(s, ctx, d) == smmu) sameSmmu.add(d);
        int dev = sameSmmu.isEmpty() ? idOf(tc, s, ctx, ObjectKind.DEVICE) : tc.pick(sameSmmu);
        if (!invalid) return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, Vste.valid(tc));
        switch (tc.pickWeighted(4, 1, 1, 1, 1, 1)) { // mostly an invalid vSTE: NEST-2 has the most classes
            case 0: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, Vste.invalid(tc));
            case 1: return new Op.HwptAlloc(ctx, dev, viommu, HwptFlags.NEST_PARENT, DataType.ARM_SMMUV3, Vste.valid(tc));
            case 2: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.NONE, null);
            case 3: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.VTD_S1, Vste.valid(tc));
            case 4: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3,
                    tc.bool() ? List.of(Vste.valid(tc).get(0)) : List.of(0xbL, 0L, 0L));
            default: return new Op.HwptAlloc(ctx, idOf(tc, s, ctx, ObjectKind.DEVICE), viommu, 0, DataType.ARM_SMMUV3, Vste.valid(tc));
        }
    }

    private Op vdeviceAlloc(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int viommu = idOf(tc, s, ctx, ObjectKind.VIOMMU);
        int smmu = objects(s, ctx).containsKey(viommu) ? objects(s, ctx).get(viommu).smmu() : -1;
        List<Integer> candidates = new ArrayList<>();
        for (int d : ids(s, ctx, ObjectKind.DEVICE))
            if (smmuOfDevice(s, ctx, d) == smmu && !hasVdevice(s, ctx, d)) candidates.add(d);
        long virtId = tc.between(0, 3);
        if (!invalid && !candidates.isEmpty()) return new Op.VdeviceAlloc(ctx, viommu, tc.pick(candidates), virtId);
        switch (tc.between(0, 1)) {
            case 0: return new Op.VdeviceAlloc(ctx, viommu, idOf(tc, s, ctx, ObjectKind.DEVICE), virtId);
            default: return new Op.VdeviceAlloc(ctx, anyId(tc, s, ctx), idOf(tc, s, ctx, ObjectKind.DEVICE), virtId);
        }
    }

    static boolean hasVdevice(Snapshot s, int ctx, int devId) {
        for (Snapshot.Obj o : objects(s, ctx).values())
            if (o.kind() == ObjectKind.VDEVICE && o.device() == devId) return true;
        return false;
    }

    private Op attach(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int dev = idOf(tc, s, ctx, ObjectKind.DEVICE);
        if (invalid) {
            return new Op.Attach(ctx, tc.bool() ? dev : anyId(tc, s, ctx),
                    tc.bool() ? idOf(tc, s, ctx, ObjectKind.IOAS) : anyId(tc, s, ctx));
        }
        int smmu = smmuOfDevice(s, ctx, dev);
        List<Integer> same = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            if ((o.kind() == ObjectKind.HWPT_PAGING || o.kind() == ObjectKind.HWPT_NESTED) && o.smmu() == smmu) same.add(id);
        });
        int hwpt = same.isEmpty() ? idOf(tc, s, ctx, ObjectKind.HWPT_NESTED) : tc.pick(same);
        return new Op.Attach(ctx, dev, hwpt);
    }

    private int vm(TestCase tc, Snapshot s, boolean invalid) {
        List<Integer> vms = new ArrayList<>(new TreeMap<>(s.kvm().vms()).keySet());
        if (invalid || vms.isEmpty()) return tc.between(0, vmsCreated + 1);
        return tc.pick(vms);
    }

    private int cpu(TestCase tc, boolean invalid) {
        return invalid ? platform.kvm().cpus() + tc.between(0, 1) : tc.between(0, platform.kvm().cpus() - 1);
    }
}
