package dev.nestcheck.conformance;

import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
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
 * contexts, cut areas, overlapping runs), so that every errno of the covered rules is
 * reached. Kinds whose preconditions hold are drawn more often, so that full nesting setups
 * are common. Every field is drawn over its whole documented range, biased to its edges.
 * Every choice shrinks towards the first, valid, alternative.
 *
 * <p>Each case has a {@link Profile}, drawn before its first step: per-kind weights switched
 * off or boosted at random (swarm testing: a case that never detaches reaches other states
 * than one that always does), and sometimes a goal that steers it towards a rare multi-step
 * state ({@link StateFeatures#RARE}), towards unmaps after detach/replace with several
 * vIOMMUs and ATS devices, or (mostly on realistic platforms) towards filling a VMID pool.
 * Profiles and goals change probabilities only, never which draws a step makes: a goal's next
 * operation gets most of the kind weight and its parameters are preferred in the same draws
 * an unsteered step makes, so the shrinker can lower a goal or drop a swarm and replay the
 * same operations (the counterexample then needs no goal).
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
        UNBIND, CLOSE, INVALIDATE, KVM_VM_CREATE, KVM_BIND, VCPU_LOAD, VCPU_PUT, KVM_VM_DESTROY, IOAS_MAP, IOAS_UNMAP
    }

    /** What a case steers towards, besides its swarm weights. */
    enum Goal {
        /** Nothing in particular. */
        NONE,
        /** A translate attachment whose VDEVICE goes away, then a re-attach (StateFeatures.REATTACH_AFTER_VDEVICE_GONE). */
        VDEVICE_GONE,
        /** A VM destroyed while loaded on a CPU, then a rollover (StateFeatures.ROLLOVER_AFTER_LOADED_VM_DESTROYED). */
        LOADED_VM_DESTROYED,
        /** Maps and unmaps after detach and replace, on parents with several vIOMMUs and ATS devices. */
        UNMAP_HEAVY,
        /** Realistic platforms: allocate nest parents (and vIOMMUs, contexts, VMs) until a pool passes 64 and 128. */
        FILL_POOL
    }

    /** Swarm multipliers: neutral, switched off (weight 1), boosted (the choice's value). */
    private static final int SWARM_OFF = 1, SWARM_BOOST = 2;

    /**
     * A case's generation profile, drawn before its first step (outside every step, so that deleting a
     * step leaves it alone; every draw shrinks to the neutral profile).
     */
    public record Profile(boolean kvmFocus, Goal goal, int[] swarm) {
        /** The v1 behaviour: no goal, no swarm. */
        public static Profile plain(boolean kvmFocus) {
            return new Profile(kvmFocus, Goal.NONE, new int[Kind.values().length]);
        }

        /**
         * One in four cases favours KVM operations; on small platforms about one in four has a goal (the
         * rare states, unmap-heavy, or filling a pool); three in four realistic ones fill a pool; every
         * goal is possible on every platform (a shrunk realistic case keeps its goal); half the cases are a
         * swarm, where each kind but the first steps of every setup is switched off or boosted with
         * probability 0.3 each.
         */
        public static Profile draw(TestCase tc, boolean wide) {
            boolean kvmFocus = tc.weighted(0.25);
            // exhaustive exploration enumerates every small choice anyway: goals and swarms are devices of
            // the random search, and their draws would multiply the prefixes to explore (the v1 profile there)
            if (tc.maxSteps() != Integer.MAX_VALUE) return plain(kvmFocus);
            Goal goal = Goal.values()[wide ? tc.pickWeighted(2, 1, 1, 1, 16) : tc.pickWeighted(14, 1, 1, 2, 1)];
            int[] swarm = new int[Kind.values().length];
            if (tc.weighted(0.5)) { // the multipliers in a span right after their flag: shrinking drops them at once
                tc.startSpan();
                for (Kind k : Kind.values()) {
                    if (k == Kind.OPEN || k == Kind.BIND || k == Kind.IOAS_ALLOC) continue;
                    swarm[k.ordinal()] = tc.pickWeighted(4, 3, 3);
                }
                tc.endSpan();
            }
            return new Profile(kvmFocus, goal, swarm);
        }
    }

    private final Platform platform;
    private final CommandGenerator commands;
    private int contextsOpened;
    private int vmsCreated;
    private final Profile profile;
    private final boolean kvmFocus;
    /** VDEVICE_GONE, LOADED_VM_DESTROYED: the goal's state was reached; the case goes on at random. */
    private boolean goalReached;
    /** LOADED_VM_DESTROYED: the rollover count when a loaded VM was destroyed (-1: not yet). */
    private int rolloversAtDestroy = -1;
    /** The goal's operation for this step when its kind was drawn (parameters prefer its values), else null. */
    private Op target;
    /** Whether the goal's operation this step completes a stage of the goal (see {@link #observe}). */
    private boolean milestone;
    /** LOADED_VM_DESTROYED: the rollover count when the destroy of a loaded VM was steered. */
    private int rolloversAtTarget;
    /** How often a goal's operation, drawn as steered, failed. */
    private int refusals;
    /**
     * The birth ({@link TestCase#birth()}) of every object, context and VM created in this case, by
     * {@link #key}: references are drawn with {@link TestCase#pickRef}, so that the shrinker can delete
     * an unrelated earlier step and still point later steps at the same objects (issue 13 item 6).
     */
    private final Map<Long, Long> births = new java.util.HashMap<>();
    /** The birth of the step being drawn, stored for what it creates in {@link #observe(Op, Outcome)}. */
    private long stepBirth;

    /** Reference scopes besides a context's object IDs (which use the context number, always positive). */
    private static final int CONTEXTS = -1, VMS = -2, DEVICES = -3;

    /**
     * @param kvmFocus drawn once per sequence, before its first step (one in four favours KVM
     *                 operations); outside every step, so that deleting a step leaves it alone
     */
    public OpGenerator(Platform platform, boolean kvmFocus) {
        this(platform, Profile.plain(kvmFocus));
    }

    public OpGenerator(Platform platform, Profile profile) {
        this.platform = platform;
        this.profile = profile;
        this.kvmFocus = profile.kvmFocus() || profile.goal() == Goal.LOADED_VM_DESTROYED;
        this.commands = new CommandGenerator();
    }

    /**
     * Tells the generator what an operation returned: how many contexts and VMs exist, and the birth of
     * what it created (for references that survive the deletion of earlier steps).
     */
    public void observe(Op op, Outcome out) {
        observe(op, out.isOk());
        if (!out.isOk()) return;
        int id = (int) out.value();
        if (op instanceof Op.Open) births.put(key(CONTEXTS, id), stepBirth);
        else if (op instanceof Op.KvmVmCreate) births.put(key(VMS, id), stepBirth);
        else if (op instanceof Op.Bind || op instanceof Op.IoasAlloc || op instanceof Op.HwptAlloc
                || op instanceof Op.ViommuAlloc || op instanceof Op.VdeviceAlloc)
            births.put(key(ctxOf(op), id), stepBirth);
    }

    private static long key(int scope, int id) {
        return (long) scope << 32 | (id & 0xFFFF_FFFFL);
    }

    /**
     * A reference to one of {@code items} (IDs in {@code scope}: a context number, or CONTEXTS, VMS,
     * DEVICES), preferring {@code preferred} as {@link #pick(TestCase, List, Object)} does when a goal
     * steers; otherwise drawn with its birth, so that a shrunk case still refers to the same object.
     * Either way one draw of an index, so a preference never changes the shape of the choices.
     */
    private int ref(TestCase tc, int scope, List<Integer> items, Integer preferred) {
        if (preferred != null && items.size() > 1 && items.contains(preferred)) return pick(tc, items, preferred);
        return tc.pickRef(items, id -> scope == DEVICES ? -2L - id : births.getOrDefault(key(scope, id), -1L));
    }

    /**
     * Exploration: the generator's state that shapes later draws (what was opened and created, the
     * profile and the goal's progress); births are left out (they only guide the shrinker).
     */
    public Object stateFingerprint() {
        return java.util.Arrays.asList(profile.kvmFocus(), profile.goal(), java.util.Arrays.toString(profile.swarm()),
                contextsOpened, vmsCreated, goalReached, rolloversAtDestroy, String.valueOf(target), milestone,
                rolloversAtTarget, refusals);
    }

    /** Tells the generator whether an operation succeeded, so it knows how many contexts and VMs exist. */
    public void observe(Op op, boolean ok) {
        if (ok && op instanceof Op.Open) contextsOpened++;
        if (ok && op instanceof Op.KvmVmCreate) vmsCreated++;
        if (!ok && target != null && op.equals(target) && profile.goal() != Goal.FILL_POOL && ++refusals >= 3)
            goalReached = true; // the goal's operation keeps failing (a platform it does not fit): stop steering
        if (milestone && op.equals(target)) { // the goal's stage happened as steered
            if (profile.goal() == Goal.VDEVICE_GONE) goalReached = true;
            if (profile.goal() == Goal.LOADED_VM_DESTROYED && ok) rolloversAtDestroy = rolloversAtTarget;
        }
    }

    public Op next(TestCase tc, Snapshot s) {
        stepBirth = tc.birth();
        Op goalOp = steer(s);
        Kind wanted = goalOp == null ? null : kindOf(goalOp);
        Kind kind = Kind.values()[tc.pickWeighted(weights(s, wanted))];
        tc.label("op", kind.name());
        target = kind == wanted ? goalOp : null;
        boolean invalid = tc.weighted(target != null ? INVALID / 10 : profile.goal() == Goal.FILL_POOL ? INVALID / 4 : INVALID);
        int ctx = pickContext(tc, s, kind, invalid && tc.weighted(0.25));
        switch (kind) {
            case OPEN: return new Op.Open();
            case CLOSE: return new Op.Close(ctx);
            case BIND: return bind(tc, s, ctx, invalid);
            case UNBIND: return new Op.Unbind(ctx, invalid ? anyId(tc, s, ctx)
                    : idOf(tc, s, ctx, ObjectKind.DEVICE, target instanceof Op.Unbind ? ((Op.Unbind) target).dev() : 0));
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
            case KVM_BIND: return new Op.KvmBind(ctx, vm(tc, s, invalid, target instanceof Op.KvmBind ? ((Op.KvmBind) target).vm() : 0));
            case VCPU_LOAD: {
                Op.VcpuLoad t = target instanceof Op.VcpuLoad ? (Op.VcpuLoad) target : null;
                return new Op.VcpuLoad(vm(tc, s, invalid, t == null ? 0 : t.vm()), cpu(tc, invalid, t == null ? -1 : t.cpu()));
            }
            case VCPU_PUT: return new Op.VcpuPut(cpu(tc, invalid, -1));
            case KVM_VM_DESTROY: return new Op.KvmVmDestroy(vm(tc, s, invalid, target instanceof Op.KvmVmDestroy
                    ? ((Op.KvmVmDestroy) target).vm() : 0));
            case IOAS_MAP: return ioasMap(tc, s, ctx, invalid);
            case IOAS_UNMAP: return ioasUnmap(tc, s, ctx, invalid);
            default: throw new AssertionError(kind);
        }
    }

    /**
     * The operation the case's goal steers towards next, from the state alone (no draws), or null. A goal
     * only changes probabilities: the wanted kind gets most of the weight and, when drawn, each of its
     * parameters prefers the wanted value ({@link #pick(TestCase, List, Object)}); the shape of the
     * choice sequence is the same with or without a goal, so the shrinker can drop the goal (a choice
     * lowered to {@link Goal#NONE}) and replay the same operations.
     */
    private Op steer(Snapshot s) {
        milestone = false;
        switch (profile.goal()) {
            case FILL_POOL: return fillStep(s);
            case VDEVICE_GONE: return goalReached ? null : vdeviceGoneStep(s);
            case LOADED_VM_DESTROYED: return goalReached ? null : loadedVmStep(s);
            case UNMAP_HEAVY: return goalReached ? null : unmapHeavyStep(s);
            default: return null;
        }
    }

    private static Kind kindOf(Op op) {
        if (op instanceof Op.Open) return Kind.OPEN;
        if (op instanceof Op.Bind) return Kind.BIND;
        if (op instanceof Op.Unbind) return Kind.UNBIND;
        if (op instanceof Op.IoasAlloc) return Kind.IOAS_ALLOC;
        if (op instanceof Op.HwptAlloc) return ((Op.HwptAlloc) op).dataType() == DataType.NONE ? Kind.HWPT_PAGING : Kind.HWPT_NESTED;
        if (op instanceof Op.ViommuAlloc) return Kind.VIOMMU_ALLOC;
        if (op instanceof Op.VdeviceAlloc) return Kind.VDEVICE_ALLOC;
        if (op instanceof Op.Attach) return Kind.ATTACH;
        if (op instanceof Op.Detach) return Kind.DETACH;
        if (op instanceof Op.Destroy) return Kind.DESTROY;
        if (op instanceof Op.KvmVmCreate) return Kind.KVM_VM_CREATE;
        if (op instanceof Op.KvmBind) return Kind.KVM_BIND;
        if (op instanceof Op.VcpuLoad) return Kind.VCPU_LOAD;
        if (op instanceof Op.KvmVmDestroy) return Kind.KVM_VM_DESTROY;
        throw new AssertionError("no goal step is " + op);
    }

    /** The context of a goal's operation, or 0. */
    private static int ctxOf(Op op) {
        if (op instanceof Op.Bind) return ((Op.Bind) op).ctx();
        if (op instanceof Op.Unbind) return ((Op.Unbind) op).ctx();
        if (op instanceof Op.IoasAlloc) return ((Op.IoasAlloc) op).ctx();
        if (op instanceof Op.HwptAlloc) return ((Op.HwptAlloc) op).ctx();
        if (op instanceof Op.ViommuAlloc) return ((Op.ViommuAlloc) op).ctx();
        if (op instanceof Op.VdeviceAlloc) return ((Op.VdeviceAlloc) op).ctx();
        if (op instanceof Op.Attach) return ((Op.Attach) op).ctx();
        if (op instanceof Op.Detach) return ((Op.Detach) op).ctx();
        if (op instanceof Op.Destroy) return ((Op.Destroy) op).ctx();
        if (op instanceof Op.KvmBind) return ((Op.KvmBind) op).ctx();
        return 0;
    }

    /**
     * {@code tc.pick(items)}, preferring {@code preferred} (nine in ten) when it is one of them: the same
     * single draw of an index either way, so a preference never changes the shape of the choices.
     */
    static <T> T pick(TestCase tc, List<T> items, T preferred) {
        int i = preferred == null ? -1 : items.indexOf(preferred);
        if (i < 0 || items.size() == 1) return tc.pick(items);
        int[] w = new int[items.size()];
        java.util.Arrays.fill(w, 1);
        w[i] = 9 * (items.size() - 1);
        return items.get(tc.pickWeighted(w));
    }

    /**
     * Weights per kind: a kind whose preconditions for a valid operation hold gets its full
     * weight, one that can only fail gets 1 (never 0: a replayed choice of weight 0 would
     * reject the case, and shrinking replays choices against changed states).
     */
    private int[] weights(Snapshot s, Kind wanted) {
        int[] w = new int[Kind.values().length];
        Census census = census(s);
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
        boolean bindable = census.unboundContext && s.kvm().vms().keySet().stream().anyMatch(vm -> !census.boundVms.contains(vm));
        w[Kind.KVM_BIND.ordinal()] = bindable ? (kvmMatters ? 30 : 4) : 1;
        w[Kind.VCPU_LOAD.ordinal()] = vms > 0 ? 20 : 1;
        w[Kind.VCPU_PUT.ordinal()] = 4;
        w[Kind.KVM_VM_DESTROY.ordinal()] = vms > 0 ? 3 : 1;
        int ioases = count(s, ObjectKind.IOAS);
        w[Kind.IOAS_MAP.ordinal()] = ioases > 0 ? 20 : 1;
        w[Kind.IOAS_UNMAP.ordinal()] = census.anyArea ? 20 : ioases > 0 ? 2 : 1;
        if (kvmFocus) {
            for (Kind k : new Kind[] {Kind.KVM_VM_CREATE, Kind.KVM_BIND, Kind.VCPU_LOAD, Kind.VCPU_PUT})
                w[k.ordinal()] *= 6;
        }
        switch (profile.goal()) {
            case VDEVICE_GONE:
                for (Kind k : new Kind[] {Kind.VDEVICE_ALLOC, Kind.HWPT_NESTED, Kind.ATTACH, Kind.DESTROY}) w[k.ordinal()] *= 3;
                break;
            case LOADED_VM_DESTROYED:
                w[Kind.KVM_VM_DESTROY.ordinal()] *= 8;
                w[Kind.KVM_VM_CREATE.ordinal()] = vms < 6 ? 120 : 1;
                break;
            case UNMAP_HEAVY:
                for (Kind k : new Kind[] {Kind.IOAS_MAP, Kind.IOAS_UNMAP, Kind.VIOMMU_ALLOC, Kind.ATTACH, Kind.DETACH})
                    w[k.ordinal()] *= 3;
                break;
            case FILL_POOL:
                fillWeights(s, w);
                break;
            default:
                break;
        }
        for (Kind k : Kind.values()) {
            int m = profile.swarm()[k.ordinal()];
            if (m == SWARM_OFF) w[k.ordinal()] = 1;
            else if (m == SWARM_BOOST) w[k.ordinal()] *= 4;
        }
        if (wanted != null) { // the goal's next kind: about six in seven steps
            int others = 0;
            for (Kind k : Kind.values()) if (k != wanted) others += w[k.ordinal()];
            w[wanted.ordinal()] = Math.max(w[wanted.ordinal()], 6 * others);
        }
        return w;
    }

    /**
     * FILL_POOL: mostly what takes a VMID. Under ICTX and KVM_PINNED a context holds one nest parent
     * per SMMU (VMID-6), so contexts are opened, bound (to a VM, under KVM_PINNED) and given a parent,
     * and their devices unbound again for the next context.
     */
    private void fillWeights(Snapshot s, int[] w) {
        for (int i = 0; i < w.length; i++) w[i] = Math.max(1, w[i] / 8);
        boolean perContext = platform.policy() == Policy.ICTX || platform.policy() == Policy.KVM_PINNED;
        boolean needsContext = s.contexts().isEmpty() || (perContext && contextWithoutParent(s) == 0);
        w[Kind.OPEN.ordinal()] = needsContext ? 200 : 1;
        w[Kind.BIND.ordinal()] = s.devices().stream().anyMatch(d -> d.ctx() == 0) ? 60 : 1;
        w[Kind.IOAS_ALLOC.ordinal()] = 20;
        w[Kind.HWPT_PAGING.ordinal()] = 120;
        if (platform.policy() == Policy.VIOMMU && nestParents(s) > 0) w[Kind.VIOMMU_ALLOC.ordinal()] = 60;
        if (perContext) w[Kind.UNBIND.ordinal()] = 40;
        if (platform.policy() == Policy.KVM_PINNED) {
            w[Kind.KVM_VM_CREATE.ordinal()] = 60;
            w[Kind.KVM_BIND.ordinal()] = 80;
        }
    }

    /**
     * An open context where the kind can be valid (one holding what it needs), else any open
     * one; or (when {@code closed}) one that is closed or was never opened.
     */
    private int pickContext(TestCase tc, Snapshot s, Kind kind, boolean closed) {
        if (closed || s.contexts().isEmpty()) {
            if (closed && tc.weighted(0.1)) return new int[] {0, -1, Integer.MAX_VALUE}[tc.between(0, 2)];
            List<Integer> gone = new ArrayList<>();
            for (int c = 1; c <= contextsOpened + 1; c++)
                if (!s.contexts().containsKey(c)) gone.add(c);
            return tc.pick(gone);
        }
        List<Integer> open = new ArrayList<>(census(s).contextIds());
        Integer wanted = target == null ? null : ctxOf(target);
        ObjectKind needs = needs(kind);
        if (needs != null) {
            List<Integer> fit = new ArrayList<>();
            Census census = census(s);
            for (int c : open)
                if ((census.kindMask.getOrDefault(c, 0) & 1 << needs.ordinal()) != 0) fit.add(c);
            if (!fit.isEmpty()) return ref(tc, CONTEXTS, fit, wanted);
        }
        return ref(tc, CONTEXTS, open, wanted);
    }

    /** The object kind an operation of this kind needs in its context to be valid, if any. */
    private static ObjectKind needs(Kind kind) {
        switch (kind) {
            case INVALIDATE: case HWPT_NESTED: case VDEVICE_ALLOC: return ObjectKind.VIOMMU;
            case ATTACH: case DETACH: case UNBIND: case HWPT_PAGING: case VIOMMU_ALLOC: return ObjectKind.DEVICE;
            case IOAS_MAP: case IOAS_UNMAP: return ObjectKind.IOAS;
            default: return null;
        }
    }

    /**
     * What the generator asks about a state, computed once per state (a step asks many times): object
     * counts per kind, each context's kinds and its objects in ID order, whether any area is mapped,
     * the lowest context without a nest parent, the VMs bound to contexts.
     */
    static final class Census {
        final Snapshot snapshot;
        final int[] kinds = new int[ObjectKind.values().length];
        final Map<Integer, Integer> kindMask = new java.util.HashMap<>();
        /** Per context, a bit per SMMU that holds one of its nest parents. */
        final Map<Integer, Long> parentSmmus = new java.util.HashMap<>();
        final Map<Integer, ById> sorted = new java.util.HashMap<>();
        /** Per context, per object kind, the IDs in increasing order. */
        final Map<Integer, List<List<Integer>>> idsByKind = new java.util.HashMap<>();
        final java.util.Set<Integer> boundVms = new java.util.HashSet<>();
        boolean anyArea, unboundContext;
        int nestParents, contextWithoutParent;

        Census(Snapshot s) {
            snapshot = s;
            int without = Integer.MAX_VALUE;
            for (Map.Entry<Integer, Snapshot.Context> c : s.contexts().entrySet()) {
                int mask = 0;
                boolean parent = false;
                for (Snapshot.Obj o : c.getValue().objects().values()) {
                    kinds[o.kind().ordinal()]++;
                    mask |= 1 << o.kind().ordinal();
                    anyArea |= !o.areas().isEmpty();
                    if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent()) {
                        nestParents++;
                        parent = true;
                        parentSmmus.merge(c.getKey(), 1L << Math.min(63, o.smmu()), (x, y) -> x | y);
                    }
                }
                kindMask.put(c.getKey(), mask);
                if (!parent) without = Math.min(without, c.getKey());
                if (c.getValue().kvmVm() == 0) unboundContext = true;
                else boundVms.add(c.getValue().kvmVm());
            }
            contextWithoutParent = without == Integer.MAX_VALUE ? 0 : without;
        }

        private List<Integer> contextIds, vmIds;

        /** The open contexts in increasing order (do not modify). */
        List<Integer> contextIds() {
            if (contextIds == null) contextIds = sortedKeys(snapshot.contexts());
            return contextIds;
        }

        /** The live KVM VMs in increasing order (do not modify). */
        List<Integer> vmIds() {
            if (vmIds == null) vmIds = sortedKeys(snapshot.kvm().vms());
            return vmIds;
        }

        private static List<Integer> sortedKeys(Map<Integer, ?> map) {
            Integer[] keys = map.keySet().toArray(new Integer[0]);
            java.util.Arrays.sort(keys);
            return List.of(keys);
        }

        ById objects(int ctx) {
            return sorted.computeIfAbsent(ctx, k -> {
                Snapshot.Context c = snapshot.contexts().get(k);
                return new ById(c == null ? Map.of() : c.objects());
            });
        }

        List<Integer> ids(int ctx, ObjectKind kind) {
            return idsByKind.computeIfAbsent(ctx, k -> {
                List<List<Integer>> out = new ArrayList<>();
                for (int i = 0; i < ObjectKind.values().length; i++) out.add(new ArrayList<>());
                objects(k).forEach((id, o) -> out.get(o.kind().ordinal()).add(id));
                return out;
            }).get(kind.ordinal());
        }
    }

    /**
     * A context's objects in ID order, read-only: the snapshot's own map, iterated through its keys
     * sorted once (a copy into a sorted map cost more than the rest of the census on big platforms).
     */
    static final class ById extends java.util.AbstractMap<Integer, Snapshot.Obj> {
        private final Map<Integer, Snapshot.Obj> objects;
        private final Integer[] ids;

        ById(Map<Integer, Snapshot.Obj> objects) {
            this.objects = objects;
            this.ids = objects.keySet().toArray(new Integer[0]);
            java.util.Arrays.sort(ids);
        }

        @Override
        public Snapshot.Obj get(Object id) {
            return objects.get(id);
        }

        @Override
        public boolean containsKey(Object id) {
            return objects.containsKey(id);
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super Integer, ? super Snapshot.Obj> action) {
            for (Integer id : ids) action.accept(id, objects.get(id));
        }

        @Override
        public java.util.Set<Map.Entry<Integer, Snapshot.Obj>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() {
                    return ids.length;
                }

                @Override
                public java.util.Iterator<Map.Entry<Integer, Snapshot.Obj>> iterator() {
                    return new java.util.Iterator<>() {   // not a stream's: values() walks this on every step
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < ids.length;
                        }

                        @Override
                        public Map.Entry<Integer, Snapshot.Obj> next() {
                            if (next >= ids.length) throw new java.util.NoSuchElementException();
                            Integer id = ids[next++];
                            return Map.entry(id, objects.get(id));
                        }
                    };
                }
            };
        }
    }

    /**
     * FILL_POOL: the next operation towards one more VMID on the SMMU with the fullest pool that is not
     * full yet (null when none can be had): a nest parent (or, under VIOMMU, a vIOMMU) in the first
     * context; under ICTX and KVM_PINNED, which allow one nest parent per context and SMMU, a new
     * context each time, with a VM (KVM_PINNED), an IOAS and a device freed from an earlier context.
     */
    private Op fillStep(Snapshot s) {
        int target = -1;
        for (int m = 0; m < s.smmus().size(); m++) {
            int used = s.smmus().get(m).vmids().size();
            if (used < platform.smmu(m).maxVmid() && platform.smmu(m).nesting()
                    && (target < 0 || used > s.smmus().get(target).vmids().size())) target = m;
        }
        if (target < 0) return null;
        boolean perContext = platform.policy() == Policy.ICTX || platform.policy() == Policy.KVM_PINNED;
        int ctx = 0;
        for (int c : census(s).contextIds()) {
            if (!perContext || !hasParentOn(s, c, target)) {
                ctx = c;
                break;
            }
        }
        if (ctx == 0) return new Op.Open();
        Snapshot.Context c = s.contexts().get(ctx);
        if (platform.policy() == Policy.KVM_PINNED && c.kvmVm() == 0) {
            Census census = census(s);
            for (int vm : census.vmIds())
                if (!census.boundVms.contains(vm)) return new Op.KvmBind(ctx, vm);
            return new Op.KvmVmCreate();
        }
        // one pass over the context, unsorted: the context may hold hundreds of parents here
        int ioas = Integer.MAX_VALUE, dev = Integer.MAX_VALUE, parent = Integer.MAX_VALUE;
        for (Map.Entry<Integer, Snapshot.Obj> e : c.objects().entrySet()) {
            Snapshot.Obj o = e.getValue();
            if (o.kind() == ObjectKind.IOAS) ioas = Math.min(ioas, e.getKey());
            if (o.kind() == ObjectKind.DEVICE && o.smmu() == target) dev = Math.min(dev, e.getKey());
            if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent() && o.smmu() == target) parent = Math.min(parent, e.getKey());
        }
        if (ioas == Integer.MAX_VALUE) return new Op.IoasAlloc(ctx);
        if (dev == Integer.MAX_VALUE) {
            for (int d = 0; d < s.devices().size(); d++)
                if (s.devices().get(d).ctx() == 0 && platform.device(d).smmu() == target) return new Op.Bind(ctx, d);
            if (!perContext) return null;
            for (int d = 0; d < s.devices().size(); d++) { // free a device of a context that is done on this SMMU
                Snapshot.Device x = s.devices().get(d);
                if (x.ctx() != 0 && x.ctx() != ctx && platform.device(d).smmu() == target && hasParentOn(s, x.ctx(), target))
                    return new Op.Unbind(x.ctx(), x.objectId());
            }
            return null;
        }
        if (platform.policy() == Policy.VIOMMU && parent != Integer.MAX_VALUE && (s.smmus().get(target).vmids().size() & 1) == 1)
            return new Op.ViommuAlloc(ctx, dev, parent, "ARM_SMMUV3");
        return new Op.HwptAlloc(ctx, dev, ioas, HwptFlags.NEST_PARENT, DataType.NONE, null);
    }

    private static boolean hasParentOn(Snapshot s, int ctx, int smmu) {
        return (census(s).parentSmmus.getOrDefault(ctx, 0L) & 1L << Math.min(63, smmu)) != 0;
    }

    /**
     * VDEVICE_GONE, step by step: a context with a device, an IOAS, a nest parent, a vIOMMU, the device's
     * VDEVICE and a translate nested HWPT; attach the device to it; destroy the VDEVICE (the attachment
     * stays, VDEVICEs are never referenced); attach the device to a translate HWPT of that vIOMMU again.
     * Null when a step cannot be had (the case goes on at random).
     */
    private Op vdeviceGoneStep(Snapshot s) {
        if (s.contexts().isEmpty()) return new Op.Open();
        int ctx = census(s).contextIds().get(0);
        Op kvm = kvmBindingFor(s, ctx);
        if (kvm != null) return kvm;
        List<Integer> devs = ids(s, ctx, ObjectKind.DEVICE);
        if (devs.isEmpty()) {
            for (int d = 0; d < s.devices().size(); d++)
                if (s.devices().get(d).ctx() == 0 && platform.smmu(platform.device(d).smmu()).nesting()) return new Op.Bind(ctx, d);
            return null;
        }
        int dev = devs.get(0), smmu = smmuOfDevice(s, ctx, dev);
        List<Integer> ioases = ids(s, ctx, ObjectKind.IOAS);
        if (ioases.isEmpty()) return new Op.IoasAlloc(ctx);
        Map<Integer, Snapshot.Obj> objs = objects(s, ctx);
        int parent = 0, viommu = 0, vdev = 0, translate = 0;
        for (Map.Entry<Integer, Snapshot.Obj> e : objs.entrySet()) {
            Snapshot.Obj o = e.getValue();
            if (o.smmu() != smmu) continue;
            if (parent == 0 && o.kind() == ObjectKind.HWPT_PAGING && o.nestParent()) parent = e.getKey();
            if (viommu == 0 && o.kind() == ObjectKind.VIOMMU) viommu = e.getKey();
        }
        if (parent == 0) return new Op.HwptAlloc(ctx, dev, ioases.get(0), HwptFlags.NEST_PARENT, DataType.NONE, null);
        if (viommu == 0) return new Op.ViommuAlloc(ctx, dev, parent, "ARM_SMMUV3");
        for (Map.Entry<Integer, Snapshot.Obj> e : objs.entrySet()) {
            Snapshot.Obj o = e.getValue();
            if (o.kind() == ObjectKind.VDEVICE && o.device() == dev) vdev = e.getKey();
            if (translate == 0 && isTranslate(o) && o.ref() == viommu) translate = e.getKey();
        }
        int attached = 0;
        for (Snapshot.Device d : s.devices()) if (d.ctx() == ctx && d.objectId() == dev) attached = d.attached();
        boolean onTranslate = isTranslate(objs.get(attached));
        if (onTranslate && vdev == 0) { // the VDEVICE went away under the attachment: attach again
            milestone = true;   // (the parameters may pick another translate HWPT of the vIOMMU: ATT-3)
            return new Op.Attach(ctx, dev, attached);
        }
        if (onTranslate) return new Op.Destroy(ctx, vdev);
        if (vdev == 0) return new Op.VdeviceAlloc(ctx, viommu, dev, 0);
        if (objs.get(vdev).ref() != viommu) return new Op.Destroy(ctx, vdev);
        if (translate == 0) return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, Vste.translate(0));
        return new Op.Attach(ctx, dev, translate);
    }

    /**
     * LOADED_VM_DESTROYED, step by step: two VMs; load one on a CPU; destroy it while it is loaded
     * (unbound); then create and load VMs until the generation rolls over.
     */
    private Op loadedVmStep(Snapshot s) {
        Snapshot.Kvm kvm = s.kvm();
        if (rolloversAtDestroy >= 0) {
            if (kvm.rollovers() > rolloversAtDestroy) {
                goalReached = true;
                return null;
            }
            for (int vm : new TreeMap<>(kvm.vms()).descendingMap().keySet())
                if (!kvm.cpuRunning().contains(vm)) return new Op.VcpuLoad(vm, 0);
            return new Op.KvmVmCreate();
        }
        Census census = census(s);
        for (int cpu = 0; cpu < kvm.cpuRunning().size(); cpu++) {
            int vm = kvm.cpuRunning().get(cpu);
            if (vm != 0 && !census.boundVms.contains(vm)) {
                milestone = true;
                rolloversAtTarget = kvm.rollovers();
                return new Op.KvmVmDestroy(vm);
            }
        }
        for (int vm : new TreeMap<>(kvm.vms()).keySet())
            if (!census.boundVms.contains(vm)) return new Op.VcpuLoad(vm, platform.kvm().cpus() - 1);
        return new Op.KvmVmCreate();
    }

    /** Under KVM_PINNED a context needs a VM before it can have a nest parent (VMID-7): the step towards one, or null. */
    private Op kvmBindingFor(Snapshot s, int ctx) {
        if (platform.policy() != Policy.KVM_PINNED || s.contexts().get(ctx).kvmVm() != 0) return null;
        Census census = census(s);
        for (int vm : census.vmIds())
            if (!census.boundVms.contains(vm)) return new Op.KvmBind(ctx, vm);
        return new Op.KvmVmCreate();
    }

    /**
     * UNMAP_HEAVY, step by step: one context with up to three devices on one SMMU, an IOAS, a nest
     * parent, two vIOMMUs on it (VMIDs of their own under VIOMMU), a second nest parent on the same IOAS
     * where the policy allows one (S2_PARENT, VIOMMU), VDEVICEs, translate nested HWPTs with and without
     * ATS, the first device attached directly to the last parent and the others nested with ATS; then
     * maps, unmaps, replaces and detaches at random, so that unmaps meet parents with several VMIDs and
     * ATS devices, before and after devices leave. Null once set up (or given up: see observe).
     */
    private Op unmapHeavyStep(Snapshot s) {
        if (s.contexts().isEmpty()) return new Op.Open();
        int ctx = census(s).contextIds().get(0);
        Op kvm = kvmBindingFor(s, ctx);
        if (kvm != null) return kvm;
        List<Integer> devs = ids(s, ctx, ObjectKind.DEVICE);
        int smmu = devs.isEmpty() ? -1 : smmuOfDevice(s, ctx, devs.get(0));
        List<Integer> same = new ArrayList<>();
        for (int d : devs) if (smmuOfDevice(s, ctx, d) == smmu) same.add(d);
        if (same.size() < 3) {
            for (int d = 0; d < s.devices().size(); d++)
                if (s.devices().get(d).ctx() == 0 && (smmu < 0 || platform.device(d).smmu() == smmu)
                        && platform.smmu(platform.device(d).smmu()).nesting()) return new Op.Bind(ctx, d);
            if (same.isEmpty()) return null;
        }
        int dev = same.get(0);
        List<Integer> ioases = ids(s, ctx, ObjectKind.IOAS);
        if (ioases.isEmpty()) return new Op.IoasAlloc(ctx);
        Map<Integer, Snapshot.Obj> objs = objects(s, ctx);
        List<Integer> parents = new ArrayList<>(), viommus = new ArrayList<>(), hwpts = new ArrayList<>();
        for (Map.Entry<Integer, Snapshot.Obj> e : objs.entrySet()) {
            Snapshot.Obj o = e.getValue();
            if (o.smmu() != smmu) continue;
            if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent() && o.ref() == ioases.get(0)) parents.add(e.getKey());
            if (o.kind() == ObjectKind.VIOMMU) viommus.add(e.getKey());
            if (o.kind() == ObjectKind.HWPT_NESTED || o.kind() == ObjectKind.HWPT_PAGING) hwpts.add(e.getKey());
        }
        if (parents.isEmpty()) return new Op.HwptAlloc(ctx, dev, ioases.get(0), HwptFlags.NEST_PARENT, DataType.NONE, null);
        int parent = parents.get(0);
        if (viommus.size() < 2) return new Op.ViommuAlloc(ctx, dev, parent, "ARM_SMMUV3");
        // S2_PARENT and VIOMMU allow a second nest parent per context and SMMU (VMID-6): one IOAS, two stage-2 VMIDs
        boolean secondParent = platform.policy() == Policy.S2_PARENT || platform.policy() == Policy.VIOMMU;
        if (secondParent && parents.size() < 2)
            return new Op.HwptAlloc(ctx, dev, ioases.get(0), HwptFlags.NEST_PARENT, DataType.NONE, null);
        for (int i = 0; i < same.size(); i++) // device i gets a VDEVICE in vIOMMU i % 2
            if (!hasVdevice(s, ctx, same.get(i)))
                return new Op.VdeviceAlloc(ctx, viommus.get(i % 2), same.get(i), i);
        for (int v : viommus.subList(0, 2)) {
            int translates = 0;
            for (int h : hwpts) if (isTranslate(objs.get(h)) && objs.get(h).ref() == v) translates++;
            if (translates < 3) // two with ATS, one without
                return new Op.HwptAlloc(ctx, dev, v, 0, DataType.ARM_SMMUV3, Vste.translate(translates == 1 ? 0 : 1));
        }
        for (int i = 0; i < same.size(); i++) { // the first device directly on the last parent, the others nested with ATS
            int d = same.get(i);
            boolean attached = false;
            for (Snapshot.Device x : s.devices()) attached |= x.ctx() == ctx && x.objectId() == d && x.attached() != 0;
            if (attached) continue;
            if (i == 0) return new Op.Attach(ctx, d, parents.get(parents.size() - 1));
            for (int h : hwpts)
                if (isTranslate(objs.get(h)) && objs.get(h).ref() == viommus.get(i % 2)) return new Op.Attach(ctx, d, h);
        }
        return null; // set up: maps, unmaps, replaces and detaches at random, with their weights raised
    }

    private static final ThreadLocal<Census> CENSUS = new ThreadLocal<>();

    static Census census(Snapshot s) {
        Census c = CENSUS.get();
        if (c == null || c.snapshot != s) {
            c = new Census(s);
            CENSUS.set(c);
        }
        return c;
    }

    private static int count(Snapshot s, ObjectKind kind) {
        return census(s).kinds[kind.ordinal()];
    }

    private static int nestParents(Snapshot s) {
        return census(s).nestParents;
    }

    /** Under FILL_POOL: the lowest open context with no nest parent yet (0: none). */
    private static int contextWithoutParent(Snapshot s) {
        return census(s).contextWithoutParent;
    }

    /** A context's objects in ID order (do not modify). */
    static Map<Integer, Snapshot.Obj> objects(Snapshot s, int ctx) {
        return census(s).objects(ctx);
    }

    /** IDs of the given kinds in a context, in increasing order (a list the caller may change). */
    static List<Integer> ids(Snapshot s, int ctx, ObjectKind... kinds) {
        if (kinds.length == 1) return new ArrayList<>(census(s).ids(ctx, kinds[0]));
        List<Integer> out = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            for (ObjectKind k : kinds)
                if (o.kind() == k) out.add(id);
        });
        return out;
    }

    /** An object of the kind, or any ID if there is none (making the operation invalid). */
    int idOf(TestCase tc, Snapshot s, int ctx, ObjectKind kind) {
        return idOf(tc, s, ctx, kind, 0);
    }

    /** As {@link #idOf(TestCase, Snapshot, int, ObjectKind)}, preferring {@code wanted} (0: nothing). */
    int idOf(TestCase tc, Snapshot s, int ctx, ObjectKind kind, int wanted) {
        List<Integer> ids = ids(s, ctx, kind);
        return ids.isEmpty() ? anyId(tc, s, ctx) : ref(tc, ctx, ids, wanted == 0 ? null : wanted);
    }

    /** Any ID: live, tombstoned or never used; now and then an edge of the u32 ID field. */
    int anyId(TestCase tc, Snapshot s, int ctx) {
        int max = 0;
        Snapshot.Context c = s.contexts().get(ctx);
        if (c != null) {
            for (int id : c.objects().keySet()) max = Math.max(max, id);
            for (int id : c.tombstones()) max = Math.max(max, id);
        }
        if (tc.weighted(0.05)) return new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE}[tc.between(0, 2)];
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
        return ids.isEmpty() ? anyId(tc, s, ctx) : ref(tc, ctx, ids, target instanceof Op.Destroy ? ((Op.Destroy) target).id() : null);
    }

    private static boolean isTranslate(Snapshot.Obj h) {
        return h != null && h.kind() == ObjectKind.HWPT_NESTED && (h.vste0() & 1) == 1 && ((h.vste0() >>> 1) & 7) == 5;
    }

    private Op bind(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        List<Integer> free = new ArrayList<>(), bound = new ArrayList<>();
        for (int d = 0; d < s.devices().size(); d++) (s.devices().get(d).ctx() == 0 ? free : bound).add(d);
        if (invalid) {
            bound.add(platform.devices().size()); // not a platform device
            if (tc.weighted(0.1)) return new Op.Bind(ctx, tc.bool() ? -1 : Integer.MAX_VALUE);
            return new Op.Bind(ctx, tc.pick(bound));
        }
        return new Op.Bind(ctx, free.isEmpty() ? tc.between(0, platform.devices().size() - 1)
                : ref(tc, DEVICES, free, target instanceof Op.Bind ? ((Op.Bind) target).device() : null));
    }

    /** The SMMU a DEVICE object's device sits behind, or -1. */
    int smmuOfDevice(Snapshot s, int ctx, int devId) {
        Snapshot.Context c = s.contexts().get(ctx);
        Snapshot.Obj o = c == null ? null : c.objects().get(devId);
        return o == null ? -1 : o.smmu();
    }

    private Op hwptPaging(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        Op.HwptAlloc t = target instanceof Op.HwptAlloc ? (Op.HwptAlloc) target : null;
        int dev = idOf(tc, s, ctx, ObjectKind.DEVICE, t == null ? 0 : t.dev());
        int pt = idOf(tc, s, ctx, ObjectKind.IOAS, t == null ? 0 : t.pt());
        int flags = new int[] {HwptFlags.NEST_PARENT, 0, HwptFlags.PASID}[t != null || profile.goal() == Goal.FILL_POOL
                ? tc.pickWeighted(60, 1, 1) : tc.pickWeighted(6, 2, 2)];
        if (!invalid) return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.NONE, null);
        switch (tc.between(0, 6)) {
            case 0: return new Op.HwptAlloc(ctx, dev, pt, invalidPagingFlags(tc), DataType.NONE, null);
            case 1: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.NONE, List.of(tc.bits64()));
            case 2: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.ARM_SMMUV3, List.of(1L, 0L));
            case 3: return new Op.HwptAlloc(ctx, dev, pt, flags, DataType.VTD_S1, null);
            case 4: return new Op.HwptAlloc(ctx, dev, idOf(tc, s, ctx, ObjectKind.HWPT_PAGING), flags, DataType.NONE, null);
            case 5: return new Op.HwptAlloc(ctx, dev, anyId(tc, s, ctx), flags, DataType.NONE, null);
            default: return new Op.HwptAlloc(ctx, anyId(tc, s, ctx), pt, flags, DataType.NONE, null);
        }
    }

    /**
     * HWPT-2 flags that are not 0, PASID or NEST_PARENT, over the whole u32: DIRTY, FAULT_ID alone or with
     * PASID (ENOENT from the fault lookup) or with NEST_PARENT (EOPNOTSUPP before any VMID), unknown bits
     * up to bit 31, all bits set.
     */
    private static int invalidPagingFlags(TestCase tc) {
        switch (tc.between(0, 3)) {
            case 0: return new int[] {HwptFlags.DIRTY_TRACKING, HwptFlags.FAULT_ID, HwptFlags.NEST_PARENT | HwptFlags.DIRTY_TRACKING,
                    16}[tc.between(0, 3)];
            case 1: return HwptFlags.FAULT_ID | new int[] {HwptFlags.NEST_PARENT, HwptFlags.PASID, 0}[tc.between(0, 2)];
            case 2: return 1 << tc.between(4, 31) | (tc.bool() ? HwptFlags.NEST_PARENT : 0);
            default: return tc.bool() ? -1 : (int) tc.choice(0xFFFF_FFFFL);
        }
    }

    /**
     * A nest parent first, then a device on its SMMU: the device is picked among those that fit, so
     * deleting an earlier step that bound or unbound another device leaves the pick valid.
     */
    private Op viommuAlloc(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        Op.ViommuAlloc t = target instanceof Op.ViommuAlloc ? (Op.ViommuAlloc) target : null;
        List<Integer> parents = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent()) parents.add(id);
        });
        int hwpt = parents.isEmpty() ? idOf(tc, s, ctx, ObjectKind.HWPT_PAGING) : ref(tc, ctx, parents, t == null ? null : t.hwpt());
        Snapshot.Obj parent = objects(s, ctx).get(hwpt);
        List<Integer> same = new ArrayList<>();
        for (int d : ids(s, ctx, ObjectKind.DEVICE))
            if (parent != null && smmuOfDevice(s, ctx, d) == parent.smmu()) same.add(d);
        int dev = same.isEmpty() ? idOf(tc, s, ctx, ObjectKind.DEVICE) : ref(tc, ctx, same, t == null ? null : t.dev());
        if (!invalid) return new Op.ViommuAlloc(ctx, dev, hwpt, "ARM_SMMUV3");
        switch (tc.between(0, 4)) {
            case 0: return new Op.ViommuAlloc(ctx, dev, hwpt, tc.bool() ? "DEFAULT" : "TEGRA241_CMDQV");
            case 1: return new Op.ViommuAlloc(ctx, dev, idOf(tc, s, ctx, ObjectKind.HWPT_PAGING), "ARM_SMMUV3");
            case 2: return new Op.ViommuAlloc(ctx, dev, anyId(tc, s, ctx), "ARM_SMMUV3");
            case 3: return new Op.ViommuAlloc(ctx, idOf(tc, s, ctx, ObjectKind.DEVICE), hwpt, "ARM_SMMUV3"); // maybe another SMMU
            default: return new Op.ViommuAlloc(ctx, anyId(tc, s, ctx), hwpt, "ARM_SMMUV3");
        }
    }

    private Op hwptNested(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        Op.HwptAlloc t = target instanceof Op.HwptAlloc ? (Op.HwptAlloc) target : null;
        int viommu = idOf(tc, s, ctx, ObjectKind.VIOMMU, t == null ? 0 : t.pt());
        int smmu = objects(s, ctx).containsKey(viommu) ? objects(s, ctx).get(viommu).smmu() : -1;
        List<Integer> sameSmmu = new ArrayList<>();
        for (int d : ids(s, ctx, ObjectKind.DEVICE))
            if (smmuOfDevice(s, ctx, d) == smmu) sameSmmu.add(d);
        int dev = sameSmmu.isEmpty() ? idOf(tc, s, ctx, ObjectKind.DEVICE) : ref(tc, ctx, sameSmmu, t == null ? null : t.dev());
        if (!invalid) {
            int prefer = t != null ? Vste.eats(t.data())
                    : profile.goal() == Goal.VDEVICE_GONE || profile.goal() == Goal.UNMAP_HEAVY ? Vste.TRANSLATE : Vste.ANY;
            return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, Vste.valid(tc, prefer));
        }
        switch (tc.pickWeighted(4, 1, 1, 1, 1, 1, 1)) { // mostly an invalid vSTE: NEST-2 has the most classes
            case 0: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3, Vste.invalid(tc));
            case 1: return new Op.HwptAlloc(ctx, dev, viommu, new int[] {HwptFlags.NEST_PARENT, HwptFlags.FAULT_ID | 1 << tc.between(4, 31)}
                    [tc.between(0, 1)], DataType.ARM_SMMUV3, Vste.valid(tc));
            case 6: return new Op.HwptAlloc(ctx, dev, viommu, HwptFlags.FAULT_ID, DataType.ARM_SMMUV3, Vste.valid(tc));
            case 2: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.NONE, null);
            case 3: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.VTD_S1, Vste.valid(tc));
            case 4: return new Op.HwptAlloc(ctx, dev, viommu, 0, DataType.ARM_SMMUV3,
                    tc.bool() ? List.of(Vste.valid(tc).get(0)) : List.of(0xbL, 0L, 0L));
            default: return new Op.HwptAlloc(ctx, idOf(tc, s, ctx, ObjectKind.DEVICE), viommu, 0, DataType.ARM_SMMUV3, Vste.valid(tc));
        }
    }

    private Op vdeviceAlloc(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        Op.VdeviceAlloc t = target instanceof Op.VdeviceAlloc ? (Op.VdeviceAlloc) target : null;
        int viommu = idOf(tc, s, ctx, ObjectKind.VIOMMU, t == null ? 0 : t.viommu());
        int smmu = objects(s, ctx).containsKey(viommu) ? objects(s, ctx).get(viommu).smmu() : -1;
        List<Integer> candidates = new ArrayList<>();
        for (int d : ids(s, ctx, ObjectKind.DEVICE))
            if (smmuOfDevice(s, ctx, d) == smmu && !hasVdevice(s, ctx, d)) candidates.add(d);
        long virtId = virtId(tc, t == null ? -1 : t.virtId());
        if (!invalid && !candidates.isEmpty())
            return new Op.VdeviceAlloc(ctx, viommu, ref(tc, ctx, candidates, t == null ? null : t.dev()), virtId);
        switch (tc.between(0, 1)) {
            case 0: return new Op.VdeviceAlloc(ctx, viommu, idOf(tc, s, ctx, ObjectKind.DEVICE), virtId);
            default: return new Op.VdeviceAlloc(ctx, anyId(tc, s, ctx), idOf(tc, s, ctx, ObjectKind.DEVICE), virtId);
        }
    }

    /** VDEV-1: a virtual ID, the uapi's u64: mostly 0..3 so that duplicates come up, sometimes an edge or any value. */
    static long virtId(TestCase tc) {
        return virtId(tc, -1);
    }

    /** As {@link #virtId(TestCase)}, preferring {@code wanted} if it is one of 0..3. */
    static long virtId(TestCase tc, long wanted) {
        boolean prefer = wanted >= 0 && wanted <= 3;
        long small = prefer ? pick(tc, List.of(0L, 1L, 2L, 3L), wanted) : tc.between(0, 3);
        if (!tc.weighted(prefer ? 0.02 : 0.15)) return small;
        tc.startSpan(); // right after its flag: one shrink step (delete it, lower the flag) leaves the small value
        long v = wideVirtId(tc);
        tc.endSpan();
        return v;
    }

    private static long wideVirtId(TestCase tc) {
        switch (tc.between(0, 2)) {
            case 0: return new long[] {0xFFFF_FFFFL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -1L}[tc.between(0, 4)];
            case 1: return 0xFFFF_FFFFL + tc.between(-1, 1);
            default: return tc.bits64();
        }
    }

    static boolean hasVdevice(Snapshot s, int ctx, int devId) {
        for (Snapshot.Obj o : objects(s, ctx).values())
            if (o.kind() == ObjectKind.VDEVICE && o.device() == devId) return true;
        return false;
    }

    private Op attach(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        Op.Attach t = target instanceof Op.Attach ? (Op.Attach) target : null;
        int dev = idOf(tc, s, ctx, ObjectKind.DEVICE, t == null ? 0 : t.dev());
        if (invalid) {
            return new Op.Attach(ctx, tc.bool() ? dev : anyId(tc, s, ctx),
                    tc.bool() ? idOf(tc, s, ctx, ObjectKind.IOAS) : anyId(tc, s, ctx));
        }
        int smmu = smmuOfDevice(s, ctx, dev);
        // the kind first (paging, then nested), then an HWPT of that kind in ID order: deleting an unrelated
        // HWPT of the other kind keeps the pick, and a deleted one of the same kind mostly leaves its kind
        List<Integer> paging = new ArrayList<>(), nested = new ArrayList<>();
        objects(s, ctx).forEach((id, o) -> {
            if (o.smmu() != smmu) return;
            if (o.kind() == ObjectKind.HWPT_PAGING) paging.add(id);
            if (o.kind() == ObjectKind.HWPT_NESTED) nested.add(id);
        });
        if (paging.isEmpty() && nested.isEmpty()) return new Op.Attach(ctx, dev, idOf(tc, s, ctx, ObjectKind.HWPT_NESTED));
        Integer wanted = t == null ? null : t.hwpt();
        boolean wantNested = wanted != null && nested.contains(wanted);
        int kind = wanted == null ? tc.pickWeighted(Math.max(1, paging.size()), Math.max(1, nested.size()))
                : tc.pickWeighted(wantNested ? 1 : 9, wantNested ? 9 : 1);
        List<Integer> from = kind == 0 ? (paging.isEmpty() ? nested : paging) : (nested.isEmpty() ? paging : nested);
        int hwpt = ref(tc, ctx, from, wanted);
        return new Op.Attach(ctx, dev, hwpt);
    }

    /** A VM (preferring {@code wanted}, 0: none), or when invalid any VM number, destroyed or never created. */
    private int vm(TestCase tc, Snapshot s, boolean invalid, int wanted) {
        List<Integer> vms = new ArrayList<>(census(s).vmIds());
        if (invalid || vms.isEmpty()) return tc.between(0, vmsCreated + 1);
        return ref(tc, VMS, vms, wanted == 0 ? null : wanted);
    }

    /** A CPU (preferring {@code wanted}, -1: none), or when invalid one beyond the platform's or a u32 edge. */
    private int cpu(TestCase tc, boolean invalid, int wanted) {
        if (invalid && tc.weighted(0.2)) return tc.bool() ? -1 : Integer.MAX_VALUE;
        if (invalid) return platform.kvm().cpus() + tc.between(0, 1);
        if (wanted < 0 || wanted >= platform.kvm().cpus()) return tc.between(0, platform.kvm().cpus() - 1);
        List<Integer> cpus = new ArrayList<>();
        for (int c = 0; c < platform.kvm().cpus(); c++) cpus.add(c);
        return pick(tc, cpus, wanted);
    }

    // ---------------------------------------------------------------- MAP

    /** PLAT-6: the IOVA space in pages. */
    static final long SPACE = 1L << 20;

    /** An IOAS of the context, preferring one that a nest parent with attached devices uses. */
    private int ioasOf(TestCase tc, Snapshot s, int ctx) {
        List<Integer> used = new ArrayList<>();
        for (Snapshot.Device d : s.devices()) {
            if (d.ctx() != ctx || d.attached() == 0) continue;
            int parent = Invariants.stage2Parent(s, d);
            Snapshot.Obj p = objects(s, ctx).get(parent);
            if (p != null && !used.contains(p.ref())) used.add(p.ref());
        }
        if (!used.isEmpty() && tc.weighted(0.7)) return tc.pick(used);
        return idOf(tc, s, ctx, ObjectKind.IOAS);
    }

    private static List<Snapshot.Area> areas(Snapshot s, int ctx, int ioas) {
        Snapshot.Obj o = objects(s, ctx).get(ioas);
        return o == null ? List.of() : o.areas();
    }

    /** S2INV-2's threshold on the SMMU of a nest parent of this IOAS (the first one's), else 4. */
    private static int maxTlbiPages(Snapshot s, Platform platform, int ctx, int ioas) {
        for (Snapshot.Obj o : objects(s, ctx).values())
            if (o.kind() == ObjectKind.HWPT_PAGING && o.nestParent() && o.ref() == ioas)
                return platform.smmu(o.smmu()).maxTlbiPages();
        return 4;
    }

    /**
     * MAP-1, biased to the hard cases: small runs in a small window (overlaps and adjacency), runs
     * adjacent to an area, sizes just below, at and above maxTlbiPages, the top of the IOVA space,
     * any run. Invalid: overlaps (EEXIST), no pages, runs leaving the space or wrapping the u64
     * space, IOVAs at the u64 edges (EINVAL), not an IOAS (ENOENT).
     */
    private Op ioasMap(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int ioas = ioasOf(tc, s, ctx);
        List<Snapshot.Area> areas = areas(s, ctx, ioas);
        int max = maxTlbiPages(s, platform, ctx, ioas);
        if (!invalid) {
            switch (tc.pickWeighted(4, 3, 3, 1, 1)) {
                case 0: return new Op.IoasMap(ctx, ioas, tc.between(0, 31), 1 + tc.between(0, 3));
                case 1: {
                    if (areas.isEmpty()) return new Op.IoasMap(ctx, ioas, tc.between(0, 7), 1 + tc.between(0, 3));
                    Snapshot.Area a = tc.pick(areas);
                    long pages = 1 + tc.between(0, 3);
                    return tc.bool() || a.iova() < pages ? new Op.IoasMap(ctx, ioas, a.end(), pages)
                            : new Op.IoasMap(ctx, ioas, a.iova() - pages, pages);
                }
                case 2: return new Op.IoasMap(ctx, ioas, tc.between(0, 64), Math.max(1, max + tc.between(-1, 1)));
                case 3: {
                    long pages = 1 + tc.between(0, 3);
                    return new Op.IoasMap(ctx, ioas, SPACE - pages, pages);
                }
                default: { // any size, on a log scale up to the whole space
                    long pages = Math.max(1, (1L << tc.between(0, 20)) - tc.between(0, 1));
                    return new Op.IoasMap(ctx, ioas, tc.between(0L, SPACE - pages), pages);
                }
            }
        }
        switch (tc.pickWeighted(3, 1, 2, 1, 1)) {
            case 0: {
                if (areas.isEmpty()) return new Op.IoasMap(ctx, ioas, 0, 0);
                Snapshot.Area a = tc.pick(areas);
                return new Op.IoasMap(ctx, ioas, a.iova() + tc.between(0L, a.pages() - 1), 1 + tc.between(0, 3));
            }
            case 1: return new Op.IoasMap(ctx, ioas, tc.between(0, 31), 0);
            case 2: {
                long iova = new long[] {SPACE, SPACE - 1, -1L, Long.MIN_VALUE, Long.MAX_VALUE}[tc.between(0, 4)];
                long pages = new long[] {1, 2, -1L, -2L, SPACE}[tc.between(0, 4)];
                return new Op.IoasMap(ctx, ioas, iova, pages);
            }
            case 3: return new Op.IoasMap(ctx, ioas, tc.between(1, 31), -1L - tc.between(0, 3)); // wraps around
            default: return new Op.IoasMap(ctx, anyId(tc, s, ctx), 0, 1);
        }
    }

    /**
     * MAP-2, biased to the hard cases: exactly one area, a run of adjacent areas, an area with
     * some margin, unmap-all, the whole space. Invalid: a range that cuts an area (ENOENT after
     * unmapping the areas below), no pages, nothing mapped there, beyond the IOVA space, a range
     * that wraps the u64 space (EINVAL), not an IOAS.
     */
    private Op ioasUnmap(TestCase tc, Snapshot s, int ctx, boolean invalid) {
        int ioas = ioasOf(tc, s, ctx);
        List<Snapshot.Area> areas = areas(s, ctx, ioas);
        if (!invalid) {
            if (areas.isEmpty()) return new Op.IoasUnmap(ctx, ioas, 0, tc.bool() ? Op.IoasUnmap.ALL : SPACE);
            switch (tc.pickWeighted(6, 2, 2, 1, 1)) {
                case 0: {
                    Snapshot.Area a = tc.pick(areas);
                    return new Op.IoasUnmap(ctx, ioas, a.iova(), a.pages());
                }
                case 1: {
                    int i = tc.between(0, areas.size() - 1), j = i;
                    while (j + 1 < areas.size() && areas.get(j + 1).iova() == areas.get(j).end() && tc.weighted(0.7)) j++;
                    return new Op.IoasUnmap(ctx, ioas, areas.get(i).iova(), areas.get(j).end() - areas.get(i).iova());
                }
                case 2: {
                    Snapshot.Area a = tc.pick(areas);
                    long first = Math.max(0, a.iova() - tc.between(0, 3));
                    return new Op.IoasUnmap(ctx, ioas, first, a.end() + tc.between(0, 3) - first);
                }
                case 3: return new Op.IoasUnmap(ctx, ioas, 0, Op.IoasUnmap.ALL);
                default: return new Op.IoasUnmap(ctx, ioas, 0, SPACE);
            }
        }
        switch (tc.pickWeighted(4, 1, 2, 1, 1, 1)) {
            case 0: {
                if (areas.isEmpty()) return new Op.IoasUnmap(ctx, ioas, tc.between(0, 31), 1 + tc.between(0, 3));
                Snapshot.Area a = tc.pick(areas);
                if (a.pages() > 1 && tc.bool()) // starts inside the area
                    return new Op.IoasUnmap(ctx, ioas, a.iova() + tc.between(1L, a.pages() - 1), a.pages());
                long first = Math.max(0, a.iova() - tc.between(0, 3)); // ends inside it (or cuts a later one)
                long end = a.pages() > 1 ? a.iova() + tc.between(1L, a.pages() - 1) : a.end() + 1 + tc.between(0, 3);
                return new Op.IoasUnmap(ctx, ioas, first, end - first);
            }
            case 1: return new Op.IoasUnmap(ctx, ioas, tc.between(0, 31), 0);
            case 2: return new Op.IoasUnmap(ctx, ioas, tc.between(0, 31), 1 + tc.between(0, 3));
            case 3: return new Op.IoasUnmap(ctx, ioas, new long[] {SPACE, -2L, Long.MIN_VALUE}[tc.between(0, 2)],
                    1 + tc.between(0, 1));
            case 4: return new Op.IoasUnmap(ctx, ioas, 1 + tc.between(1, 31), -1L - tc.between(0, 3)); // wraps around
            default: return new Op.IoasUnmap(ctx, anyId(tc, s, ctx), 0, 1);
        }
    }
}
