package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.impl.kvm.GenerationalVmidAllocator;

/**
 * The bundled {@link GenerationalVmidAllocator} as a {@link KvmAllocatorUnderTest}. Loaded again, with
 * the allocator, by {@code dev.nestcheck.concurrency.mutants.MutantLoader} when a mutant is checked.
 */
public final class GenerationalAllocatorAdapter implements KvmAllocatorUnderTest {
    private final GenerationalVmidAllocator allocator;
    private final GenerationalVmidAllocator.VmVmid[] vms;

    public GenerationalAllocatorAdapter(int cpus, int vmidBits, int vms) {
        this.allocator = new GenerationalVmidAllocator(cpus, vmidBits);
        this.vms = new GenerationalVmidAllocator.VmVmid[vms + 1];
        for (int vm = 1; vm <= vms; vm++) this.vms[vm] = allocator.newVm();
    }

    @Override
    public Vmid load(int vm, int cpu) {
        long word = allocator.load(vms[vm], cpu);
        return new Vmid(allocator.generationOf(word), allocator.indexOf(word));
    }

    @Override
    public void put(int cpu) {
        allocator.put(cpu);
    }

    @Override
    public int pin(int vm) {
        // A pinned index never changes (KVM-6), so reading it after the pin needs no lock.
        return allocator.pin(vms[vm]) ? vms[vm].index() : 0;
    }

    @Override
    public void unpin(int vm) {
        allocator.unpin(vms[vm]);
    }

    @Override
    public Vmid vmid(int vm) {
        return new Vmid(vms[vm].generation(), vms[vm].index());
    }

    @Override
    public int pins(int vm) {
        return vms[vm].pins();
    }

    @Override
    public int rollovers() {
        return allocator.rollovers();
    }
}
