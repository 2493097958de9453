package dev.nestcheck.spec;

/** PLAT-2: a device behind an SMMU, with its physical stream ID (unique per SMMU). */
public record DeviceSpec(int id, int smmu, long streamId, boolean canwbs) {
    public DeviceSpec {
        if (id < 0) throw new IllegalArgumentException("device id must be >= 0, got " + id);
        if (streamId < 0 || streamId > 0xFFFF_FFFFL)
            throw new IllegalArgumentException("device " + id + ": streamId must be a 32-bit value, got " + streamId);
    }
}
