package dev.nestcheck.concurrency.kvm;

/**
 * What the allocator-level checks drive: a KVM VMID allocator for a fixed set of VMs (numbered 1..n),
 * with the allocator's own operations. The bundled {@link GenerationalAllocatorAdapter} wraps
 * {@code GenerationalVmidAllocator}; another allocator plugs in the same way.
 *
 * <p>Implementations must allow {@link #load} and {@link #put} of different CPUs, and {@link #pin} and
 * {@link #unpin} from any thread, to run concurrently; calls for one CPU never overlap.
 */
public interface KvmAllocatorUnderTest {
    /** kvm_arm_vmid_update: returns the VMID installed as what the CPU runs, as {@code (generation, index)}. */
    Vmid load(int vm, int cpu);

    /** kvm_arm_vmid_clear_active. */
    void put(int cpu);

    /** KVM-5 PIN: the pinned index, or 0 when the pin cap is reached. */
    int pin(int vm);

    /** KVM-5 UNPIN of a pinned VM. */
    void unpin(int vm);

    /** A VM's VMID and pin count, read when nothing runs (the post part of a scenario). */
    Vmid vmid(int vm);

    int pins(int vm);

    /** KVM-4: rollovers so far. */
    int rollovers();

    /** A VMID: generation and index (KVM-1). */
    record Vmid(long generation, int index) {
        @Override
        public String toString() {
            return "g" + generation + ":" + index;
        }
    }

    /** Creates an allocator for {@code vms} VMs on a platform of {@code cpus} CPUs and {@code vmidBits} bits. */
    interface Factory {
        KvmAllocatorUnderTest create(int cpus, int vmidBits, int vms);
    }
}
