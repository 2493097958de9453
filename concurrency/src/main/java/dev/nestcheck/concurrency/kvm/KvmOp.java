package dev.nestcheck.concurrency.kvm;

/**
 * One operation of an allocator-level scenario. {@code cpu} is the CPU that runs it: in a parallel
 * branch always the branch's own CPU (thread i is CPU i), in the sequential prefix any CPU. Pins and
 * unpins name the CPU's thread as their owner: an unpin releases a pin its owner holds, or does nothing.
 */
public record KvmOp(Kind kind, int vm, int cpu) {
    public enum Kind {
        /** kvm_arm_vmid_update of the VM on the CPU (KVM-2 without the put, KVM-3, KVM-4). */
        LOAD,
        /** kvm_arm_vmid_clear_active on the CPU (KVM-2 VCPU_PUT). */
        PUT,
        /** KVM-5 PIN of the VM, held by the CPU's thread. */
        PIN,
        /** KVM-5 UNPIN of a pin the CPU's thread holds on the VM; nothing when it holds none. */
        UNPIN
    }

    public static KvmOp load(int vm, int cpu) {
        return new KvmOp(Kind.LOAD, vm, cpu);
    }

    public static KvmOp put(int cpu) {
        return new KvmOp(Kind.PUT, 0, cpu);
    }

    public static KvmOp pin(int vm, int cpu) {
        return new KvmOp(Kind.PIN, vm, cpu);
    }

    public static KvmOp unpin(int vm, int cpu) {
        return new KvmOp(Kind.UNPIN, vm, cpu);
    }

    /** As the reports and the regression tests write it, e.g. {@code load(vm2, cpu1)}. */
    @Override
    public String toString() {
        switch (kind) {
            case LOAD: return "load(vm" + vm + ", cpu" + cpu + ")";
            case PUT: return "put(cpu" + cpu + ")";
            case PIN: return "pin(vm" + vm + ", cpu" + cpu + ")";
            default: return "unpin(vm" + vm + ", cpu" + cpu + ")";
        }
    }

    /** Java source that builds this operation, for generated regression tests. */
    public String toJava() {
        switch (kind) {
            case PUT: return "KvmOp.put(" + cpu + ")";
            default: return "KvmOp." + kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + vm + ", " + cpu + ")";
        }
    }
}
