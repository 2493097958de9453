package dev.nestcheck.model;

import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Snapshot;

/**
 * The KVM VMID allocator's sequential semantics ({@link KvmVmids}, KVM-1..KVM-7) with the allocator's own
 * operations, for checks that drive an allocator directly rather than through {@link ReferenceModel}'s
 * operations: {@code load} is {@code kvm_arm_vmid_update} (KVM-2 without the put that precedes it in
 * VCPU_LOAD), {@code put} is {@code kvm_arm_vmid_clear_active}, and pins are counted per VM (KVM-5).
 * Nothing here decides an errno: callers pass live VMs and CPUs in range, and unpin only pinned VMs.
 */
public final class KvmAllocatorModel {
    private final KvmVmids kvm;

    public KvmAllocatorModel(KvmSpec spec) {
        this.kvm = new KvmVmids(spec);
    }

    /** KVM-1: a new VM (numbered 1, 2, ...) without a VMID. */
    public int create() {
        return kvm.kvm1_create();
    }

    /** KVM-2/KVM-3/KVM-4: kvm_arm_vmid_update; the CPU then runs the VM's VMID of the current generation. */
    public void load(int vm, int cpu) {
        kvm.kvm2_update(vm, cpu);
    }

    /** KVM-2 VCPU_PUT. */
    public void put(int cpu) {
        kvm.kvm2_put(cpu);
    }

    /** KVM-5 PIN: the pinned index, or 0 when the pin cap is reached (nothing changes then). */
    public int pin(int vm) {
        return kvm.kvm5_pin(vm);
    }

    /** KVM-5 UNPIN of a pinned VM. */
    public void unpin(int vm) {
        kvm.kvm5_unpin(vm);
    }

    /** OBS-2: each VM's (generation, index) and pins, each CPU's VM, the rollover count. */
    public Snapshot.Kvm snapshot() {
        return kvm.snapshot();
    }
}
