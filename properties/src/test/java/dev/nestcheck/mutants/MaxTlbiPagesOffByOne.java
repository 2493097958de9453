package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.SmmuSpec;

/**
 * Breaks S2INV-2: an area counts as big only above maxTlbiPages pages, not from it (the kernel's
 * {@code size >= max_tlbi_ops * granule}), so an area of exactly maxTlbiPages pages is invalidated
 * page by page.
 */
final class MaxTlbiPagesOffByOne extends ReferenceModel {
    MaxTlbiPagesOffByOne(Platform platform) {
        super(platform);
    }

    @Override
    protected boolean s2inv2_big(int smmu, long pages) {
        SmmuSpec s = platform().smmu(smmu);
        return !s.rangeInv() && pages > s.maxTlbiPages(); // the bug: > instead of >=
    }
}
