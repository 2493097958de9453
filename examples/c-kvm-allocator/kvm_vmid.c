/*
 * kvm_vmid.c - see kvm_vmid.h. Each function cites the rule of RULES.md it follows.
 *
 * Build with -DBUG=ROLLOVER_FORGETS_RUNNING or -DBUG=ROLLOVER_FORGETS_PINNED for a broken
 * allocator that nestcheck must catch (examples/c-kvm-allocator/README.md).
 */
#include "kvm_vmid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ROLLOVER_FORGETS_RUNNING 1   /* a rollover keeps no CPU's index: a running VM's index is handed out again */
#define ROLLOVER_FORGETS_PINNED 2    /* a rollover drops the pinned indices: a pinned index is handed out again */
#ifndef BUG
#define BUG 0
#endif

static const struct kvm_vmid NOTHING = {0, 0};
/* After a put the CPU's slot holds index 0 of generation 1: "something happened since the last
 * rollover", so a rollover reserves index 0 for it, i.e. nothing (KVM-2, KVM-4). */
static const struct kvm_vmid PUT_MARK = {1, 0};

static int same(struct kvm_vmid x, struct kvm_vmid y)
{
    return x.generation == y.generation && x.index == y.index;
}

static int test_bit(const uint64_t *map, uint32_t i)
{
    return (int)((map[i / 64] >> (i % 64)) & 1);
}

static void set_bit(uint64_t *map, uint32_t i)
{
    map[i / 64] |= (uint64_t)1 << (i % 64);
}

static size_t map_words(const struct kvm_vmid_allocator *a)
{
    return (a->indices + 63) / 64;
}

int kvm_vmid_init(struct kvm_vmid_allocator *a, unsigned cpus, unsigned bits)
{
    memset(a, 0, sizeof *a);
    if (bits < 1 || bits > 16 || cpus < 1 || (1u << bits) - 1 <= cpus)   /* PLAT-3 */
        return -EINVAL;
    a->cpus = cpus;
    a->indices = 1u << bits;
    a->generation = 1;   /* generations start at 1 (the contract) */
    a->next_fit = 1;
    a->in_use = calloc(map_words(a), sizeof *a->in_use);
    a->cpu = calloc(cpus, sizeof *a->cpu);
    if (!a->in_use || !a->cpu) {
        kvm_vmid_destroy(a);
        return -ENOMEM;
    }
    return 0;
}

void kvm_vmid_destroy(struct kvm_vmid_allocator *a)
{
    free(a->in_use);
    free(a->cpu);
    free(a->vm);
    memset(a, 0, sizeof *a);
}

static struct kvm_vm_slot *find(struct kvm_vmid_allocator *a, int vm)
{
    return vm >= 1 && vm <= a->vms && a->vm[vm].live ? &a->vm[vm] : NULL;
}

