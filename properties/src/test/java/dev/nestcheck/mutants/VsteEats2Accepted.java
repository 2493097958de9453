package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

/**
 * Breaks NEST-2.4: EATS = 2 (word1 bits 29:28) is accepted as if it were 0 (no ATS) instead of
 * failing with EIO. EATS = 3 is still refused.
 */
final class VsteEats2Accepted extends ReferenceModel {
    static final long EATS = 3L << 28;

    VsteEats2Accepted(Platform platform) {
        super(platform);
    }

    @Override
    protected Obj nest2_validateVste(int viommuId, int smmu, long word0, long word1) {
        if ((word1 & EATS) == 2L << 28) word1 &= ~EATS; // the bug: 2 passes as 0
        return super.nest2_validateVste(viommuId, smmu, word0, word1);
    }
}
