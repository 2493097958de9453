/*
 * kvm_vmid.h - a generation-based KVM VMID allocator, written for nestcheck from its rule
 * catalogue (RULES.md, KVM-1..KVM-8), with pinning (KVM-5, KVM-6). Userspace C, no kernel code.
 *
 * A VMID is (generation, index). Index 0 is never handed out. A VM keeps its index while its
 * generation is current; when no index is free, a rollover starts a new generation in which only
 * the indices the CPUs run (or, for a CPU idle since the last rollover, the one it reserved
 * then) and the pinned indices stay taken.
 */
#ifndef KVM_VMID_H
#define KVM_VMID_H

#include <stdint.h>

struct kvm_vmid {
    uint64_t generation;   /* 0: never had one */
    uint32_t index;
};

struct kvm_vm_slot {
    int live;
    struct kvm_vmid id;
    unsigned pins;
};

struct kvm_cpu_slot {
    struct kvm_vmid active;    /* what it runs now, {0,0} when nothing happened since the last rollover */
    struct kvm_vmid reserved;  /* what it ran at the last rollover */
    int running;               /* the VM it runs, 0 for none */
};

struct kvm_vmid_allocator {
    unsigned cpus;
    uint32_t indices;          /* 2^bits, index 0 included */
    uint64_t generation;       /* starts at 1 */
    unsigned rollovers;
    uint32_t next_fit;         /* where the search for a free index starts */
    uint64_t *in_use;          /* bitmap over indices, this generation */
    struct kvm_cpu_slot *cpu;
    struct kvm_vm_slot *vm;    /* vm[1..vms] (vm[0] unused) */
    int vms, vm_cap;
};

/* Returns 0, or -EINVAL when 2^bits - 1 <= cpus (PLAT-3) or bits is out of 1..16, or -ENOMEM. */
int kvm_vmid_init(struct kvm_vmid_allocator *a, unsigned cpus, unsigned bits);
void kvm_vmid_destroy(struct kvm_vmid_allocator *a);

/* Each returns 0 (or a value > 0 where said) or a negative errno. */
int kvm_vm_create(struct kvm_vmid_allocator *a);                 /* the new VM's number, 1, 2, ... */
int kvm_vm_destroy(struct kvm_vmid_allocator *a, int vm);        /* -ENOENT, -EBUSY when pinned */
int kvm_vcpu_load(struct kvm_vmid_allocator *a, int vm, int cpu); /* -ENOENT, -EINVAL */
int kvm_vcpu_put(struct kvm_vmid_allocator *a, int cpu);         /* -EINVAL */
int kvm_vm_pin(struct kvm_vmid_allocator *a, int vm);            /* the pinned index; -ENOENT, -ENOSPC */
int kvm_vm_unpin(struct kvm_vmid_allocator *a, int vm);          /* -ENOENT, -EINVAL when not pinned */

#endif