/* KVM-1, OBJ-0: VMs are numbered 1, 2, ... and never reused; a new VM has no VMID. */
int kvm_vm_create(struct kvm_vmid_allocator *a)
{
    if (a->vms + 1 >= a->vm_cap) {
        int cap = a->vm_cap ? a->vm_cap * 2 : 16;
        struct kvm_vm_slot *v = realloc(a->vm, (size_t)cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        memset(v + a->vm_cap, 0, (size_t)(cap - a->vm_cap) * sizeof *v);
        a->vm = v;
        a->vm_cap = cap;
    }
    a->vms++;
    a->vm[a->vms].live = 1;
    return a->vms;
}

/* KVM-4: the new generation; only running (or reserved) and pinned indices stay taken. */
static void rollover(struct kvm_vmid_allocator *a)
{
    a->generation++;
    a->rollovers++;
    memset(a->in_use, 0, map_words(a) * sizeof *a->in_use);
#if BUG != ROLLOVER_FORGETS_PINNED
    for (int v = 1; v <= a->vms; v++)
        if (a->vm[v].live && a->vm[v].pins)
            set_bit(a->in_use, a->vm[v].id.index);
#endif
    for (unsigned c = 0; c < a->cpus; c++) {
        struct kvm_vmid keep = a->cpu[c].active;
        if (same(keep, NOTHING))           /* idle since the last rollover: its reservation stands */
            keep = a->cpu[c].reserved;
#if BUG != ROLLOVER_FORGETS_RUNNING
        if (keep.index != 0)
            set_bit(a->in_use, keep.index);
#endif
        a->cpu[c].reserved = keep;
        a->cpu[c].active = NOTHING;
    }
}

/* The lowest free index at or above from, or 0. */
static uint32_t next_free(const struct kvm_vmid_allocator *a, uint32_t from)
{
    for (uint32_t i = from; i < a->indices; i++)
        if (!test_bit(a->in_use, i))
            return i;
    return 0;
}

/* KVM-3: a VMID for a VM whose generation is not current. */
static void new_vmid(struct kvm_vmid_allocator *a, struct kvm_vm_slot *vm)
{
    if (!same(vm->id, NOTHING)) {
        struct kvm_vmid renewed = {a->generation, vm->id.index};
        int reserved = 0;
        for (unsigned c = 0; c < a->cpus; c++) {
            if (same(a->cpu[c].reserved, vm->id)) {   /* a CPU reserved it: it carries over */
                a->cpu[c].reserved = renewed;
                reserved = 1;
            }
        }
        if (reserved || vm->pins) {                  /* reserved, or pinned (KVM-6) */
            vm->id = renewed;
            return;
        }
        if (!test_bit(a->in_use, vm->id.index)) {    /* still free in this generation */
            set_bit(a->in_use, vm->id.index);
            vm->id = renewed;
            return;
        }
    }
    uint32_t i = next_free(a, a->next_fit);          /* next fit, upwards, no wrap */
    if (i == 0) {
        rollover(a);
        i = next_free(a, 1);
    }
    set_bit(a->in_use, i);
    a->next_fit = i;
    vm->id.generation = a->generation;
    vm->id.index = i;
}

/* KVM-2: VCPU_PUT; the CPU runs nothing. */
int kvm_vcpu_put(struct kvm_vmid_allocator *a, int cpu)
{
    if (cpu < 0 || (unsigned)cpu >= a->cpus)
        return -EINVAL;
    a->cpu[cpu].active = PUT_MARK;
    a->cpu[cpu].running = 0;
    return 0;
}

/* KVM-2: VCPU_LOAD; whatever the CPU ran is put first, then the VM runs with a current VMID. */
int kvm_vcpu_load(struct kvm_vmid_allocator *a, int vm, int cpu)
{
    struct kvm_vm_slot *v = find(a, vm);
    if (!v)
        return -ENOENT;
    if (cpu < 0 || (unsigned)cpu >= a->cpus)
        return -EINVAL;
    kvm_vcpu_put(a, cpu);
    if (v->id.generation != a->generation)
        new_vmid(a, v);
    a->cpu[cpu].active = v->id;
    a->cpu[cpu].running = vm;
    return 0;
}

/* KVM-7: a pinned VM is in use (EBUSY); otherwise its CPUs put it and it is gone. No index is freed. */
int kvm_vm_destroy(struct kvm_vmid_allocator *a, int vm)
{
    struct kvm_vm_slot *v = find(a, vm);
    if (!v)
        return -ENOENT;
    if (v->pins)
        return -EBUSY;
    for (unsigned c = 0; c < a->cpus; c++)
        if (a->cpu[c].running == vm)
            kvm_vcpu_put(a, (int)c);
    v->live = 0;
    return 0;
}

/* KVM-5: at most 2^bits - cpus - 2 VMs pinned at once; a pin needs a current VMID. */
int kvm_vm_pin(struct kvm_vmid_allocator *a, int vm)
{
    struct kvm_vm_slot *v = find(a, vm);
    if (!v)
        return -ENOENT;
    if (v->pins) {
        v->pins++;
        return (int)v->id.index;
    }
    unsigned pinned = 0;
    for (int w = 1; w <= a->vms; w++)
        if (a->vm[w].live && a->vm[w].pins)
            pinned++;
    long cap = (long)a->indices - (long)a->cpus - 2;
    if ((long)pinned >= cap)
        return -ENOSPC;
    if (v->id.generation != a->generation)
        new_vmid(a, v);
    v->pins = 1;
    return (int)v->id.index;
}

/* KVM-5: one pin less; the index stays taken until the next rollover. */
int kvm_vm_unpin(struct kvm_vmid_allocator *a, int vm)
{
    struct kvm_vm_slot *v = find(a, vm);
    if (!v)
        return -ENOENT;
    if (!v->pins)
        return -EINVAL;
    v->pins--;
    return 0;
}
