package dev.nestcheck.model;

import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * KVM-1..KVM-7: the arm64 KVM VMID allocator ({@code arch/arm64/kvm/vmid.c}) as sequential
 * semantics, plus the pinned-VMID RFC (2025) for KVM-5. One step at a time, so the kernel's
 * fast path, locks and atomics collapse into plain reads and writes. Errnos are decided by
 * {@link ReferenceModel}; this class only moves the allocator's state.
 *
 * <p>Public and not final, with a few protected members, so that the suite's own tests can break one
 * KVM rule at a time (properties/src/test/.../mutants) through {@link ReferenceModel#newKvmVmids}.
 */
public class KvmVmids {
    /** KVM-1: a VMID is (generation, index). */
    protected record Vmid(long generation, int index) {
    }

    /** KVM-1: a VM that never had a VMID (the kernel's id 0). Also a CPU's initial active/reserved slot. */
    protected static final Vmid NONE = new Vmid(0, 0);

    /**
     * KVM-2: what VCPU_PUT leaves in the CPU's active slot (vmid.c VMID_ACTIVE_INVALID: index 0 of
     * generation 1). It is not NONE, so a rollover reserves its index 0, i.e. nothing.
     */
    static final Vmid ACTIVE_INVALID = new Vmid(1, 0);

    /** A live KVM VM: its VMID and its pin count (KVM-5). */
    protected static final class Vm {
        Vmid id = NONE;
        public int pins;
    }

    private final KvmSpec spec;
    final TreeMap<Integer, Vm> vms = new TreeMap<>();
    private int nextVm = 1;
    /** KVM generations start at 1 (contract); each rollover adds 1. */
    private long generation = 1;
    private int rollovers;
    /** vmid_map: the indices in use in this generation. */
    private final TreeSet<Integer> used = new TreeSet<>();
    /** cur_idx: where the next-fit search starts (KVM-3). */
    private int curIdx = 1;
    /** Per CPU: active_vmids, reserved_vmids, and the VM it runs (0: none). */
    private final List<Vmid> active = new ArrayList<>();
    protected final List<Vmid> reserved = new ArrayList<>();
    private final List<Integer> running = new ArrayList<>();

    protected KvmVmids(KvmSpec spec) {
        this.spec = spec;
        for (int cpu = 0; cpu < spec.cpus(); cpu++) {
            active.add(NONE);
            reserved.add(NONE);
            running.add(0);
        }
    }

    int cpus() {
        return spec.cpus();
    }

    /** KVM-1, OBJ-0: VMs are numbered 1, 2, ... and start without a VMID. */
    int kvm1_create() {
        int vm = nextVm++;
        vms.put(vm, new Vm());
        return vm;
    }

    /**
     * KVM-2 VCPU_LOAD. The CPU first stops running what it ran (as VCPU_PUT: in the kernel the old
     * vCPU's put precedes the new one's kvm_arm_vmid_update). A VM of the current generation keeps
     * its VMID; otherwise it gets one (KVM-3). The CPU then runs it.
     */
    void kvm2_load(int vm, int cpu) {
        kvm2_put(cpu);
        kvm2_update(vm, cpu);
    }

    /**
     * KVM-2 without the put: kvm_arm_vmid_update alone. What the CPU ran stays in its active slot until
     * the VM's VMID is settled, so a rollover on the way reserves it (KVM-4). The allocator-level
     * concurrency checks use this as {@code load} ({@link KvmAllocatorModel}).
     */
    void kvm2_update(int vm, int cpu) {
        Vm v = vms.get(vm);
        if (v.id.generation() != generation) kvm3_newVmid(v);
        active.set(cpu, v.id);
        running.set(cpu, vm);
    }

    /** KVM-2 VCPU_PUT: kvm_arm_vmid_clear_active. */
    void kvm2_put(int cpu) {
        active.set(cpu, ACTIVE_INVALID);
        running.set(cpu, 0);
    }

    /**
     * KVM-3 (new_vmid): keep the old index if a CPU reserved it (updating every such reservation
     * to the new generation), if the VM is pinned, or if it is still free in this generation;
     * else next-fit from cur_idx upward, without wrapping; none free → rollover (KVM-4) and take
     * the lowest free index from 1.
     */
    protected void kvm3_newVmid(Vm v) {
        if (!v.id.equals(NONE)) {
            Vmid renewed = new Vmid(generation, v.id.index());
            if (kvm3_updateReserved(v.id, renewed)) {
                v.id = renewed;
                return;
            }
            // KVM-3 (pinned-VMID RFC): a pinned VM keeps its index. The RFC returns the renewed VMID
            // without storing it in the VM; we store it, as KVM-3 says "in the new generation".
            if (v.pins > 0) {
                v.id = renewed;
                return;
            }
            if (!used.contains(v.id.index())) {
                used.add(v.id.index());
                v.id = renewed;
                return;
            }
        }
        Integer index = kvm3_nextFree(curIdx);
        if (index == null) {
            kvm4_rollover();
            index = kvm3_nextFree(1);
        }
        used.add(index);
        curIdx = index;
        v.id = new Vmid(generation, index);
    }

    /** KVM-3 (check_update_reserved_vmid): every CPU that reserved {@code old} now reserves {@code renewed}. */
    private boolean kvm3_updateReserved(Vmid old, Vmid renewed) {
        boolean hit = false;
        for (int cpu = 0; cpu < reserved.size(); cpu++) {
            if (reserved.get(cpu).equals(old)) {
                reserved.set(cpu, renewed);
                hit = true;
            }
        }
        return hit;
    }

    /** KVM-3 (find_next_zero_bit): the lowest unused index >= from, or null. */
    private Integer kvm3_nextFree(int from) {
        for (int index = from; index < spec.indexCount(); index++)
            if (!used.contains(index)) return index;
        return null;
    }

    /**
     * KVM-4 (flush_context): generation + 1; the in-use set becomes the pinned indices plus, per
     * CPU, the index it runs, or, when its active slot is 0 (it did nothing since the last
     * rollover), the one it reserved then. Index 0 (a CPU running nothing) is never handed out,
     * so it is not recorded.
     */
    protected void kvm4_rollover() {
        generation++;
        rollovers++;
        used.clear();
        used.addAll(kvm5_pinnedIndices());
        for (int cpu = 0; cpu < active.size(); cpu++) {
            Vmid vmid = active.get(cpu);
            active.set(cpu, NONE);
            if (vmid.equals(NONE)) vmid = reserved.get(cpu);
            if (vmid.index() != 0) used.add(vmid.index());
            reserved.set(cpu, vmid);
        }
    }

    /**
     * KVM-5 PIN (kvm_arm_pinned_vmid_get): already pinned → one more pin, same index; as many
     * pinned VMs as the cap (2^kvmVmidBits - cpus - 2) → fails (returns 0, nothing changed);
     * a VM without a VMID of this generation gets one first (which may roll over).
     */
    protected int kvm5_pin(int vm) {
        Vm v = vms.get(vm);
        if (v.pins > 0) {
            v.pins++;
            return v.id.index();
        }
        if (kvm5_pinnedIndices().size() >= spec.pinCap()) return 0;
        if (v.id.generation() != generation) kvm3_newVmid(v);
        v.pins = 1;
        return v.id.index();
    }

    /** KVM-5 UNPIN: at 0 the index stays in the in-use set until the next rollover. */
    void kvm5_unpin(int vm) {
        vms.get(vm).pins--;
    }

    /** KVM-5, KVM-6: pinned_vmid_map, derived from the VMs' pin counts. */
    private TreeSet<Integer> kvm5_pinnedIndices() {
        TreeSet<Integer> pinned = new TreeSet<>();
        for (Vm v : vms.values())
            if (v.pins > 0) pinned.add(v.id.index());
        return pinned;
    }

    /** KVM-7: every CPU running the VM stops, as by VCPU_PUT; no VMID is freed. */
    void kvm7_destroy(int vm) {
        for (int cpu = 0; cpu < running.size(); cpu++)
            if (running.get(cpu) == vm) kvm2_put(cpu);
        vms.remove(vm);
    }

    /** OBS-2: each VM's (generation, index) and pins, each CPU's VM, the rollover count. */
    protected Snapshot.Kvm snapshot() {
        TreeMap<Integer, Snapshot.Vm> out = new TreeMap<>();
        vms.forEach((n, v) -> out.put(n, new Snapshot.Vm(v.id.generation(), v.id.index(), v.pins)));
        return new Snapshot.Kvm(out, running, rollovers);
    }
}
