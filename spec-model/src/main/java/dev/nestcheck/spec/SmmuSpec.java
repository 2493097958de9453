package dev.nestcheck.spec;

/** PLAT-1: one SMMU instance. {@code vmidBits} below 8 are scaled-down platforms. */
public record SmmuSpec(int id, int vmidBits, boolean nesting, boolean s2fwb, boolean btm) {
    public SmmuSpec {
        if (id < 0) throw new IllegalArgumentException("smmu id must be >= 0, got " + id);
        if (vmidBits < 1 || vmidBits > 16)
            throw new IllegalArgumentException("smmu " + id + ": vmidBits must be 1..16, got " + vmidBits);
    }

    /** VMID-1: the largest VMID of the pool [1, 2^vmidBits - 1]. */
    public int maxVmid() {
        return (1 << vmidBits) - 1;
    }
}
