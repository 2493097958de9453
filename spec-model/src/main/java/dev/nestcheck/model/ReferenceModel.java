package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.Snapshot.Owner;
import dev.nestcheck.spec.Snapshot.OwnerKind;
import dev.nestcheck.spec.Snapshot.Ste;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.nestcheck.spec.Errno.EBADF;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EEXIST;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.EIO;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.ENOSPC;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static dev.nestcheck.spec.ObjectKind.DEVICE;
import static dev.nestcheck.spec.ObjectKind.HWPT_NESTED;
import static dev.nestcheck.spec.ObjectKind.HWPT_PAGING;
import static dev.nestcheck.spec.ObjectKind.IOAS;
import static dev.nestcheck.spec.ObjectKind.VDEVICE;
import static dev.nestcheck.spec.ObjectKind.VIOMMU;

/**
 * The reference model: RULES.md made executable, one method per rule, named after its rule ID
 * ({@code nest2_validateVste} decides NEST-2). Every check of an operation runs before any
 * change, so a failed operation changes nothing; a failed check throws {@link Rejected}, which
 * {@link #execute} turns into the errno and the rule that decided it. State is kept in plain
 * collections, and whatever is cheap to derive (reference counts, bindings, STEs, the VMID an
 * object uses, a nest parent's invalidation set) is derived by scanning rather than stored.
 * Every command issued names the rule that required it ({@link Issued#rule()}).
 *
 * <p>Rule methods are protected so that the suite's own tests can break one rule at a time (properties/src/test/.../mutants).
 */
public class ReferenceModel implements NestingImplementation, Op.Visitor<Outcome> {
    /** NEST-2.2: the vSTE bits a guest may set (kernel: STRTAB_STE_{0,1}_NESTING_ALLOWED). */
    static final long VSTE0_ALLOWED = 0xF80F_FFFF_FFFF_FFFFL;
    static final long VSTE1_ALLOWED = 0x0000_0000_3800_00FFL;
    /** NEST-2.4: word1 bits 29:28. */
    static final long VSTE1_EATS = 0x3L << 28;
    /** NEST-2.3: the Config values a guest may use. */
    static final int CONFIG_ABORT = 0, CONFIG_BYPASS = 4, CONFIG_TRANSLATE = 5;
    /** INV-3: converted commands per batch (the kernel's CMDQ_BATCH_ENTRIES - 1). */
    static final int BATCH = 63;

    /** An iommufd context (OBJ-1): its objects, its tombstoned IDs (OBJ-5) and its VM (KVM-8; 0: none). */
    protected static final class Ctx {
        public final int number;
        public final TreeMap<Integer, Obj> objects = new TreeMap<>();
        final TreeSet<Integer> tombstones = new TreeSet<>();
        /** MAP-1: per IOAS ID, its areas as first page → pages. */
        final TreeMap<Integer, TreeMap<Long, Long>> areas = new TreeMap<>();
        int vm;

        Ctx(int number) {
            this.number = number;
        }
    }

    /**
     * An object and the fields the rules name (as in {@link Snapshot.Obj}), plus a nested domain's
     * ATS decision (NEST-2.5), which cannot be derived because EATS is cleared from the stored word.
     */
    protected record Obj(ObjectKind kind, int ref, int smmu, boolean nestParent, long vste0, long vste1,
                       boolean ats, long virtId, int device) {
        static Obj device(int platformDevice, int smmu) {
            return new Obj(DEVICE, 0, smmu, false, 0, 0, false, 0, platformDevice);
        }

        static Obj ioas() {
            return new Obj(IOAS, 0, -1, false, 0, 0, false, 0, -1);
        }

        static Obj paging(int ioas, int smmu, boolean nestParent) {
            return new Obj(HWPT_PAGING, ioas, smmu, nestParent, 0, 0, false, 0, -1);
        }

        static Obj viommu(int parent, int smmu) {
            return new Obj(VIOMMU, parent, smmu, false, 0, 0, false, 0, -1);
        }

        static Obj nested(int viommu, int smmu, long vste0, long vste1, boolean ats) {
            return new Obj(HWPT_NESTED, viommu, smmu, false, vste0, vste1, ats, 0, -1);
        }

        static Obj vdevice(int viommu, int smmu, long virtId, int deviceObject) {
            return new Obj(VDEVICE, viommu, smmu, false, 0, 0, false, virtId, deviceObject);
        }

        /** NEST-2.3: Config, word0 bits 3:1 (0 for an abort vSTE, which is stored zeroed). */
        int config() {
            return (int) ((vste0 >>> 1) & 7);
        }

        Snapshot.Obj toSnapshot(TreeMap<Long, Long> areas) {
            if (areas == null || areas.isEmpty()) return new Snapshot.Obj(kind, ref, smmu, nestParent, vste0, vste1, virtId, device);
            List<Snapshot.Area> out = new ArrayList<>();
            areas.forEach((iova, pages) -> out.add(new Snapshot.Area(iova, pages)));
            return new Snapshot.Obj(kind, ref, smmu, nestParent, vste0, vste1, virtId, device, out);
        }
    }

    /** A failed check: the errno and the rule that decided it. */
    private static final class Rejected extends RuntimeException {
        final Errno errno;
        final String rule;

        Rejected(Errno errno, String rule) {
            super(rule + " " + errno, null, false, false);
            this.errno = errno;
            this.rule = rule;
        }
    }

    private final Platform platform;
    /** OBJ-0: open contexts by number; a closed context is gone (EBADF). */
    private final TreeMap<Integer, Ctx> contexts = new TreeMap<>();
    private int nextContext = 1;
    /** ATT-1: an attachment: the HWPT a device is attached to, in the context it is bound to. */
    private record Attachment(int ctx, int hwpt) {
    }

    /** ATT-1: platform device → its attachment. */
    private final TreeMap<Integer, Attachment> attachments = new TreeMap<>();
    /** PLAT-6: IOVAs are page numbers in [0, 2^20). */
    static final long IOVA_PAGES = 1L << 20;
    /** VMID-1, VMID-4: per SMMU, each VMID in use and its owner. */
    protected final List<TreeMap<Integer, Owner>> vmids = new ArrayList<>();
    /** TLB-1: per SMMU, the VMIDs that may have cached entries. */
    private final List<TreeSet<Integer>> tlb = new ArrayList<>();
    private final KvmVmids kvm;
    /** OBS-1: the commands the current operation issued, in order (transient: not state between operations). */
    private final transient List<Issued> issued = new ArrayList<>();
    /** S2INV-3, VMID-5: the (SMMU, VMID) pairs whose last-user flush the current operation issued. */
    private final transient Set<List<Integer>> lastUserFlushed = new java.util.HashSet<>();

    public ReferenceModel(Platform platform) {
        this.platform = platform;
        for (int i = 0; i < platform.smmus().size(); i++) {
            vmids.add(new TreeMap<>());
            tlb.add(new TreeSet<>());
        }
        this.kvm = newKvmVmids(platform.kvm());
    }

    /** PLAT-5: the platform this model runs on. */
    protected Platform platform() {
        return platform;
    }

