package dev.nestcheck.spec;

/**
 * PLAT-1: one SMMU instance. {@code vmidBits} below 8 are scaled-down platforms.
 * {@code rangeInv} is ARM_SMMU_FEAT_RANGE_INV (one TLBI_S2_IPA per area instead of one per
 * page, S2INV-2); {@code maxTlbiPages} is the kernel's MAX_TLBI_OPS threshold (512 for a
 * 4 KiB granule): an unmapped area of at least that many pages is invalidated with
 * TLBI_S12_VMALL instead of page by page when the SMMU lacks {@code rangeInv}. Smaller values
 * are scaled-down platforms, like small {@code vmidBits}.
 */
public record SmmuSpec(int id, int vmidBits, boolean nesting, boolean s2fwb, boolean btm, boolean rangeInv,
                       int maxTlbiPages) {
    /** PLAT-1: the kernel's MAX_TLBI_OPS for a 4 KiB granule, the default of {@link #maxTlbiPages}. */
    public static final int DEFAULT_MAX_TLBI_PAGES = 512;

    public SmmuSpec {
        if (id < 0) throw new IllegalArgumentException("smmu id must be >= 0, got " + id);
        if (vmidBits < 1 || vmidBits > 16)
            throw new IllegalArgumentException("smmu " + id + ": vmidBits must be 1..16, got " + vmidBits);
        if (maxTlbiPages < 1)
            throw new IllegalArgumentException("smmu " + id + ": maxTlbiPages must be >= 1, got " + maxTlbiPages);
    }

    /** The v1 shape: no range invalidation, {@link #DEFAULT_MAX_TLBI_PAGES}. */
    public SmmuSpec(int id, int vmidBits, boolean nesting, boolean s2fwb, boolean btm) {
        this(id, vmidBits, nesting, s2fwb, btm, false, DEFAULT_MAX_TLBI_PAGES);
    }

    /** VMID-1: the largest VMID of the pool [1, 2^vmidBits - 1]. */
    public int maxVmid() {
        return (1 << vmidBits) - 1;
    }
}
