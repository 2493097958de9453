package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One SMMU's VMID pool (VMID-1..5) and TLB set (TLB-1..3). Both are {@link VmidBitmap}s of
 * 2^vmidBits bits (8 KiB each at 16 bits); owners sit in an array indexed by VMID that
 * grows on demand, so small platforms stay small.
 */
final class SmmuState {
    final int id;
    final SmmuSpec spec;
    private final VmidBitmap pool;
    private final VmidBitmap tlb;
    private Snapshot.Owner[] owners = new Snapshot.Owner[16];
    private transient Snapshot.Smmu cached; // derived, not state

    SmmuState(SmmuSpec spec) {
        this.id = spec.id();
        this.spec = spec;
        this.pool = new VmidBitmap(spec.maxVmid() + 1);
        this.pool.set(0); // VMID-1: 0 is reserved (STE-5)
        this.tlb = new VmidBitmap(spec.maxVmid() + 1);
    }

    /** VMID-3: a free VMID for this owner, or 0 when the pool is exhausted. */
    int allocate(Snapshot.Owner owner) {
        int v = pool.allocateFrom(1);
        if (v < 0) return 0;
        // TLB-3 holds by construction: a released VMID left the TLB set at release.
        setOwner(v, owner);
        return v;
    }

    /** KVM_PINNED: takes exactly v (the VM's pinned KVM index). */
    void claim(int v, Snapshot.Owner owner) {
        if (v < 1 || v > spec.maxVmid() || !pool.set(v))
            throw new IllegalStateException("smmu" + id + ": pinned KVM VMID " + v + " is not free (KVM-6 violated?)");
        setOwner(v, owner);
    }

    /**
     * VMID-5: TLBI_S12_VMALL(v) and CMD_SYNC to this SMMU (unless {@code flush} is false: the
     * operation already issued v's last-user flush), v leaves the TLB set (TLB-2), then v goes
     * back to the pool.
     */
    void release(int v, List<Issued> issued, boolean flush) {
        if (flush) {
            issued.add(new Issued(id, Cmd.tlbiS12Vmall(v)));
            issued.add(new Issued(id, Cmd.sync()));
        }
        tlb.clear(v);
        if (!pool.clear(v)) throw new IllegalStateException("smmu" + id + ": VMID " + v + " released twice");
        owners[v] = null;
        cached = null;
    }

    /** S2INV-3: v lost its last user on its nest parent: TLBI_S12_VMALL(v), CMD_SYNC, v leaves the TLB set. */
    void flushLastUser(int v, List<Issued> issued) {
        issued.add(new Issued(id, Cmd.tlbiS12Vmall(v)));
        issued.add(new Issued(id, Cmd.sync()));
        if (tlb.clear(v)) cached = null;
    }

    /** TLB-1: an S2 or NESTED STE with v was installed. */
    void installed(int v) {
        if (tlb.set(v)) cached = null;
    }

    private void setOwner(int v, Snapshot.Owner owner) {
        if (v >= owners.length) owners = Arrays.copyOf(owners, Math.max(v + 1, Math.min(owners.length * 2, spec.maxVmid() + 1)));
        owners[v] = owner;
        cached = null;
    }

    Snapshot.Smmu snapshot() {
        Snapshot.Smmu s = cached;
        if (s == null) {
            @SuppressWarnings("unchecked")
            Map.Entry<Integer, Snapshot.Owner>[] vm = new Map.Entry[pool.count() - 1];
            int[] k = {0};
            pool.forEachSet(v -> {
                if (v != 0) vm[k[0]++] = Map.entry(v, owners[v]);
            });
            Integer[] t = new Integer[tlb.count()];
            int[] j = {0};
            tlb.forEachSet(v -> t[j[0]++] = v);
            s = new Snapshot.Smmu(Map.ofEntries(vm), Set.of(t));
            cached = s;
        }
        return s;
    }
}
