package dev.nestcheck.impl;

import dev.nestcheck.impl.kvm.GenerationalVmidAllocator;

/** A live KVM VM (OBJ-0 numbering), its VMID in the KVM allocator and its binding (KVM-8). */
final class KvmVm {
    final int number;
    final GenerationalVmidAllocator.VmVmid vmid;
    /** The context bound to it (KVM-8), or null. */
    Context boundCtx;

    KvmVm(int number, GenerationalVmidAllocator.VmVmid vmid) {
        this.number = number;
        this.vmid = vmid;
    }
}
