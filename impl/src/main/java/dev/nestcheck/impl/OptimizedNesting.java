package dev.nestcheck.impl;

import dev.nestcheck.impl.kvm.GenerationalVmidAllocator;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimized implementation of the nestcheck rule catalogue (RULES.md), built for scale:
 * per-SMMU VMID pools and TLB sets as word bitmaps, per-context lowest-free ID allocators,
 * per-device state in arrays indexed by platform device ID, reference counts kept
 * incrementally, an interval tree of areas per IOAS, a per-parent invalidation array with
 * incremental reference counts built as mainline builds its {@code arm_smmu_invs} (an unmap
 * costs O(entries of the array + pages invalidated), whatever the number of devices), and
 * snapshot records cached per context, device, SMMU and KVM and rebuilt only when their part
 * changed.
 *
 * <p>Thread safety: {@link #execute} and {@link #snapshot} hold one lock per instance; the KVM
 * VMID allocator has its own.
 */
public final class OptimizedNesting implements NestingImplementation {
    /** INV-3: CMDQ_BATCH_ENTRIES (64) - 1 guest commands per batch, each batch then CMD_SYNC. */
    static final int INV_BATCH = 63;

    private static final long VSTE0_ALLOWED = 0xF80F_FFFF_FFFF_FFFFL;
    private static final long VSTE1_ALLOWED = 0x0000_0000_3800_00FFL;
    private static final long VSTE1_EATS = 0x3L << 28;
    private static final int CFG_ABORT = 0, CFG_BYPASS = 4, CFG_S1_TRANS = 5;
    private static final Snapshot.Ste STE_S1 = new Snapshot.Ste(SteKind.S1, 0, 0, false);

    private final Object lock = new Object();
    private final Platform platform;
    private final Policy policy;
    private final SmmuState[] smmus;
    private final DeviceSpec[] deviceSpecs;
    private final Exec exec = new Exec();

    // Per platform device (PLAT-2), indexed by device ID.
    private final Context[] devCtx;
    private final IommufdObject[] devObj;
    private final IommufdObject[] devAttached;
    private final IommufdObject[] devVdev;
    private final Snapshot.Ste[] devSte;
    private final transient Snapshot.Device[] devSnap; // per-device snapshot cache: derived, not state
    /** S2INV-1: the nest parent whose invalidation array holds the device's entries, their VMID and ATS stream (-1: none). */
    private final IommufdObject[] devInvParent;
    private final int[] devInvVmid;
    private final long[] devInvSid;

    // Contexts (OBJ-0): by number - 1, null once closed; the open ones in number order.
    private final ArrayList<Context> contexts = new ArrayList<>();
    private final LinkedHashMap<Integer, Context> open = new LinkedHashMap<>();

    // KVM.
    private final GenerationalVmidAllocator kvmAlloc;
    private final ArrayList<KvmVm> vms = new ArrayList<>();
    private final LinkedHashMap<Integer, KvmVm> liveVms = new LinkedHashMap<>();
    private final int[] cpuRunning;

    // The commands the current operation issued (OBS-1).
    private final transient ArrayList<Issued> issued = new ArrayList<>(); // transient: per operation, not state
    // (SMMU << 32 | VMID) of the last-user flushes this operation issued (S2INV-3, VMID-5).
    private transient long[] flushedThisOp = new long[4];
    private transient int flushedCount;

    // Snapshot caches: null when their part changed (transient: derived, not state; see StateFingerprint).
    private transient Snapshot cachedSnapshot;
    private transient Map<Integer, Snapshot.Context> cachedContexts;
    private transient List<Snapshot.Device> cachedDevices;
    private transient List<Snapshot.Smmu> cachedSmmus;
    private transient Snapshot.Kvm cachedKvm;

    public OptimizedNesting(Platform platform) {
        this.platform = platform;
        this.policy = platform.policy();
        List<SmmuSpec> ss = platform.smmus();
        this.smmus = new SmmuState[ss.size()];
        for (int i = 0; i < smmus.length; i++) smmus[i] = new SmmuState(ss.get(i));
        this.deviceSpecs = platform.devices().toArray(new DeviceSpec[0]);
        int n = deviceSpecs.length;
        devCtx = new Context[n];
        devObj = new IommufdObject[n];
        devAttached = new IommufdObject[n];
        devVdev = new IommufdObject[n];
        devSte = new Snapshot.Ste[n];
        Arrays.fill(devSte, Snapshot.Ste.ABORT);
        devSnap = new Snapshot.Device[n];
        devInvParent = new IommufdObject[n];
        devInvVmid = new int[n];
        devInvSid = new long[n];
        Arrays.fill(devInvSid, -1);
        kvmAlloc = new GenerationalVmidAllocator(platform.kvm().cpus(), platform.kvm().vmidBits());
        cpuRunning = new int[platform.kvm().cpus()];
    }

    @Override
    public Outcome execute(Op op) {
        synchronized (lock) {
            issued.clear();
            flushedCount = 0;
            cachedSnapshot = null;
            Outcome o = op.accept(exec);
            return issued.isEmpty() ? o : o.withIssued(issued);
        }
    }

    /** Exploration prunes on the whole state, hidden cursors included (see the contract). */
    @Override
    public Object stateFingerprint() {
        return dev.nestcheck.spec.StateFingerprint.of(this);
    }

    @Override
    public Snapshot snapshot() {
        synchronized (lock) {
            Snapshot s = cachedSnapshot;
            if (s != null) return s;
            if (cachedContexts == null) {
                Map<Integer, Snapshot.Context> m = new HashMap<>();
                for (Context c : open.values()) m.put(c.number, c.snapshot());
                cachedContexts = Map.copyOf(m);
            }
            if (cachedDevices == null) {
                Snapshot.Device[] d = new Snapshot.Device[devSnap.length];
                for (int i = 0; i < d.length; i++) {
                    Snapshot.Device x = devSnap[i];
                    if (x == null) {
                        Context c = devCtx[i];
                        x = new Snapshot.Device(c == null ? 0 : c.number, devObj[i] == null ? 0 : devObj[i].id,
                                devAttached[i] == null ? 0 : devAttached[i].id, devSte[i]);
                        devSnap[i] = x;
                    }
                    d[i] = x;
                }
                cachedDevices = List.of(d);
            }
            if (cachedSmmus == null) {
                Snapshot.Smmu[] m = new Snapshot.Smmu[smmus.length];
                for (int i = 0; i < m.length; i++) m[i] = smmus[i].snapshot();
                cachedSmmus = List.of(m);
            }
            if (cachedKvm == null) {
                Map<Integer, Snapshot.Vm> m = new HashMap<>();
                for (KvmVm vm : liveVms.values())
                    m.put(vm.number, new Snapshot.Vm(vm.vmid.generation(), vm.vmid.index(), vm.vmid.pins()));
                Integer[] cpus = new Integer[cpuRunning.length];
                for (int i = 0; i < cpus.length; i++) cpus[i] = cpuRunning[i];
                cachedKvm = new Snapshot.Kvm(m, List.of(cpus), kvmAlloc.rollovers());
            }
            s = new Snapshot(cachedContexts, cachedDevices, cachedSmmus, cachedKvm);
            cachedSnapshot = s;
            return s;
        }
    }

    // ---------------------------------------------------------------- change tracking

    private void contextChanged(Context c) {
        c.changed();
        cachedContexts = null;
    }

    private void deviceChanged(int d) {
        devSnap[d] = null;
        cachedDevices = null;
    }

    private void smmuChanged() {
        cachedSmmus = null;
    }

    private void kvmChanged() {
        cachedKvm = null;
    }

    // ---------------------------------------------------------------- helpers

    private static Outcome fail(Errno e, String rule) {
        return Outcome.fail(e, rule);
    }

    private Context context(int number) {
        if (number < 1 || number > contexts.size()) return null;
        return contexts.get(number - 1);
    }

    private KvmVm vm(int number) {
        if (number < 1 || number > vms.size()) return null;
        return vms.get(number - 1);
    }

    /** OBJ-4: a live object of this kind, or null. */
    private static IommufdObject lookup(Context c, int id, ObjectKind kind) {
        IommufdObject o = c.get(id);
        return o != null && o.kind == kind ? o : null;
    }

    private static boolean hasData(List<Long> data) {
        // HWPT-1 as iommufd checks it: data of length 0 is no data (data_len == 0).
        return data != null && !data.isEmpty();
    }

    private void setSte(int d, Snapshot.Ste ste) {
        devSte[d] = ste;
        deviceChanged(d);
        if (ste.kind() == SteKind.S2 || ste.kind() == SteKind.NESTED) {
            smmus[deviceSpecs[d].smmu()].installed(ste.vmid()); // TLB-1
            smmuChanged();
        }
    }

    /**
     * VMID-5: release v on that SMMU (TLBI_S12_VMALL + CMD_SYNC first, unless this operation
     * already issued v's last-user flush).
     */
    private void releaseVmid(int smmu, int v) {
        long key = ((long) smmu << 32) | v;
        boolean flushed = false;
        for (int i = 0; i < flushedCount; i++) flushed |= flushedThisOp[i] == key;
        smmus[smmu].release(v, issued, !flushed);
        smmuChanged();
    }

    /** ATT-6 / OBJ-5: the device becomes blocked; its STE aborts (STE-1). */
    private void detachDevice(int d) {
        if (devAttached[d] == null) return;
        changeAttachment(d, null, Snapshot.Ste.ABORT);
    }

    /**
     * ATT-1, ATT-6: the device's attachment becomes {@code h} (null: blocked) with STE {@code ste},
     * in the kernel's sequence (arm_smmu_attach_prepare/commit): the new nest parent's array merges
     * the device's entries first, then the STE changes, then the ATC of a device whose ATS was or
     * is on is invalidated (S2INV-4), then the old parent's array drops the device's entries and
     * flushes a VMID that lost its last user (S2INV-3).
     */
    private void changeAttachment(int d, IommufdObject h, Snapshot.Ste ste) {
        IommufdObject old = devAttached[d];
        Snapshot.Ste oldSte = devSte[d];
        IommufdObject parent = h == null ? null : nestParentOf(h, ste);
        long sid = deviceSpecs[d].streamId();
        long atsSid = ste.ats() ? sid : -1;
        if (parent != null) parent.inv.merge(ste.vmid(), atsSid);
        if (old != null) old.users--;
        if (h != null) h.users++;
        devAttached[d] = h;
        setSte(d, ste);
        int s = deviceSpecs[d].smmu();
        if (oldSte.ats() || ste.ats()) {
            issued.add(new Issued(s, Cmd.atcInvAll(sid)));
            issued.add(new Issued(s, Cmd.sync()));
        }
        IommufdObject oldParent = devInvParent[d];
        if (oldParent != null) {
            int lost = oldParent.inv.unref(devInvVmid[d], devInvSid[d]);
            if (lost != 0) {
                smmus[s].flushLastUser(lost, issued);
                smmuChanged();
                if (flushedCount == flushedThisOp.length) flushedThisOp = Arrays.copyOf(flushedThisOp, flushedCount * 2);
                flushedThisOp[flushedCount++] = ((long) s << 32) | lost;
            }
        }
        devInvParent[d] = parent;
        devInvVmid[d] = parent == null ? 0 : ste.vmid();
        devInvSid[d] = parent == null ? -1 : atsSid;
    }

    /** The nest parent whose stage-2 table an S2 or NESTED STE through {@code h} uses, or null. */
    private static IommufdObject nestParentOf(IommufdObject h, Snapshot.Ste ste) {
        if (ste.kind() != SteKind.S2 && ste.kind() != SteKind.NESTED) return null;
        return h.kind == ObjectKind.HWPT_PAGING ? h : h.ref.ref;
    }

    /**
     * S2INV-2: invalidate one unmapped area of nest parent {@code p} from its array, batch by batch:
     * the S2_VMID entries (TLBI_S12_VMALL each when the area is big, else TLBI_S2_IPA per page or
     * per area with rangeInv) and a CMD_SYNC; unless big, TLBI_NH_ALL per S2_VMID_S1_CLEAR entry and
     * a CMD_SYNC; ATC_INV per ATS_FULL entry and a CMD_SYNC.
     */
    private void invalidateArea(IommufdObject p, long first, long pages) {
        InvalidationArray inv = p.inv;
        int n = inv.size();
        if (n == 0) return;
        int s = p.smmu;
        SmmuSpec spec = smmus[s].spec;
        boolean big = !spec.rangeInv() && pages >= spec.maxTlbiPages();
        int i = 0;
        boolean any = false;
        for (; i < n && inv.type(i) == InvalidationArray.S2_VMID; i++) {
            int v = (int) inv.id(i);
            if (big) issued.add(new Issued(s, Cmd.tlbiS12Vmall(v)));
            else if (spec.rangeInv()) issued.add(new Issued(s, Cmd.tlbiS2Ipa(v, first, pages)));
            else for (long page = first, end = first + pages; page < end; page++) issued.add(new Issued(s, Cmd.tlbiS2Ipa(v, page, 1)));
            any = true;
        }
        if (any) issued.add(new Issued(s, Cmd.sync()));
        any = false;
        for (; i < n && inv.type(i) == InvalidationArray.S2_VMID_S1_CLEAR; i++) {
            if (big) continue; // TLBI_S12_VMALL already dropped the nested entries
            issued.add(new Issued(s, Cmd.tlbiNhAll((int) inv.id(i))));
            any = true;
        }
        if (any) issued.add(new Issued(s, Cmd.sync()));
        any = false;
        for (; i < n; i++) {
            issued.add(new Issued(s, Cmd.atcInvAll(inv.id(i))));
            any = true;
        }
        if (any) issued.add(new Issued(s, Cmd.sync()));
    }

    /**
     * Removes an object that nothing references, drops its references (OBJ-3) and releases
     * what it owned (VMID-5).
     */
    private void destroyObject(IommufdObject o, boolean tombstone) {
        Context c = o.ctx;
        c.remove(o, tombstone);
        contextChanged(c);
        switch (o.kind) {
            case IOAS:
            case DEVICE:
                break;
            case HWPT_PAGING:
                o.ref.users--;
                if (o.nestParent) {
                    o.ref.nestParents.remove(o);
                    releaseNestParent(o);
                }
                break;
            case VIOMMU:
                o.ref.users--;
                if (policy == Policy.VIOMMU) releaseVmid(o.smmu, o.vmid);
                break;
            case HWPT_NESTED:
                o.ref.users--;
                break;
            case VDEVICE:
                o.ref.users--; // (its DEVICE keeps no count, see IommufdObject.users)
                o.ref.vdevs.remove(o.virtId);
                devVdev[o.deviceObj.device] = null;
                break;
            default:
                throw new IllegalStateException("unknown kind " + o.kind);
        }
    }

    private void releaseNestParent(IommufdObject p) {
        Context c = p.ctx;
        int s = p.smmu;
        c.nestParents[s]--;
        switch (policy) {
            case S2_PARENT:
            case VIOMMU:
                releaseVmid(s, p.vmid);
                break;
            case ICTX:
                if (c.nestParents[s] == 0) { // VMID-5: the pair's last nest parent went
                    releaseVmid(s, c.ictxVmid[s]);
                    c.ictxVmid[s] = 0;
                }
                break;
            case KVM_PINNED:
                releaseVmid(s, p.vmid); // VMID-5: invalidate before the unpin
                kvmAlloc.unpin(p.pinnedVm.vmid);
                kvmChanged();
                break;
            default:
                throw new IllegalStateException("unknown policy " + policy);
        }
    }

    /** OBJ-5: detach, destroy the VDEVICE leaving a tombstone, remove the DEVICE. */
    private void unbindDevice(IommufdObject dev) {
        int d = dev.device;
        detachDevice(d);
        IommufdObject vdev = devVdev[d];
        if (vdev != null) destroyObject(vdev, true);
        destroyObject(dev, false);
        devCtx[d] = null;
        devObj[d] = null;
        deviceChanged(d);
    }

    /** Keeps an IOAS's nest parents in increasing ID order (S2INV-2 invalidates them in that order). */
    private static void insertById(ArrayList<IommufdObject> list, IommufdObject o) {
        int i = list.size();
        while (i > 0 && list.get(i - 1).id > o.id) i--;
        list.add(i, o);
    }

    // ---------------------------------------------------------------- vSTE (NEST-2)

    /** NEST-2: the stored vSTE and its Config and ATS, or null when it is invalid (EIO). */
    static long[] validateVste(long w0, long w1) {
        if ((w0 & 1) == 0) return new long[] {0, 0, CFG_ABORT, 0}; // NEST-2.1
        if ((w0 & ~VSTE0_ALLOWED) != 0 || (w1 & ~VSTE1_ALLOWED) != 0) return null; // NEST-2.2
        int cfg = (int) ((w0 >>> 1) & 7);
        if (cfg != CFG_ABORT && cfg != CFG_BYPASS && cfg != CFG_S1_TRANS) return null; // NEST-2.3
        int eats = (int) ((w1 >>> 28) & 3);
        if (eats > 1) return null; // NEST-2.4
        boolean ats = cfg == CFG_S1_TRANS && eats == 1; // NEST-2.5
        return new long[] {w0, w1 & ~VSTE1_EATS, cfg, ats ? 1 : 0};
    }

    // ---------------------------------------------------------------- INV-2

    /** INV-2: the converted command, or null (EIO). */
    private Cmd convert(IommufdObject viommu, Cmd c) {
        long w0 = c.word0();
        switch ((int) (w0 & 0xFF)) {
            case Cmd.TLBI_NSNH_ALL:
                return new Cmd(Cmd.TLBI_NH_ALL | ((long) viommu.vmid << 32), 0);
            case Cmd.TLBI_NH_ALL:
            case Cmd.TLBI_NH_ASID:
            case Cmd.TLBI_NH_VA:
            case Cmd.TLBI_NH_VAA:
                return new Cmd((w0 & ~Cmd.VMID_MASK) | ((long) viommu.vmid << 32), c.word1());
            case Cmd.ATC_INV:
            case Cmd.CFGI_CD:
            case Cmd.CFGI_CD_ALL: {
                IommufdObject vdev = viommu.vdevs.get(w0 >>> 32);
                if (vdev == null) return null;
                long sid = deviceSpecs[vdev.deviceObj.device].streamId();
                return new Cmd((w0 & ~Cmd.SID_MASK) | (sid << 32), c.word1());
            }
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- operations

    private final class Exec implements Op.Visitor<Outcome> {
        @Override
        public Outcome open(Op.Open op) {
            Context c = new Context(contexts.size() + 1, smmus.length);
            contexts.add(c);
            open.put(c.number, c);
            cachedContexts = null;
            return Outcome.ok(c.number, "OBJ-0");
        }

        @Override
        public Outcome close(Op.Close op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            int limit = c.idLimit();
            // OBJ-7: first every bound device, in increasing DEVICE ID order, as UNBIND ...
            for (int id = 1; id < limit; id++) {
                IommufdObject o = c.get(id);
                if (o != null && o.kind == ObjectKind.DEVICE) unbindDevice(o);
            }
            // ... then in passes every object nothing references, in increasing ID order.
            // As in iommufd_fops_release, whether an object is referenced is decided when
            // the pass reaches it, so a pass also takes objects freed earlier in that pass.
            while (c.live > 0) {
                boolean progress = false;
                limit = c.idLimit();
                for (int id = 1; id < limit; id++) {
                    IommufdObject o = c.get(id);
                    if (o != null && o.users == 0) {
                        destroyObject(o, false);
                        progress = true;
                    }
                }
                if (!progress) throw new IllegalStateException("ctx" + c.number + ": reference cycle at close");
            }
            // ... then the KVM binding ends.
            if (c.kvm != null) {
                c.kvm.boundCtx = null;
                c.kvm = null;
            }
            contexts.set(c.number - 1, null);
            open.remove(c.number);
            cachedContexts = null;
            return Outcome.ok("OBJ-7");
        }

        @Override
        public Outcome bind(Op.Bind op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            int d = op.device();
            if (d < 0 || d >= deviceSpecs.length) return fail(Errno.ENOENT, "OBJ-5");
            if (devCtx[d] != null) return fail(Errno.EBUSY, "OBJ-5");
            IommufdObject o = new IommufdObject(c.nextId(), ObjectKind.DEVICE, c, deviceSpecs[d].smmu(), null);
            o.device = d;
            c.add(o);
            contextChanged(c);
            devCtx[d] = c;
            devObj[d] = o;
            deviceChanged(d);
            return Outcome.ok(o.id, "OBJ-5");
        }

        @Override
        public Outcome unbind(Op.Unbind op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "OBJ-4");
            unbindDevice(dev);
            return Outcome.ok("OBJ-5");
        }

        @Override
        public Outcome ioasAlloc(Op.IoasAlloc op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject o = new IommufdObject(c.nextId(), ObjectKind.IOAS, c, -1, null);
            o.areas = new IoasAreas();
            o.nestParents = new ArrayList<>(2);
            c.add(o);
            contextChanged(c);
            return Outcome.ok(o.id, "OBJ-6");
        }

        @Override
        public Outcome ioasMap(Op.IoasMap op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject ioas = lookup(c, op.ioas(), ObjectKind.IOAS);
            if (ioas == null) return fail(Errno.ENOENT, "MAP-1");
            long first = op.iova(), pages = op.pages();
            if (pages == 0) return fail(Errno.EINVAL, "MAP-1");
            // PLAT-6 (unsigned): the run lies in [0, 2^20); wraparound is EINVAL too (model decision)
            if (Long.compareUnsigned(first, IoasAreas.SPACE) >= 0
                    || Long.compareUnsigned(pages, IoasAreas.SPACE - first) > 0) return fail(Errno.EINVAL, "MAP-1");
            if (ioas.areas.overlaps(first, first + pages)) return fail(Errno.EEXIST, "MAP-1");
            ioas.areas.add(first, pages);
            ioas.areasChanged();
            contextChanged(c);
            return Outcome.ok("MAP-1");
        }

        @Override
        public Outcome ioasUnmap(Op.IoasUnmap op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject ioas = lookup(c, op.ioas(), ObjectKind.IOAS);
            if (ioas == null) return fail(Errno.ENOENT, "MAP-2");
            if (op.pages() == 0) return fail(Errno.EINVAL, "MAP-2");
            boolean all = op.unmapsAll(); // ioas.c: iova 0 and length U64_MAX unmap everything
            long first = all ? 0 : op.iova();
            long last = all ? -1L : op.iova() + op.pages() - 1;
            if (!all && Long.compareUnsigned(last, first) < 0) return fail(Errno.EINVAL, "MAP-2");
            long unmapped = 0;
            boolean cut = false;
            for (long[] area : ioas.areas.meeting(first, last)) {
                long areaLast = area[0] + area[1] - 1;
                if (Long.compareUnsigned(area[0], first) < 0 || Long.compareUnsigned(areaLast, last) > 0) {
                    cut = true; // iopt_unmap_iova_range: areas are unmapped whole; the ones below stay unmapped
                    break;
                }
                ioas.areas.remove(area[0]);
                unmapped += area[1];
                for (IommufdObject p : ioas.nestParents) invalidateArea(p, area[0], area[1]);
            }
            if (unmapped > 0) {
                ioas.areasChanged();
                contextChanged(c);
            }
            if (cut || (unmapped == 0 && !all)) return fail(Errno.ENOENT, "MAP-2");
            return Outcome.ok(unmapped, "MAP-2");
        }

        @Override
        public Outcome hwptAlloc(Op.HwptAlloc op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            boolean data = hasData(op.data());
            if (op.dataType() == DataType.NONE ? data : !data) return fail(Errno.EINVAL, "HWPT-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "HWPT-1");
            IommufdObject pt = c.get(op.pt());
            if (pt == null) return fail(Errno.EINVAL, "HWPT-1");
            switch (pt.kind) {
                case IOAS: return allocPaging(c, dev, pt, op.flags(), data);
                case VIOMMU: return allocNested(c, dev, pt, op);
                case HWPT_PAGING: return fail(Errno.EOPNOTSUPP, "HWPT-1");
                default: return fail(Errno.EINVAL, "HWPT-1");
            }
        }

        private Outcome allocPaging(Context c, IommufdObject dev, IommufdObject ioas, int rawFlags, boolean data) {
            if (data) return fail(Errno.EOPNOTSUPP, "HWPT-2");
            int s = dev.smmu;
            // hw_pagetable.c: FAULT_ID is the core's; the driver never sees it, and the fault
            // object is looked up once the domain exists (none exists: ENOENT)
            boolean faultId = (rawFlags & HwptFlags.FAULT_ID) != 0;
            int flags = rawFlags & ~HwptFlags.FAULT_ID;
            if (flags == 0 || flags == HwptFlags.PASID) { // HWPT-2: stage-1 paging domain
                if (faultId) return fail(Errno.ENOENT, "HWPT-2");
                IommufdObject h = new IommufdObject(c.nextId(), ObjectKind.HWPT_PAGING, c, s, ioas);
                ioas.users++;
                c.add(h);
                contextChanged(c);
                return Outcome.ok(h.id, "HWPT-2");
            }
            if (flags != HwptFlags.NEST_PARENT) return fail(Errno.EOPNOTSUPP, "HWPT-2");
            // hw_pagetable.c refuses a faultable nest parent before it allocates anything (v6.15)
            if (faultId) return fail(Errno.EOPNOTSUPP, "HWPT-2");
            SmmuState smmu = smmus[s];
            if (!smmu.spec.nesting()) return fail(Errno.EOPNOTSUPP, "HWPT-2");
            int id = c.ids.peek();
            int vmid;
            KvmVm pinned = null;
            switch (policy) {
                case S2_PARENT:
                case VIOMMU:
                    vmid = smmu.allocate(new Snapshot.Owner(Snapshot.OwnerKind.HWPT, c.number, id));
                    if (vmid == 0) return fail(Errno.ENOSPC, "VMID-3");
                    break;
                case ICTX:
                    if (c.nestParents[s] > 0) return fail(Errno.EBUSY, "VMID-6");
                    vmid = smmu.allocate(new Snapshot.Owner(Snapshot.OwnerKind.ICTX, c.number, 0));
                    if (vmid == 0) return fail(Errno.ENOSPC, "VMID-3");
                    c.ictxVmid[s] = vmid;
                    break;
                case KVM_PINNED:
                    if (c.kvm == null) return fail(Errno.EINVAL, "VMID-7");
                    if (smmu.spec.vmidBits() < platform.kvm().vmidBits()) return fail(Errno.EOPNOTSUPP, "VMID-7");
                    if (c.nestParents[s] > 0) return fail(Errno.EBUSY, "VMID-6");
                    pinned = c.kvm;
                    boolean ok = kvmAlloc.pin(pinned.vmid);
                    kvmChanged(); // a pin may hand the VM a VMID first, even when it then fails
                    if (!ok) return fail(Errno.ENOSPC, "VMID-7");
                    vmid = pinned.vmid.index();
                    smmu.claim(vmid, new Snapshot.Owner(Snapshot.OwnerKind.KVM, 0, pinned.number));
                    break;
                default:
                    throw new IllegalStateException("unknown policy " + policy);
            }
            smmuChanged();
            IommufdObject h = new IommufdObject(c.nextId(), ObjectKind.HWPT_PAGING, c, s, ioas);
            h.nestParent = true;
            h.vmid = vmid;
            h.pinnedVm = pinned;
            h.inv = new InvalidationArray();
            ioas.users++;
            c.nestParents[s]++;
            insertById(ioas.nestParents, h);
            c.add(h);
            contextChanged(c);
            return Outcome.ok(h.id, "HWPT-2");
        }

        private Outcome allocNested(Context c, IommufdObject dev, IommufdObject viommu, Op.HwptAlloc op) {
            if (dev.smmu != viommu.smmu) return fail(Errno.EINVAL, "NEST-1");
            if ((op.flags() & ~HwptFlags.FAULT_ID) != 0) return fail(Errno.EOPNOTSUPP, "NEST-1");
            List<Long> data = op.data();
            if (!hasData(data)) return fail(Errno.EOPNOTSUPP, "NEST-1");
            if (op.dataType() != DataType.ARM_SMMUV3 || data.size() != 2) return fail(Errno.EINVAL, "NEST-1");
            long[] v = validateVste(data.get(0), data.get(1));
            if (v == null) return fail(Errno.EIO, "NEST-2");
            if ((op.flags() & HwptFlags.FAULT_ID) != 0) return fail(Errno.ENOENT, "NEST-1"); // the fault lookup, last
            IommufdObject h = new IommufdObject(c.nextId(), ObjectKind.HWPT_NESTED, c, viommu.smmu, viommu);
            h.vste0 = v[0];
            h.vste1 = v[1];
            h.config = (int) v[2];
            h.ats = v[3] != 0;
            viommu.users++;
            c.add(h);
            contextChanged(c);
            return Outcome.ok(h.id, "NEST-1");
        }

        @Override
        public Outcome viommuAlloc(Op.ViommuAlloc op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            String type = op.type();
            if ("DEFAULT".equals(type)) return fail(Errno.EOPNOTSUPP, "VIOMMU-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "VIOMMU-1");
            SmmuState smmu = smmus[dev.smmu];
            if (!"ARM_SMMUV3".equals(type) || !smmu.spec.nesting()
                    || (!deviceSpecs[dev.device].canwbs() && !smmu.spec.s2fwb()))
                return fail(Errno.EOPNOTSUPP, "VIOMMU-1");
            IommufdObject parent = lookup(c, op.hwpt(), ObjectKind.HWPT_PAGING);
            if (parent == null) return fail(Errno.ENOENT, "VIOMMU-1");
            if (!parent.nestParent) return fail(Errno.EINVAL, "VIOMMU-1");
            if (parent.smmu != dev.smmu) return fail(Errno.EINVAL, "VIOMMU-1");
            int vmid;
            if (policy == Policy.VIOMMU) { // VMID-8: allocation is the last check
                vmid = smmu.allocate(new Snapshot.Owner(Snapshot.OwnerKind.VIOMMU, c.number, c.ids.peek()));
                if (vmid == 0) return fail(Errno.ENOSPC, "VMID-3");
                smmuChanged();
            } else {
                vmid = parent.vmid; // S2_PARENT: the parent's; ICTX, KVM_PINNED: the context's on this SMMU
            }
            IommufdObject v = new IommufdObject(c.nextId(), ObjectKind.VIOMMU, c, dev.smmu, parent);
            v.vmid = vmid;
            v.vdevs = new HashMap<>();
            parent.users++;
            c.add(v);
            contextChanged(c);
            return Outcome.ok(v.id, "VIOMMU-1");
        }

        @Override
        public Outcome vdeviceAlloc(Op.VdeviceAlloc op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject viommu = lookup(c, op.viommu(), ObjectKind.VIOMMU);
            if (viommu == null) return fail(Errno.ENOENT, "VDEV-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "VDEV-1");
            if (dev.smmu != viommu.smmu) return fail(Errno.EINVAL, "VDEV-1");
            if (devVdev[dev.device] != null) return fail(Errno.EEXIST, "VDEV-1");
            Long virtId = op.virtId();
            if (viommu.vdevs.containsKey(virtId)) return fail(Errno.EEXIST, "VDEV-1");
            IommufdObject v = new IommufdObject(c.nextId(), ObjectKind.VDEVICE, c, viommu.smmu, viommu);
            v.virtId = op.virtId();
            v.deviceObj = dev;
            viommu.users++;
            viommu.vdevs.put(virtId, v);
            devVdev[dev.device] = v;
            c.add(v);
            contextChanged(c);
            return Outcome.ok(v.id, "VDEV-1");
        }

        @Override
        public Outcome attach(Op.Attach op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "ATT-1");
            IommufdObject h = c.get(op.hwpt());
            if (h == null) return fail(Errno.ENOENT, "ATT-1");
            if (h.kind != ObjectKind.HWPT_PAGING && h.kind != ObjectKind.HWPT_NESTED) return fail(Errno.EINVAL, "ATT-1");
            int d = dev.device;
            if (devAttached[d] == h) return Outcome.ok("ATT-4");
            Snapshot.Ste ste;
            if (h.kind == ObjectKind.HWPT_PAGING) {
                if (h.smmu != dev.smmu) return fail(Errno.EINVAL, "ATT-2");
                ste = h.nestParent ? new Snapshot.Ste(SteKind.S2, h.vmid, 0, false) : STE_S1; // STE-3, STE-2
            } else {
                IommufdObject viommu = h.ref;
                if (viommu.smmu != dev.smmu) return fail(Errno.EINVAL, "ATT-3");
                if (h.config == CFG_S1_TRANS) {
                    IommufdObject vdev = devVdev[d];
                    if (vdev == null || vdev.ref != viommu) return fail(Errno.ENOENT, "ATT-3");
                }
                switch (h.config) { // STE-4
                    case CFG_BYPASS:
                        ste = new Snapshot.Ste(SteKind.S2, viommu.vmid, 0, false);
                        break;
                    case CFG_S1_TRANS:
                        ste = new Snapshot.Ste(SteKind.NESTED, viommu.vmid, h.vste0 & S1_CONTEXT_PTR_MASK, h.ats);
                        break;
                    default:
                        ste = Snapshot.Ste.ABORT;
                }
            }
            changeAttachment(d, h, ste);
            return Outcome.ok("ATT-1");
        }

        @Override
        public Outcome detach(Op.Detach op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject dev = lookup(c, op.dev(), ObjectKind.DEVICE);
            if (dev == null) return fail(Errno.ENOENT, "ATT-6");
            detachDevice(dev.device);
            return Outcome.ok("ATT-6");
        }

        @Override
        public Outcome destroy(Op.Destroy op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            IommufdObject o = c.get(op.id());
            if (o == null) return fail(Errno.ENOENT, "OBJ-3");
            if (o.kind == ObjectKind.DEVICE) return fail(Errno.EBUSY, "OBJ-3");
            if (o.users > 0) return fail(Errno.EBUSY, "OBJ-3");
            destroyObject(o, false);
            return Outcome.ok("OBJ-3");
        }

        @Override
        public Outcome invalidate(Op.Invalidate op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1").withEntryNum(0);
            IommufdObject v = c.get(op.id());
            if (v == null) return fail(Errno.ENOENT, "INV-1").withEntryNum(0);
            if (v.kind == ObjectKind.HWPT_NESTED) return fail(Errno.EOPNOTSUPP, "INV-1").withEntryNum(0);
            if (v.kind != ObjectKind.VIOMMU) return fail(Errno.EINVAL, "INV-1").withEntryNum(0);
            if (op.dataType() != DataType.ARM_SMMUV3) return fail(Errno.EINVAL, "INV-1").withEntryNum(0);
            List<Cmd> cmds = op.commands();
            int n = cmds.size();
            if (n == 0) return fail(Errno.EINVAL, "INV-1").withEntryNum(0);
            // INV-3, as arm_vsmmu_cache_invalidate: convert one at a time; after every
            // INV_BATCH converted commands, and after the last, issue them and a CMD_SYNC.
            Cmd[] batch = new Cmd[Math.min(n, INV_BATCH)];
            int pending = 0;
            int s = v.smmu;
            for (int i = 0; i < n; i++) {
                Cmd conv = convert(v, cmds.get(i));
                if (conv == null) return fail(Errno.EIO, "INV-2").withEntryNum(i); // pending ones never issued
                batch[pending++] = conv;
                if (pending == INV_BATCH || i == n - 1) {
                    for (int k = 0; k < pending; k++) issued.add(new Issued(s, batch[k]));
                    issued.add(new Issued(s, Cmd.sync()));
                    pending = 0;
                }
            }
            return Outcome.ok("INV-3").withEntryNum(n);
        }

        @Override
        public Outcome kvmVmCreate(Op.KvmVmCreate op) {
            KvmVm vm = new KvmVm(vms.size() + 1, kvmAlloc.newVm());
            vms.add(vm);
            liveVms.put(vm.number, vm);
            kvmChanged();
            return Outcome.ok(vm.number, "OBJ-0");
        }

        @Override
        public Outcome kvmVmDestroy(Op.KvmVmDestroy op) {
            KvmVm vm = vm(op.vm());
            if (vm == null) return fail(Errno.ENOENT, "KVM-7");
            if (vm.boundCtx != null) return fail(Errno.EBUSY, "KVM-7");
            for (int cpu = 0; cpu < cpuRunning.length; cpu++) {
                if (cpuRunning[cpu] == vm.number) {
                    kvmAlloc.put(cpu);
                    cpuRunning[cpu] = 0;
                }
            }
            vms.set(vm.number - 1, null);
            liveVms.remove(vm.number);
            kvmChanged();
            return Outcome.ok("KVM-7");
        }

        @Override
        public Outcome kvmBind(Op.KvmBind op) {
            Context c = context(op.ctx());
            if (c == null) return fail(Errno.EBADF, "OBJ-1");
            KvmVm vm = vm(op.vm());
            if (vm == null) return fail(Errno.ENOENT, "KVM-8");
            if (c.kvm != null || vm.boundCtx != null) return fail(Errno.EBUSY, "KVM-8");
            c.kvm = vm;
            vm.boundCtx = c;
            contextChanged(c);
            return Outcome.ok("KVM-8");
        }

        @Override
        public Outcome vcpuLoad(Op.VcpuLoad op) {
            KvmVm vm = vm(op.vm());
            if (vm == null) return fail(Errno.ENOENT, "KVM-2");
            int cpu = op.cpu();
            if (cpu < 0 || cpu >= cpuRunning.length) return fail(Errno.EINVAL, "KVM-2");
            // KVM-2 "replacing whatever it ran": in KVM a vCPU is only scheduled in on a CPU
            // after whatever ran there was scheduled out (kvm_arch_vcpu_put ->
            // kvm_arm_vmid_clear_active), so the replaced VM's VMID is not active, and not
            // reserved, if this load rolls the generation over. put() is idempotent.
            kvmAlloc.put(cpu);
            kvmAlloc.load(vm.vmid, cpu);
            cpuRunning[cpu] = vm.number;
            kvmChanged();
            return Outcome.ok("KVM-2");
        }

        @Override
        public Outcome vcpuPut(Op.VcpuPut op) {
            int cpu = op.cpu();
            if (cpu < 0 || cpu >= cpuRunning.length) return fail(Errno.EINVAL, "KVM-2");
            kvmAlloc.put(cpu);
            cpuRunning[cpu] = 0;
            kvmChanged();
            return Outcome.ok("KVM-2");
        }
    }
}
