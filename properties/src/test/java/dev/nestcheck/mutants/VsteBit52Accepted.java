package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

/**
 * Breaks NEST-2.2: the allowed mask of vSTE word0 misses bit 52, so a vSTE with bit 52 set is
 * accepted (and the bit silently dropped) instead of failing with EIO. Bits 53..58 are still refused.
 */
final class VsteBit52Accepted extends ReferenceModel {
    static final long BIT_52 = 1L << 52;

    VsteBit52Accepted(Platform platform) {
        super(platform);
    }

    @Override
    protected Obj nest2_validateVste(int viommuId, int smmu, long word0, long word1) {
        return super.nest2_validateVste(viommuId, smmu, word0 & ~BIT_52, word1);
    }
}