    /** KVM-1..7: the allocator this model uses (only constructs it; called from the constructor). */
    protected KvmVmids newKvmVmids(KvmSpec spec) {
        return new KvmVmids(spec);
    }

    @Override
    public Outcome execute(Op op) {
        issued.clear();
        lastUserFlushed.clear();
        Outcome outcome;
        try {
            outcome = op.accept(this);
        } catch (Rejected r) {
            outcome = Outcome.fail(r.errno, r.rule);
            if (op instanceof Op.Invalidate) outcome = outcome.withEntryNum(0); // INV-1: always reports entryNum
        }
        tlb1_installedStes();
        return outcome.withIssued(issued);
    }

    private static void require(boolean ok, Errno errno, String rule) {
        if (!ok) throw new Rejected(errno, rule);
    }

    // ---------------------------------------------------------------- OBJ

    /** OBJ-0: contexts are numbered 1, 2, ... in opening order, never reused. */
    @Override
    public Outcome open(Op.Open op) {
        int number = nextContext++;
        contexts.put(number, new Ctx(number));
        return Outcome.ok(number, "OBJ-0");
    }

    /** OBJ-1: an operation on a closed or unknown context → EBADF. */
    protected Ctx obj1_context(int number) {
        Ctx c = contexts.get(number);
        require(c != null, EBADF, "OBJ-1");
        return c;
    }

    /** OBJ-1: a new object takes the lowest ID that is neither live nor tombstoned. */
    private static int obj1_lowestFreeId(Ctx c) {
        int id = 1;
        while (c.objects.containsKey(id) || c.tombstones.contains(id)) id++;
        return id;
    }

    /** OBJ-4: the object with this ID if it has this kind, else null (the caller names the errno). */
    private static Obj obj4_find(Ctx c, int id, ObjectKind kind) {
        Obj o = c.objects.get(id);
        return o != null && o.kind() == kind ? o : null;
    }

    /** OBJ-2: whether another object or a device attachment references object {@code id}. */
    protected boolean obj2_isReferenced(Ctx c, int id) {
        for (Obj o : c.objects.values()) {
            if (o.ref() == id) return true; // ref is 0 for kinds that reference nothing; IDs start at 1
            if (o.kind() == VDEVICE && o.device() == id) return true;
            if (o.kind() == DEVICE && attachments.containsKey(o.device()) && attachments.get(o.device()).hwpt() == id)
                return true;
        }
        return false;
    }

    /**
     * OBJ-3 DESTROY: unknown or tombstoned → ENOENT; a DEVICE → EBUSY; referenced → EBUSY;
     * otherwise removed, with its VMID consequences (VMID-5).
     */
    @Override
    public Outcome destroy(Op.Destroy op) {
        Ctx c = obj1_context(op.ctx());
        Obj o = c.objects.get(op.id());
        require(o != null, ENOENT, "OBJ-3");
        require(o.kind() != DEVICE, EBUSY, "OBJ-3");
        require(!obj2_isReferenced(c, op.id()), EBUSY, "OBJ-3");
        obj3_remove(c, op.id());
        return Outcome.ok("OBJ-3");
    }

    /** OBJ-3: remove an unreferenced object and release what it owned (VMID-5); an IOAS's areas go with it (MAP-3). */
    private void obj3_remove(Ctx c, int id) {
        Obj o = c.objects.remove(id);
        c.areas.remove(id); // MAP-3: nothing attached uses it, so nothing is cached and nothing is issued
        vmid5_releaseOwnedBy(c, id, o);
    }

    /** OBJ-5 BIND: a device is bound to at most one context → EBUSY. */
    @Override
    public Outcome bind(Op.Bind op) {
        Ctx c = obj1_context(op.ctx());
        // Model decision (OBJ-5): a device the platform does not have → ENOENT.
        require(op.device() >= 0 && op.device() < platform.devices().size(), ENOENT, "OBJ-5");
        require(obj5_boundContext(op.device()) == 0, EBUSY, "OBJ-5");
        int id = obj1_lowestFreeId(c);
        c.objects.put(id, Obj.device(op.device(), platform.device(op.device()).smmu()));
        return Outcome.ok(id, "OBJ-5");
    }

    /** OBJ-5 UNBIND(ctx, deviceId): unknown DEVICE → ENOENT (OBJ-4). */
    @Override
    public Outcome unbind(Op.Unbind op) {
        Ctx c = obj1_context(op.ctx());
        require(obj4_find(c, op.dev(), DEVICE) != null, ENOENT, "OBJ-5");
        obj5_unbind(c, op.dev());
        return Outcome.ok("OBJ-5");
    }

    /** OBJ-5: detach (with S2INV-3/4), destroy the device's VDEVICE and tombstone its ID, then remove the DEVICE. */
    private void obj5_unbind(Ctx c, int deviceId) {
        att_change(c.objects.get(deviceId).device(), null);
        for (int id : new ArrayList<>(c.objects.keySet())) {
            Obj o = c.objects.get(id);
            if (o.kind() == VDEVICE && o.device() == deviceId) {
                obj3_remove(c, id);
                c.tombstones.add(id);
            }
        }
        c.objects.remove(deviceId);
    }

    /** OBJ-5: the context a platform device is bound to (0: none), found by scanning. */
    private int obj5_boundContext(int device) {
        for (Ctx c : contexts.values())
            for (Obj o : c.objects.values())
                if (o.kind() == DEVICE && o.device() == device) return c.number;
        return 0;
    }

    /** OBJ-6: IOAS_ALLOC always succeeds; the IOAS starts empty (MAP-3). */
    @Override
    public Outcome ioasAlloc(Op.IoasAlloc op) {
        Ctx c = obj1_context(op.ctx());
        int id = obj1_lowestFreeId(c);
        c.objects.put(id, Obj.ioas());
        c.areas.put(id, new TreeMap<>());
        return Outcome.ok(id, "OBJ-6");
    }

    // ---------------------------------------------------------------- MAP

    /**
     * MAP-1 IOAS_MAP at a fixed IOVA: ioas unknown or not an IOAS → ENOENT; pages = 0, or the run
     * leaves [0, 2^20) (PLAT-6), wraparound included → EINVAL (model decision: the kernel says
     * EOVERFLOW on wraparound); any page already mapped → EEXIST; else one new area. Mapping
     * issues nothing.
     */
    @Override
    public Outcome ioasMap(Op.IoasMap op) {
        Ctx c = obj1_context(op.ctx());
        require(obj4_find(c, op.ioas(), IOAS) != null, ENOENT, "MAP-1");
        require(op.pages() != 0, EINVAL, "MAP-1");
        require(Long.compareUnsigned(op.iova(), IOVA_PAGES) < 0
                && Long.compareUnsigned(op.pages(), IOVA_PAGES - op.iova()) <= 0, EINVAL, "MAP-1");
        TreeMap<Long, Long> areas = c.areas.get(op.ioas());
        require(map1_free(areas, op.iova(), op.iova() + op.pages()), EEXIST, "MAP-1");
        areas.put(op.iova(), op.pages());
        return Outcome.ok("MAP-1");
    }

