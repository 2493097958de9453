package dev.nestcheck.impl;

import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Snapshot;

import java.util.HashMap;

/**
 * One live iommufd object of a context. A single class with per-kind fields rather than a
 * hierarchy: the hot paths switch on {@link #kind} and read fields directly.
 *
 * <p>{@link #users} counts everything that references this object (OBJ-2), kept
 * incrementally: +1 when a referencing object is created or a device attaches, -1 when it
 * goes away or the device detaches or replaces. A DEVICE keeps no count (its VDEVICE is
 * not counted): nothing would read it, since DESTROY refuses a DEVICE whatever references
 * it (OBJ-3) and UNBIND and close remove it directly (OBJ-5, OBJ-7).
 */
final class IommufdObject {
    final int id;
    final ObjectKind kind;
    final Context ctx;
    /** The SMMU this object belongs to, -1 for an IOAS. */
    final int smmu;
    /** OBJ-2 target: HWPT_PAGING → IOAS, VIOMMU → parent, HWPT_NESTED and VDEVICE → vIOMMU. */
    final IommufdObject ref;
    int users;

    /** DEVICE: the platform device. Else -1. */
    int device = -1;

    /** HWPT_PAGING: a stage-2 nest parent. */
    boolean nestParent;
    /**
     * HWPT_PAGING nest parent: the VMID its direct S2 STEs carry. VIOMMU: the VMID its nested
     * STEs and converted invalidations carry. Both as the policy gives them (VMID-4).
     */
    int vmid;
    /** KVM_PINNED nest parent: the VM whose KVM VMID it pinned. */
    KvmVm pinnedVm;

    /** VIOMMU: its VDEVICEs by virtual ID (VDEV-1, INV-2). */
    HashMap<Long, IommufdObject> vdevs;

    /** HWPT_NESTED: the stored vSTE (NEST-2), its Config and ATS (NEST-2.5). */
    long vste0, vste1;
    int config;
    boolean ats;

    /** VDEVICE: virtual ID and its DEVICE object. */
    long virtId;
    IommufdObject deviceObj;

    /** IOAS: its areas (MAP-1) and its nest parents in increasing ID order (S2INV-2). */
    IoasAreas areas;
    java.util.ArrayList<IommufdObject> nestParents;

    /** HWPT_PAGING nest parent: its invalidation array (S2INV-1). */
    InvalidationArray inv;

    private transient Snapshot.Obj snap; // derived, not state

    IommufdObject(int id, ObjectKind kind, Context ctx, int smmu, IommufdObject ref) {
        this.id = id;
        this.kind = kind;
        this.ctx = ctx;
        this.smmu = smmu;
        this.ref = ref;
    }

    /** An IOAS's areas changed: its record is built again. */
    void areasChanged() {
        snap = null;
    }

    /** Every field the snapshot shows is fixed at creation, except an IOAS's areas ({@link #areasChanged}). */
    Snapshot.Obj snapshot() {
        Snapshot.Obj s = snap;
        if (s == null) {
            int dev;
            switch (kind) {
                case DEVICE: dev = device; break;
                case VDEVICE: dev = deviceObj.id; break;
                default: dev = -1;
            }
            s = new Snapshot.Obj(kind, ref == null ? 0 : ref.id, smmu, nestParent, vste0, vste1, virtId, dev,
                    areas == null ? java.util.List.of() : areas.snapshot());
            snap = s;
        }
        return s;
    }
}
