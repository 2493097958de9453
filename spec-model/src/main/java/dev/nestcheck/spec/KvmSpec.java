package dev.nestcheck.spec;

/** PLAT-3: the host's KVM: CPUs and the VMID width, with 2^vmidBits - 1 > cpus. */
public record KvmSpec(int cpus, int vmidBits) {
    /** TRACE.md: {@code kvm} may be omitted, meaning 1 CPU and 8 bits. */
    public static final KvmSpec DEFAULT = new KvmSpec(1, 8);

    public KvmSpec {
        if (cpus < 1) throw new IllegalArgumentException("kvm.cpus must be >= 1, got " + cpus);
        if (vmidBits < 1 || vmidBits > 16)
            throw new IllegalArgumentException("kvm.vmidBits must be 1..16, got " + vmidBits);
        if ((1 << vmidBits) - 1 <= cpus)
            throw new IllegalArgumentException("kvm: 2^vmidBits - 1 must exceed cpus (PLAT-3), got vmidBits "
                    + vmidBits + " and " + cpus + " cpus");
    }

    /** The number of indices, index 0 included (KVM-1 never hands out 0). */
    public int indexCount() {
        return 1 << vmidBits;
    }

    /** KVM-5: the most VMIDs that may be pinned at once. */
    public int pinCap() {
        return Math.max(0, indexCount() - cpus - 2);
    }
}