    /** MAP-1: whether no area has a page in [first, end). */
    protected boolean map1_free(TreeMap<Long, Long> areas, long first, long end) {
        for (Map.Entry<Long, Long> a : areas.entrySet())
            if (a.getKey() < end && a.getKey() + a.getValue() > first) return false;
        return true;
    }

    /**
     * MAP-2 IOAS_UNMAP: ioas unknown → ENOENT; pages = 0 → EINVAL; a range that wraps around the
     * u64 space → EINVAL (model decision, as MAP-1; the kernel says EOVERFLOW). iova 0 with pages
     * 2^64 - 1 unmaps every area and never fails (ioas.c's unmap-all). Otherwise the areas that
     * meet the range are unmapped whole, in increasing IOVA order, each invalidated at once
     * (S2INV-2); the first one that sticks out of the range stops the unmap with ENOENT, the areas
     * below it staying unmapped; nothing unmapped → ENOENT. Success value: the pages unmapped.
     */
    @Override
    public Outcome ioasUnmap(Op.IoasUnmap op) {
        Ctx c = obj1_context(op.ctx());
        require(obj4_find(c, op.ioas(), IOAS) != null, ENOENT, "MAP-2");
        require(op.pages() != 0, EINVAL, "MAP-2");
        long first = op.unmapsAll() ? 0 : op.iova();
        long last = op.unmapsAll() ? -1L : op.iova() + op.pages() - 1; // unsigned
        require(op.unmapsAll() || Long.compareUnsigned(last, first) >= 0, EINVAL, "MAP-2");
        TreeMap<Long, Long> areas = c.areas.get(op.ioas());
        long unmapped = 0;
        for (long areaFirst : new ArrayList<>(areas.keySet())) {
            long pages = areas.get(areaFirst), areaLast = areaFirst + pages - 1;
            if (Long.compareUnsigned(areaLast, first) < 0 || Long.compareUnsigned(areaFirst, last) > 0) continue;
            if (!map2_inside(areaFirst, areaLast, first, last)) return Outcome.fail(ENOENT, "MAP-2");
            areas.remove(areaFirst);
            unmapped += pages;
            s2inv2_invalidateArea(c, op.ioas(), areaFirst, pages);
        }
        if (unmapped == 0 && !op.unmapsAll()) return Outcome.fail(ENOENT, "MAP-2");
        return Outcome.ok(unmapped, "MAP-2");
    }

    /** MAP-2: areas are unmapped whole; one that sticks out of [first, last] cuts the unmap short. */
    protected boolean map2_inside(long areaFirst, long areaLast, long first, long last) {
        return Long.compareUnsigned(areaFirst, first) >= 0 && Long.compareUnsigned(areaLast, last) <= 0;
    }

    /**
     * OBJ-7 CLOSE, in the contract's order (Linux's release of /dev/iommu): unbind every device by
     * increasing DEVICE ID, each with its S2INV-3/4 commands (S2INV-5); then passes over the IDs in increasing order, destroying each object
     * that nothing references at the moment it is reached (so a pass may free a higher ID for
     * itself, as xa_for_each in iommufd_fops_release does); then the KVM binding ends.
     */
    @Override
    public Outcome close(Op.Close op) {
        Ctx c = obj1_context(op.ctx());
        List<Integer> devices = new ArrayList<>();
        c.objects.forEach((id, o) -> {
            if (o.kind() == DEVICE) devices.add(id);
        });
        for (int id : devices) obj5_unbind(c, id);
        while (!c.objects.isEmpty()) {
            boolean destroyed = false;
            for (int id : new ArrayList<>(c.objects.keySet())) {
                if (!obj2_isReferenced(c, id)) {
                    obj3_remove(c, id);
                    destroyed = true;
                }
            }
            if (!destroyed) throw new IllegalStateException("OBJ-7: a reference cycle in context " + c.number);
        }
        contexts.remove(c.number);
        return Outcome.ok("OBJ-7");
    }

    // ---------------------------------------------------------------- HWPT, NEST

    /**
     * HWPT-1 HWPT_ALLOC: dataType NONE with data, or another dataType without data → EINVAL;
     * dev unknown → ENOENT; pt unknown → EINVAL; then by the kind of pt.
     */
    @Override
    public Outcome hwptAlloc(Op.HwptAlloc op) {
        Ctx c = obj1_context(op.ctx());
        // HWPT-1: "data" means a non-zero data length, as the kernel tests data_len (an empty list is none).
        boolean hasData = op.data() != null && !op.data().isEmpty();
        require(!(op.dataType() == DataType.NONE && hasData), EINVAL, "HWPT-1");
        require(!(op.dataType() != DataType.NONE && !hasData), EINVAL, "HWPT-1");
        Obj dev = obj4_find(c, op.dev(), DEVICE);
        require(dev != null, ENOENT, "HWPT-1");
        Obj pt = c.objects.get(op.pt());
        require(pt != null, EINVAL, "HWPT-1");
        if (pt.kind() == IOAS) return hwpt2_allocFromIoas(c, op, dev, hasData);
        if (pt.kind() == VIOMMU) return nest1_allocNested(c, op, dev, pt, hasData);
        if (pt.kind() == HWPT_PAGING) throw new Rejected(EOPNOTSUPP, "HWPT-1"); // SMMUv3 nests only through a vIOMMU
        throw new Rejected(EINVAL, "HWPT-1");
    }

    /**
     * HWPT-2 pt = IOAS: data → EOPNOTSUPP; FAULT_ID is the core's flag and is set aside first
     * (hw_pagetable.c); flags 0 or PASID → a stage-1 domain; NEST_PARENT on an SMMU without nesting
     * → EOPNOTSUPP; NEST_PARENT → a stage-2 domain on dev's SMMU, then the VMID rules (VMID-8); any
     * other flags → EOPNOTSUPP. With FAULT_ID the fault object is looked up last, after the domain
     * exists → ENOENT (faults are out of scope); FAULT_ID with NEST_PARENT → EOPNOTSUPP before any
     * domain or VMID (iommufd_hwpt_paging_alloc, upstream 1062d81086156e42, v6.15).
     */
    private Outcome hwpt2_allocFromIoas(Ctx c, Op.HwptAlloc op, Obj dev, boolean hasData) {
        require(!hasData, EOPNOTSUPP, "HWPT-2");
        int id = obj1_lowestFreeId(c);
        boolean faultId = (op.flags() & HwptFlags.FAULT_ID) != 0;
        int flags = op.flags() & ~HwptFlags.FAULT_ID;
        if (flags == 0 || flags == HwptFlags.PASID) {
            require(!faultId, ENOENT, "HWPT-2"); // the stage-1 domain is freed again: nothing observable
            c.objects.put(id, Obj.paging(op.pt(), dev.smmu(), false));
            return Outcome.ok(id, "HWPT-2");
        }
        require(flags == HwptFlags.NEST_PARENT, EOPNOTSUPP, "HWPT-2");
        require(!faultId, EOPNOTSUPP, "HWPT-2"); // a nest parent cannot take faults
        require(platform.smmu(dev.smmu()).nesting(), EOPNOTSUPP, "HWPT-2");
        vmid8_takeVmidForParent(c, dev.smmu(), id);
        c.objects.put(id, Obj.paging(op.pt(), dev.smmu(), true));
        return Outcome.ok(id, "HWPT-2");
    }

