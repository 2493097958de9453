package dev.nestcheck.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OBS-2: the observable state after a step. Maps and sets are compared by content, so
 * implementations may build them with any collection; iteration order is not part of the
 * contract. SMMU VMIDs are compared up to a renaming per SMMU (VMID-2); everything else
 * exactly.
 */
public record Snapshot(Map<Integer, Context> contexts, List<Device> devices, List<Smmu> smmus, Kvm kvm) {
    public Snapshot {
        contexts = Map.copyOf(contexts);
        devices = List.copyOf(devices);
        smmus = List.copyOf(smmus);
    }

    /** An open context: its live objects by ID, its tombstoned IDs (OBJ-5), its VM (0: none). */
    public record Context(Map<Integer, Obj> objects, Set<Integer> tombstones, int kvmVm) {
        public Context {
            objects = Map.copyOf(objects);
            tombstones = Set.copyOf(tombstones);
        }
    }

    /**
     * A live object and the fields the rules name. {@code ref} is the object it references
     * per OBJ-2 (HWPT_PAGING: its IOAS; VIOMMU: its parent; HWPT_NESTED and VDEVICE: the
     * vIOMMU), else 0. {@code smmu} is the SMMU it belongs to (-1 for an IOAS).
     * {@code device}: for a DEVICE the platform device, for a VDEVICE its DEVICE object ID,
     * else -1. {@code vste0/vste1}: the stored vSTE of a HWPT_NESTED (NEST-2), else 0.
     * {@code virtId}: a VDEVICE's virtual ID, else 0. {@code areas} (OBS-4, rules v2): an IOAS's
     * mapped areas (MAP-1), else empty; kept sorted by first page, so the order in which an
     * implementation lists them does not matter.
     */
    public record Obj(ObjectKind kind, int ref, int smmu, boolean nestParent, long vste0, long vste1,
                      long virtId, int device, List<Area> areas) {
        public Obj {
            if (areas == null || areas.isEmpty()) {
                areas = List.of();
            } else {
                Area[] sorted = areas.toArray(new Area[0]);
                java.util.Arrays.sort(sorted, java.util.Comparator.comparingLong(Area::iova));
                areas = List.of(sorted);
            }
        }

        /** The v1 shape: no areas (an IOAS without mappings, or any other object). */
        public Obj(ObjectKind kind, int ref, int smmu, boolean nestParent, long vste0, long vste1,
                   long virtId, int device) {
            this(kind, ref, smmu, nestParent, vste0, vste1, virtId, device, List.of());
        }
    }

    /** MAP-1, OBS-4: one mapped area of an IOAS, {@code pages} pages from page {@code iova} (PLAT-6). */
    public record Area(long iova, long pages) {
        public Area {
            if (pages < 1) throw new IllegalArgumentException("an area has at least one page, got " + pages);
        }

        /** One past the last page. */
        public long end() {
            return iova + pages;
        }
    }

    /**
     * A platform device: the context it is bound to (0: none), its DEVICE object ID (0),
     * the attached HWPT ID (0: blocked or detached) and its STE.
     */
    public record Device(int ctx, int objectId, int attached, Ste ste) {
    }

    /** STE-1..5: kind, VMID, the guest's S1ContextPtr (NESTED only, else 0) and ATS. */
    public record Ste(SteKind kind, int vmid, long s1ContextPtr, boolean ats) {
        public static final Ste ABORT = new Ste(SteKind.ABORT, 0, 0, false);
    }

    /** Per SMMU: the VMIDs in use, each with its owner (VMID-4), and the TLB set (TLB-1). */
    public record Smmu(Map<Integer, Owner> vmids, Set<Integer> tlb) {
        public Smmu {
            vmids = Map.copyOf(vmids);
            tlb = Set.copyOf(tlb);
        }
    }

    /**
     * VMID-4: who owns a VMID. HWPT: a nest parent (ctx, its ID); VIOMMU: a vIOMMU (ctx, its
     * ID); ICTX: a context (ctx, id 0) on that SMMU; KVM: a KVM VM (ctx 0, id = VM number).
     */
    public record Owner(OwnerKind kind, int ctx, int id) {
        @Override
        public String toString() {
            switch (kind) {
                case ICTX: return "ctx" + ctx;
                case KVM: return "vm" + id;
                default: return kind.name().toLowerCase() + "(ctx" + ctx + "#" + id + ")";
            }
        }
    }

    public enum OwnerKind { HWPT, VIOMMU, ICTX, KVM }

    /**
     * KVM (OBS-2): each live VM's VMID and pin count; per CPU the VM it runs (0: none); the
     * number of rollovers so far.
     */
    public record Kvm(Map<Integer, Vm> vms, List<Integer> cpuRunning, int rollovers) {
        public Kvm {
            vms = Map.copyOf(vms);
            cpuRunning = List.copyOf(cpuRunning);
        }
    }

    /** KVM-1: (generation, index); a VM that never had a VMID has (0, 0). */
    public record Vm(long generation, int index, int pins) {
    }
}
