package dev.nestcheck.impl;

import dev.nestcheck.spec.Snapshot;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/** One open /dev/iommu (OBJ-1): its objects in an array indexed by ID, its tombstones. */
final class Context {
    final int number;
    final ObjectIdAllocator ids = new ObjectIdAllocator();
    private IommufdObject[] objects = new IommufdObject[16];
    final BitSet tombstones = new BitSet();
    int live;
    /** Per SMMU: the nest parents of this context there (VMID-6). */
    final int[] nestParents;
    /** ICTX: per SMMU the pair's VMID, 0 when none. */
    final int[] ictxVmid;
    /** KVM-8: the VM this context is bound to, or null. */
    KvmVm kvm;
    private transient Snapshot.Context cached; // derived, not state

    Context(int number, int smmus) {
        this.number = number;
        this.nestParents = new int[smmus];
        this.ictxVmid = new int[smmus];
    }

    /** The live object with this ID, or null (unknown, freed or tombstoned). */
    IommufdObject get(int id) {
        return id > 0 && id < objects.length ? objects[id] : null;
    }

    /** Takes the lowest free ID for a new object; call only once the operation can no longer fail. */
    int nextId() {
        return ids.allocate();
    }

    void add(IommufdObject o) {
        if (o.id >= objects.length) objects = Arrays.copyOf(objects, Math.max(o.id + 1, objects.length * 2));
        objects[o.id] = o;
        live++;
        cached = null;
    }

    /** Removes a live object; its ID becomes free, or stays reserved as a tombstone. */
    void remove(IommufdObject o, boolean tombstone) {
        objects[o.id] = null;
        live--;
        if (tombstone) tombstones.set(o.id);
        else ids.release(o.id);
        cached = null;
    }

    /** An exclusive bound for IDs in use, for scans in increasing ID order. */
    int idLimit() {
        return Math.min(objects.length, ids.limit());
    }

    void changed() {
        cached = null;
    }

    Snapshot.Context snapshot() {
        Snapshot.Context c = cached;
        if (c == null) {
            // Built immutable once, so the record's Map.copyOf does not copy again.
            @SuppressWarnings("unchecked")
            Map.Entry<Integer, Snapshot.Obj>[] objs = new Map.Entry[live];
            int n = 0;
            int limit = idLimit();
            for (int i = 1; i < limit; i++) {
                IommufdObject o = objects[i];
                if (o != null) objs[n++] = Map.entry(i, o.snapshot());
            }
            Integer[] tomb = tombstones.stream().boxed().toArray(Integer[]::new);
            c = new Snapshot.Context(Map.ofEntries(objs), Set.of(tomb), kvm == null ? 0 : kvm.number);
            cached = c;
        }
        return c;
    }
}