    /**
     * NEST-1 pt = VIOMMU: dev's SMMU not the vIOMMU's → EINVAL; flags other than FAULT_ID →
     * EOPNOTSUPP; no data → EOPNOTSUPP; dataType not ARM_SMMUV3 or not 16 bytes → EINVAL; invalid
     * vSTE → EIO; then FAULT_ID → ENOENT from the fault lookup (hw_pagetable.c looks it up last).
     * NEST-3: the nested HWPT references its vIOMMU.
     */
    private Outcome nest1_allocNested(Ctx c, Op.HwptAlloc op, Obj dev, Obj viommu, boolean hasData) {
        require(dev.smmu() == viommu.smmu(), EINVAL, "NEST-1");
        require((op.flags() & ~HwptFlags.FAULT_ID) == 0, EOPNOTSUPP, "NEST-1");
        require(hasData, EOPNOTSUPP, "NEST-1");
        require(op.dataType() == DataType.ARM_SMMUV3 && op.data().size() == 2, EINVAL, "NEST-1");
        Obj nested = nest2_validateVste(op.pt(), viommu.smmu(), op.data().get(0), op.data().get(1));
        require((op.flags() & HwptFlags.FAULT_ID) == 0, ENOENT, "NEST-1");
        int id = obj1_lowestFreeId(c);
        c.objects.put(id, nested);
        return Outcome.ok(id, "NEST-1");
    }

    /**
     * NEST-2 (arm_smmu_validate_vste): V clear → both words zeroed, accepted; bits outside the
     * allowed masks → EIO; Config not abort/bypass/translate → EIO; EATS not 0 or 1 → EIO (any
     * Config); ATS only for Config 5 with EATS 1; EATS cleared from the stored word1.
     */
    protected Obj nest2_validateVste(int viommuId, int smmu, long word0, long word1) {
        if ((word0 & 1) == 0) return Obj.nested(viommuId, smmu, 0, 0, false);
        require((word0 & ~VSTE0_ALLOWED) == 0, EIO, "NEST-2");
        require((word1 & ~VSTE1_ALLOWED) == 0, EIO, "NEST-2");
        int config = (int) ((word0 >>> 1) & 7);
        require(config == CONFIG_ABORT || config == CONFIG_BYPASS || config == CONFIG_TRANSLATE, EIO, "NEST-2");
        long eats = (word1 & VSTE1_EATS) >>> 28;
        require(eats == 0 || eats == 1, EIO, "NEST-2");
        boolean ats = config == CONFIG_TRANSLATE && eats == 1;
        return Obj.nested(viommuId, smmu, word0, word1 & ~VSTE1_EATS, ats);
    }

    // ---------------------------------------------------------------- VIOMMU, VDEV

    /**
     * VIOMMU-1: type DEFAULT → EOPNOTSUPP; dev unknown → ENOENT; type not ARM_SMMUV3, no nesting,
     * or neither canwbs nor s2fwb → EOPNOTSUPP; hwpt unknown or not HWPT_PAGING → ENOENT; not a
     * nest parent → EINVAL; parent on another SMMU → EINVAL; then allocation (VMID-8).
     * VIOMMU-2: it belongs to dev's SMMU and references its parent.
     */
    @Override
    public Outcome viommuAlloc(Op.ViommuAlloc op) {
        Ctx c = obj1_context(op.ctx());
        require(!"DEFAULT".equals(op.type()), EOPNOTSUPP, "VIOMMU-1");
        Obj dev = obj4_find(c, op.dev(), DEVICE);
        require(dev != null, ENOENT, "VIOMMU-1");
        SmmuSpec smmu = platform.smmu(dev.smmu());
        boolean canwbs = platform.device(dev.device()).canwbs();
        require("ARM_SMMUV3".equals(op.type()) && smmu.nesting() && (canwbs || smmu.s2fwb()), EOPNOTSUPP, "VIOMMU-1");
        Obj parent = obj4_find(c, op.hwpt(), HWPT_PAGING);
        require(parent != null, ENOENT, "VIOMMU-1");
        require(parent.nestParent(), EINVAL, "VIOMMU-1");
        require(parent.smmu() == dev.smmu(), EINVAL, "VIOMMU-1");
        int id = obj1_lowestFreeId(c);
        if (platform.policy() == Policy.VIOMMU)
            vmid3_allocate(dev.smmu(), new Owner(OwnerKind.VIOMMU, c.number, id));
        c.objects.put(id, Obj.viommu(op.hwpt(), dev.smmu()));
        return Outcome.ok(id, "VIOMMU-1");
    }

    /**
     * VDEV-1: viommu unknown → ENOENT; dev unknown → ENOENT; another SMMU → EINVAL; dev already has
     * a VDEVICE (in any vIOMMU) → EEXIST; virtId used in this vIOMMU → EEXIST.
     * VDEV-2 follows: a destroyed VDEVICE no longer counts.
     */
    @Override
    public Outcome vdeviceAlloc(Op.VdeviceAlloc op) {
        Ctx c = obj1_context(op.ctx());
        Obj viommu = obj4_find(c, op.viommu(), VIOMMU);
        require(viommu != null, ENOENT, "VDEV-1");
        Obj dev = obj4_find(c, op.dev(), DEVICE);
        require(dev != null, ENOENT, "VDEV-1");
        require(dev.smmu() == viommu.smmu(), EINVAL, "VDEV-1");
        for (Obj o : c.objects.values()) {
            if (o.kind() != VDEVICE) continue;
            require(o.device() != op.dev(), EEXIST, "VDEV-1");
            require(!(o.ref() == op.viommu() && o.virtId() == op.virtId()), EEXIST, "VDEV-1");
        }
        int id = obj1_lowestFreeId(c);
        c.objects.put(id, Obj.vdevice(op.viommu(), viommu.smmu(), op.virtId(), op.dev()));
        return Outcome.ok(id, "VDEV-1");
    }

    /** VDEV-1, INV-2: this vIOMMU's VDEVICE with this virtual ID, or null. */
    protected Obj vdev1_find(Ctx c, int viommuId, long virtId) {
        for (Obj o : c.objects.values())
            if (o.kind() == VDEVICE && o.ref() == viommuId && o.virtId() == virtId) return o;
        return null;
    }

    // ---------------------------------------------------------------- ATT

    /**
     * ATT-1 ATTACH (or replace): dev unknown → ENOENT; hwpt unknown → ENOENT; neither HWPT_PAGING
     * nor HWPT_NESTED → EINVAL (an IOAS included: automatic domains are out of scope). ATT-4 comes
     * before ATT-2/3 as in the kernel (iommufd_device_do_replace returns early when old == new).
     * ATT-5 holds because every check precedes the change. The change issues S2INV-4 and
     * S2INV-3 commands.
     */
    @Override
    public Outcome attach(Op.Attach op) {
        Ctx c = obj1_context(op.ctx());
        Obj dev = obj4_find(c, op.dev(), DEVICE);
        require(dev != null, ENOENT, "ATT-1");
        Obj hwpt = c.objects.get(op.hwpt());
        require(hwpt != null, ENOENT, "ATT-1");
        require(hwpt.kind() == HWPT_PAGING || hwpt.kind() == HWPT_NESTED, EINVAL, "ATT-1");
        Attachment now = attachments.get(dev.device());
        if (now != null && now.hwpt() == op.hwpt()) return Outcome.ok("ATT-4");
        if (hwpt.kind() == HWPT_PAGING) att2_checkPaging(dev, hwpt);
        else att3_checkNested(c, op.dev(), dev, hwpt);
        att_change(dev.device(), new Attachment(c.number, op.hwpt()));
        return Outcome.ok("ATT-1");
    }

    /**
     * ATT-1, ATT-6, OBJ-5: a device's attachment changes (null: blocked), then the commands the
     * change requires, in the kernel's order (arm_smmu_attach_commit): the ATC of a device whose
     * ATS was or is enabled (S2INV-4), then the flush of each VMID that lost its last user on a nest
     * parent (S2INV-3).
     */
    private void att_change(int device, Attachment next) {
        Set<List<Integer>> usedBefore = s2inv1_vmidsInUse();
        Ste before = ste(device);
        if (next == null) attachments.remove(device);
        else attachments.put(device, next);
        s2inv4_atcOnAtsChange(device, before, ste(device));
        s2inv3_lastUserFlush(usedBefore, s2inv1_vmidsInUse());
    }

    /** ATT-2: a HWPT_PAGING of another SMMU → EINVAL. */
    private static void att2_checkPaging(Obj dev, Obj hwpt) {
        require(hwpt.smmu() == dev.smmu(), EINVAL, "ATT-2");
    }

    /**
     * ATT-3: the nested HWPT's vIOMMU on another SMMU → EINVAL; a translate vSTE needs the device's
     * VDEVICE in that vIOMMU → else ENOENT; abort and bypass vSTEs attach without one.
     */
    private static void att3_checkNested(Ctx c, int deviceId, Obj dev, Obj nested) {
        require(nested.smmu() == dev.smmu(), EINVAL, "ATT-3");
        if (nested.config() != CONFIG_TRANSLATE) return;
        boolean hasVdevice = false;
        for (Obj o : c.objects.values())
            if (o.kind() == VDEVICE && o.device() == deviceId && o.ref() == nested.ref()) hasVdevice = true;
        require(hasVdevice, ENOENT, "ATT-3");
    }

    /** ATT-6 DETACH: the device becomes blocked; detaching a detached device changes nothing. */
    @Override
    public Outcome detach(Op.Detach op) {
        Ctx c = obj1_context(op.ctx());
        Obj dev = obj4_find(c, op.dev(), DEVICE);
        require(dev != null, ENOENT, "ATT-6");
        if (attachments.containsKey(dev.device())) att_change(dev.device(), null);
        return Outcome.ok("ATT-6");
    }

    // ---------------------------------------------------------------- STE

    /** STE-1..STE-5: a platform device's STE, derived from its attachment. */
    private Ste ste(int device) {
        Attachment att = attachments.get(device);
        if (att == null) return Ste.ABORT; // STE-1: unbound, detached or blocked
        Ctx c = contexts.get(att.ctx());
        int hwptId = att.hwpt();
        Obj hwpt = c.objects.get(hwptId);
        if (hwpt.kind() == HWPT_PAGING && !hwpt.nestParent()) return new Ste(SteKind.S1, 0, 0, false); // STE-2
        if (hwpt.kind() == HWPT_PAGING) // STE-3
            return new Ste(SteKind.S2, vmidOf(hwpt.smmu(), vmid4_parentOwner(c, hwptId)), 0, false);
        int vmid = vmidOf(hwpt.smmu(), vmid4_viommuOwner(c, hwpt.ref())); // STE-4
        if (hwpt.config() == CONFIG_BYPASS) return new Ste(SteKind.S2, vmid, 0, false);
        if (hwpt.config() == CONFIG_TRANSLATE)
            return new Ste(SteKind.NESTED, vmid, hwpt.vste0() & S1_CONTEXT_PTR_MASK, hwpt.ats());
        return Ste.ABORT;
    }

    // ---------------------------------------------------------------- VMID

    /** VMID-4: who owns the VMID that direct S2 attachments to this nest parent use. */
    protected Owner vmid4_parentOwner(Ctx c, int parentId) {
        switch (platform.policy()) {
            case ICTX: return new Owner(OwnerKind.ICTX, c.number, 0);
            case KVM_PINNED: return new Owner(OwnerKind.KVM, 0, c.vm);
            default: return new Owner(OwnerKind.HWPT, c.number, parentId); // S2_PARENT, VIOMMU
        }
    }

    /** VMID-4: who owns the VMID a vIOMMU's nested STEs and invalidations use. */
    protected Owner vmid4_viommuOwner(Ctx c, int viommuId) {
        switch (platform.policy()) {
            case S2_PARENT: return new Owner(OwnerKind.HWPT, c.number, c.objects.get(viommuId).ref());
            case VIOMMU: return new Owner(OwnerKind.VIOMMU, c.number, viommuId);
            case ICTX: return new Owner(OwnerKind.ICTX, c.number, 0);
            default: return new Owner(OwnerKind.KVM, 0, c.vm); // KVM_PINNED
        }
    }

    /** VMID-4: the VMID an owner holds on an SMMU, found by scanning the pool. */
    protected int vmidOf(int smmu, Owner owner) {
        for (Map.Entry<Integer, Owner> e : vmids.get(smmu).entrySet())
            if (e.getValue().equals(owner)) return e.getKey();
        throw new IllegalStateException("VMID-4: " + owner + " holds no VMID on smmu" + smmu);
    }

    /**
     * VMID-8: at HWPT_ALLOC(NEST_PARENT), VMID-7's binding and width checks, then VMID-6, then
     * allocation (VMID-3) or the KVM pin (VMID-7).
     */
    protected void vmid8_takeVmidForParent(Ctx c, int smmu, int parentId) {
        Policy policy = platform.policy();
        if (policy == Policy.KVM_PINNED) vmid7_checkKvm(c, smmu);
        if (policy == Policy.ICTX || policy == Policy.KVM_PINNED) vmid6_checkOneParentPerSmmu(c, smmu);
        if (policy == Policy.KVM_PINNED) vmid7_pin(c, smmu);
        else vmid3_allocate(smmu, vmid4_parentOwner(c, parentId));
    }

    /**
     * VMID-1..3: the lowest free VMID of the SMMU's pool [1, 2^vmidBits - 1] (mainline's IDA);
     * none free → ENOSPC. TLB-3 holds because every release invalidated the value first (VMID-5).
     */
    protected void vmid3_allocate(int smmu, Owner owner) {
        TreeMap<Integer, Owner> pool = vmids.get(smmu);
        for (int v = 1; v <= platform.smmu(smmu).maxVmid(); v++) {
            if (!pool.containsKey(v)) {
                pool.put(v, owner);
                return;
            }
        }
        throw new Rejected(ENOSPC, "VMID-3");
    }

    /** VMID-6 (ICTX, KVM_PINNED): a second nest parent of the context on the same SMMU → EBUSY. */
    private static void vmid6_checkOneParentPerSmmu(Ctx c, int smmu) {
        for (Obj o : c.objects.values())
            require(!(o.kind() == HWPT_PAGING && o.nestParent() && o.smmu() == smmu), EBUSY, "VMID-6");
    }

    /** VMID-7 (KVM_PINNED): unbound context → EINVAL; SMMU narrower than KVM's VMIDs → EOPNOTSUPP. */
    private void vmid7_checkKvm(Ctx c, int smmu) {
        require(c.vm != 0, EINVAL, "VMID-7");
        require(platform.smmu(smmu).vmidBits() >= platform.kvm().vmidBits(), EOPNOTSUPP, "VMID-7");
    }

    /** VMID-7 (KVM_PINNED): pin the VM's KVM VMID (KVM-5) and use its index on the SMMU; failure → ENOSPC. */
    protected void vmid7_pin(Ctx c, int smmu) {
        int index = kvm.kvm5_pin(c.vm);
        require(index != 0, ENOSPC, "VMID-7");
        vmids.get(smmu).put(index, new Owner(OwnerKind.KVM, 0, c.vm));
    }

    /**
     * VMID-5: what removing an object releases. A nest parent: its own VMID (S2_PARENT, VIOMMU),
     * the pair's VMID when it was the pair's last nest parent (ICTX), or its KVM pin (KVM_PINNED,
     * invalidated before the unpin). A vIOMMU under VIOMMU: its own.
     */
    private void vmid5_releaseOwnedBy(Ctx c, int id, Obj o) {
        Policy policy = platform.policy();
        if (o.kind() == VIOMMU && policy == Policy.VIOMMU) vmid5_release(o.smmu(), new Owner(OwnerKind.VIOMMU, c.number, id));
        if (o.kind() != HWPT_PAGING || !o.nestParent()) return;
        if (policy == Policy.S2_PARENT || policy == Policy.VIOMMU) vmid5_release(o.smmu(), vmid4_parentOwner(c, id));
        if (policy == Policy.ICTX && !vmid5_pairHasNestParent(c, o.smmu())) vmid5_release(o.smmu(), vmid4_parentOwner(c, id));
        if (policy == Policy.KVM_PINNED) {
            vmid5_release(o.smmu(), vmid4_parentOwner(c, id));
            kvm.kvm5_unpin(c.vm);
        }
    }

    /** VMID-5 (ICTX): whether the (context, SMMU) pair still has a nest parent. */
    private static boolean vmid5_pairHasNestParent(Ctx c, int smmu) {
        for (Obj o : c.objects.values())
            if (o.kind() == HWPT_PAGING && o.nestParent() && o.smmu() == smmu) return true;
        return false;
    }

    /**
     * VMID-5: TLBI_S12_VMALL(v) then CMD_SYNC to the SMMU (TLB-2 drops v), then v is free; the flush
     * is skipped when this operation already issued v's last-user flush (S2INV-3).
     */
    protected void vmid5_release(int smmu, Owner owner) {
        int v = vmidOf(smmu, owner);
        if (!lastUserFlushed.contains(List.of(smmu, v))) {
            issue(smmu, Cmd.tlbiS12Vmall(v), "VMID-5");
            issue(smmu, Cmd.sync(), "VMID-5");
        }
        vmids.get(smmu).remove(v);
    }

    // ---------------------------------------------------------------- TLB

    /**
     * OBS-1: issue one command to an SMMU, naming the rule that requires it; a CMD_SYNC completes
     * the SMMU's earlier ones (TLB-2).
     */
    protected void issue(int smmu, Cmd cmd, String rule) {
        issued.add(new Issued(smmu, cmd, rule));
        if (cmd.opcode() == Cmd.CMD_SYNC) tlb2_completeBeforeSync(smmu);
    }

    /**
     * TLB-2: at a CMD_SYNC, each TLBI_S12_VMALL(v) issued to that SMMU since its previous CMD_SYNC
     * removes v from the TLB set, and each TLBI_NSNH_ALL empties it.
     */
    private void tlb2_completeBeforeSync(int smmu) {
        for (int i = issued.size() - 2; i >= 0; i--) {
            Issued earlier = issued.get(i);
            if (earlier.smmu() != smmu) continue;
            if (earlier.cmd().opcode() == Cmd.CMD_SYNC) break;
            if (earlier.cmd().opcode() == Cmd.TLBI_S12_VMALL) tlb.get(smmu).remove(earlier.cmd().vmid());
            if (earlier.cmd().opcode() == Cmd.TLBI_NSNH_ALL) tlb.get(smmu).clear();
        }
    }

    /**
     * TLB-1: the VMID of every installed S2 or NESTED STE is in its SMMU's TLB set after each
     * operation (it joins when the STE is installed; an STE still installed after a flush of its
     * VMID, as a big unmap's TLBI_S12_VMALL, may refill the TLB at once, so its VMID stays).
     */
    private void tlb1_installedStes() {
        for (int d : attachments.keySet()) {
            Ste ste = ste(d);
            if (ste.kind() == SteKind.S2 || ste.kind() == SteKind.NESTED)
                tlb.get(platform.device(d).smmu()).add(ste.vmid());
        }
    }

    // ---------------------------------------------------------------- S2INV

    /** S2INV-1: a nest parent's invalidation set on its SMMU, each kind in owner order, deduplicated. */
    protected record InvalidationSet(List<Integer> s2Vmids, List<Integer> s1ClearVmids, List<Long> atsStreams) {
        public InvalidationSet {
            s2Vmids = List.copyOf(s2Vmids);
            s1ClearVmids = List.copyOf(s1ClearVmids);
            atsStreams = List.copyOf(atsStreams);
        }
    }

    /**
     * S2INV-1: derived from what is attached now. Every device whose STE uses nest parent P (S2
     * directly, or through a nested domain of a vIOMMU on P) adds S2_VMID(v) and S2_VMID_S1_CLEAR(v)
     * with its STE's VMID v (the kernel adds the S1_CLEAR entry for every attachment of a nest
     * parent, direct ones included: arm_smmu_master_build_invs); one with ATS enabled adds
     * ATS_FULL(its stream ID). Owner order: the parent's own VMID, then vIOMMUs by increasing ID;
     * streams by increasing ID.
     */
    protected InvalidationSet s2inv1_invalidationSet(Ctx c, int parentId) {
        Set<Integer> vmidSet = new LinkedHashSet<>();
        TreeSet<Long> streams = new TreeSet<>();
        TreeMap<Integer, Integer> viaViommu = new TreeMap<>(); // vIOMMU ID → VMID, for owner order
        for (Map.Entry<Integer, Attachment> e : attachments.entrySet()) {
            Attachment att = e.getValue();
            if (att.ctx() != c.number || s2inv1_parentOf(c, att.hwpt()) != parentId) continue;
            Ste ste = ste(e.getKey());
            if (ste.kind() != SteKind.S2 && ste.kind() != SteKind.NESTED) continue;
            Obj hwpt = c.objects.get(att.hwpt());
            if (hwpt.kind() == HWPT_PAGING) vmidSet.add(ste.vmid());
            else viaViommu.put(hwpt.ref(), ste.vmid());
            if (ste.ats()) streams.add(platform.device(e.getKey()).streamId());
        }
        vmidSet.addAll(viaViommu.values());
        List<Integer> vmidList = new ArrayList<>(vmidSet);
        return new InvalidationSet(vmidList, vmidList, new ArrayList<>(streams));
    }

    /** S2INV-1: the nest parent behind an attached HWPT (itself, or its vIOMMU's parent), or 0. */
    private static int s2inv1_parentOf(Ctx c, int hwptId) {
        Obj hwpt = c.objects.get(hwptId);
        if (hwpt.kind() == HWPT_PAGING) return hwpt.nestParent() ? hwptId : 0;
        return c.objects.get(hwpt.ref()).ref();
    }

    /** S2INV-1: every S2_VMID entry of every nest parent, as (SMMU, ctx, parent ID, VMID). */
    private Set<List<Integer>> s2inv1_vmidsInUse() {
        Set<List<Integer>> out = new java.util.HashSet<>();
        for (Map.Entry<Integer, Attachment> e : attachments.entrySet()) {
            Ctx c = contexts.get(e.getValue().ctx());
            int parent = s2inv1_parentOf(c, e.getValue().hwpt());
            Ste ste = ste(e.getKey());
            if (parent != 0 && (ste.kind() == SteKind.S2 || ste.kind() == SteKind.NESTED))
                out.add(List.of(platform.device(e.getKey()).smmu(), c.number, parent, ste.vmid()));
        }
        return out;
    }

    /**
     * S2INV-2: unmapping an area of IOAS {@code ioas} invalidates every nest parent on it, in
     * increasing object ID order. {@code big}: at least maxTlbiPages pages on an SMMU without
     * rangeInv. S2_VMID entries first: TLBI_S12_VMALL(v) when big (the merged kernel batches them,
     * one CMD_SYNC for the batch), else TLBI_S2_IPA per page, or one per area with rangeInv, then one
     * CMD_SYNC; then, unless big, TLBI_NH_ALL per S2_VMID_S1_CLEAR entry and a CMD_SYNC; then
     * ATC_INV(all) per ATS_FULL entry and a CMD_SYNC.
     */
    protected void s2inv2_invalidateArea(Ctx c, int ioas, long first, long pages) {
        for (Map.Entry<Integer, Obj> e : c.objects.entrySet()) {
            Obj p = e.getValue();
            if (p.kind() != HWPT_PAGING || !p.nestParent() || p.ref() != ioas) continue;
            InvalidationSet set = s2inv1_invalidationSet(c, e.getKey());
            int smmu = p.smmu();
            boolean big = s2inv2_big(smmu, pages);
            for (int v : set.s2Vmids()) {
                if (big) {
                    issue(smmu, Cmd.tlbiS12Vmall(v), "S2INV-2");
                } else if (platform.smmu(smmu).rangeInv()) {
                    issue(smmu, Cmd.tlbiS2Ipa(v, first, pages), "S2INV-2");
                } else {
                    for (long page = first; page < first + pages; page++) issue(smmu, Cmd.tlbiS2Ipa(v, page, 1), "S2INV-2");
                }
            }
            if (!set.s2Vmids().isEmpty()) issue(smmu, Cmd.sync(), "S2INV-2");
            if (!big) {
                for (int v : set.s1ClearVmids()) issue(smmu, Cmd.tlbiNhAll(v), "S2INV-2");
                if (!set.s1ClearVmids().isEmpty()) issue(smmu, Cmd.sync(), "S2INV-2");
            }
            for (long sid : set.atsStreams()) issue(smmu, Cmd.atcInvAll(sid), "S2INV-2");
            if (!set.atsStreams().isEmpty()) issue(smmu, Cmd.sync(), "S2INV-2");
        }
    }

    /** S2INV-2: whether an area of this many pages is invalidated by VMID rather than page by page. */
    protected boolean s2inv2_big(int smmu, long pages) {
        SmmuSpec s = platform.smmu(smmu);
        return !s.rangeInv() && pages >= s.maxTlbiPages();
    }

    /**
     * S2INV-3: every S2_VMID(v) entry that lost its last user on a nest parent gets TLBI_S12_VMALL(v)
     * then CMD_SYNC, since later unmaps no longer invalidate v. (Every user of S2_VMID(v) also holds
     * S2_VMID_S1_CLEAR(v), S2INV-1, so the S1_CLEAR entry never loses its last user alone, and the
     * kernel flushes nothing for it: arm_smmu_invs_flush_iotlb_tags.)
     */
    protected void s2inv3_lastUserFlush(Set<List<Integer>> usedBefore, Set<List<Integer>> usedAfter) {
        List<List<Integer>> lost = new ArrayList<>();
        for (List<Integer> entry : usedBefore) if (!usedAfter.contains(entry)) lost.add(entry);
        lost.sort((a, b) -> { // (SMMU, ctx, parent): one device's change loses at most one entry
            for (int i = 0; i < 3; i++) if (!a.get(i).equals(b.get(i))) return Integer.compare(a.get(i), b.get(i));
            return 0;
        });
        for (List<Integer> entry : lost) {
            int smmu = entry.get(0), v = entry.get(3);
            issue(smmu, Cmd.tlbiS12Vmall(v), "S2INV-3");
            issue(smmu, Cmd.sync(), "S2INV-3");
            lastUserFlushed.add(List.of(smmu, v));
        }
    }

    /**
     * S2INV-4: a device whose ATS was or is enabled across the change (disabled, replaced from one
     * ATS translation to another, or newly enabled) gets ATC_INV(its stream, all) then CMD_SYNC.
     */
    protected void s2inv4_atcOnAtsChange(int device, Ste before, Ste after) {
        if (!before.ats() && !after.ats()) return;
        int smmu = platform.device(device).smmu();
        issue(smmu, Cmd.atcInvAll(platform.device(device).streamId()), "S2INV-4");
        issue(smmu, Cmd.sync(), "S2INV-4");
    }

    // ---------------------------------------------------------------- INV

    /**
     * INV-1 INVALIDATE: id unknown → ENOENT; a HWPT_NESTED → EOPNOTSUPP; any other non-VIOMMU →
     * EINVAL; dataType not ARM_SMMUV3 → EINVAL; no commands → EINVAL. entryNum is always set.
     * Then INV-2 conversion and INV-3 batching.
     */
    @Override
    public Outcome invalidate(Op.Invalidate op) {
        Ctx c = obj1_context(op.ctx());
        Obj target = c.objects.get(op.id());
        require(target != null, ENOENT, "INV-1");
        require(target.kind() != HWPT_NESTED, EOPNOTSUPP, "INV-1");
        require(target.kind() == VIOMMU, EINVAL, "INV-1");
        require(op.dataType() == DataType.ARM_SMMUV3, EINVAL, "INV-1");
        require(!op.commands().isEmpty(), EINVAL, "INV-1");
        return inv3_convertAndIssue(c, op.id(), target.smmu(), op.commands());
    }

    /**
     * INV-3 (arm_vsmmu_cache_invalidate): convert one command at a time; after every 63 converted
     * commands, and after the last, issue them with a CMD_SYNC. On the first failing command i:
     * its errno, entryNum = i, and the commands converted since the last issued batch are never
     * issued. On success entryNum = count.
     */
    protected Outcome inv3_convertAndIssue(Ctx c, int viommuId, int smmu, List<Cmd> commands) {
        int vmid = vmidOf(smmu, vmid4_viommuOwner(c, viommuId));
        List<Cmd> batch = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Cmd converted = inv2_convert(c, viommuId, vmid, commands.get(i));
            if (converted == null) return Outcome.fail(EIO, "INV-2").withEntryNum(i);
            batch.add(converted);
            if (batch.size() == BATCH || i == commands.size() - 1) {
                for (Cmd cmd : batch) issue(smmu, cmd, "INV-3");
                issue(smmu, Cmd.sync(), "INV-3");
                batch.clear();
            }
        }
        return Outcome.ok("INV-3").withEntryNum(commands.size());
    }

    /**
     * INV-2 (arm_vsmmu_convert_user_cmd): TLBI_NH_* get the vIOMMU's VMID; TLBI_NSNH_ALL becomes
     * TLBI_NH_ALL with that VMID and nothing else; ATC_INV and CFGI_CD* get the physical stream ID
     * of the VDEVICE whose virtual ID they carry. Returns null for EIO (unknown virtual ID, or any
     * other opcode).
     */
    protected Cmd inv2_convert(Ctx c, int viommuId, int vmid, Cmd cmd) {
        switch (cmd.opcode()) {
            case Cmd.TLBI_NH_ALL:
            case Cmd.TLBI_NH_ASID:
            case Cmd.TLBI_NH_VA:
            case Cmd.TLBI_NH_VAA:
                return cmd.withVmid(vmid);
            case Cmd.TLBI_NSNH_ALL:
                return new Cmd(Cmd.TLBI_NH_ALL, 0).withVmid(vmid);
            case Cmd.ATC_INV:
            case Cmd.CFGI_CD:
            case Cmd.CFGI_CD_ALL:
                Obj vdev = vdev1_find(c, viommuId, cmd.sid());
                if (vdev == null) return null;
                long streamId = platform.device(c.objects.get(vdev.device()).device()).streamId();
                return new Cmd((cmd.word0() & ~Cmd.SID_MASK) | (streamId << 32), cmd.word1());
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- KVM

    /** KVM-1: a new VM has no VMID. */
    @Override
    public Outcome kvmVmCreate(Op.KvmVmCreate op) {
        return Outcome.ok(kvm.kvm1_create(), "KVM-1");
    }

    /** KVM-7: unknown → ENOENT; bound to a context → EBUSY; else its CPUs stop and it is gone. */
    @Override
    public Outcome kvmVmDestroy(Op.KvmVmDestroy op) {
        require(kvm.vms.containsKey(op.vm()), ENOENT, "KVM-7");
        require(kvm8_boundContext(op.vm()) == 0, EBUSY, "KVM-7");
        kvm.kvm7_destroy(op.vm());
        return Outcome.ok("KVM-7");
    }

    /** KVM-8 KVM_BIND: vm unknown → ENOENT; context already bound or VM already bound → EBUSY. */
    @Override
    public Outcome kvmBind(Op.KvmBind op) {
        Ctx c = obj1_context(op.ctx());
        require(kvm.vms.containsKey(op.vm()), ENOENT, "KVM-8");
        require(c.vm == 0, EBUSY, "KVM-8");
        require(kvm8_boundContext(op.vm()) == 0, EBUSY, "KVM-8");
        c.vm = op.vm();
        return Outcome.ok("KVM-8");
    }

    /** KVM-8: the context a VM is bound to (0: none). */
    private int kvm8_boundContext(int vm) {
        for (Ctx c : contexts.values())
            if (c.vm == vm) return c.number;
        return 0;
    }

    /** KVM-2 VCPU_LOAD: vm unknown → ENOENT; cpu out of range → EINVAL. */
    @Override
    public Outcome vcpuLoad(Op.VcpuLoad op) {
        require(kvm.vms.containsKey(op.vm()), ENOENT, "KVM-2");
        require(op.cpu() >= 0 && op.cpu() < kvm.cpus(), EINVAL, "KVM-2");
        kvm.kvm2_load(op.vm(), op.cpu());
        return Outcome.ok("KVM-2");
    }

    /** KVM-2 VCPU_PUT: cpu out of range → EINVAL. */
    @Override
    public Outcome vcpuPut(Op.VcpuPut op) {
        require(op.cpu() >= 0 && op.cpu() < kvm.cpus(), EINVAL, "KVM-2");
        kvm.kvm2_put(op.cpu());
        return Outcome.ok("KVM-2");
    }

    // ---------------------------------------------------------------- OBS

    /** Exploration prunes on the whole state, hidden cursors included (see the contract). */
    @Override
    public Object stateFingerprint() {
        return dev.nestcheck.spec.StateFingerprint.of(this);
    }

    /**
     * OBS-2, OBS-4 (IOAS areas). Bindings are found in one pass over the objects. The maps are built
     * once, immutable (Snapshot copies any other kind): the harness takes a snapshot every step.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Snapshot snapshot() {
        List<Map.Entry<Integer, Snapshot.Context>> contextsOut = new ArrayList<>();
        int[][] bound = new int[platform.devices().size()][]; // platform device → (ctx, DEVICE ID)
        for (Ctx c : contexts.values()) {
            List<Map.Entry<Integer, Snapshot.Obj>> objects = new ArrayList<>(c.objects.size());
            c.objects.forEach((id, o) -> {
                objects.add(Map.entry(id, o.toSnapshot(o.kind() == IOAS ? c.areas.get(id) : null)));
                if (o.kind() == DEVICE) bound[o.device()] = new int[] {c.number, id};
            });
            contextsOut.add(Map.entry(c.number,
                    new Snapshot.Context(Map.ofEntries(objects.toArray(new Map.Entry[0])), c.tombstones, c.vm)));
        }
        List<Snapshot.Device> devices = new ArrayList<>();
        for (int d = 0; d < platform.devices().size(); d++) {
            int[] b = bound[d] == null ? new int[2] : bound[d];
            Attachment att = attachments.get(d);
            devices.add(new Snapshot.Device(b[0], b[1], att == null ? 0 : att.hwpt(), ste(d)));
        }
        List<Snapshot.Smmu> smmus = new ArrayList<>();
        for (int s = 0; s < platform.smmus().size(); s++)
            smmus.add(new Snapshot.Smmu(vmids.get(s), tlb.get(s)));
        return new Snapshot(Map.ofEntries(contextsOut.toArray(new Map.Entry[0])), devices, smmus, kvm.snapshot());
    }
}
