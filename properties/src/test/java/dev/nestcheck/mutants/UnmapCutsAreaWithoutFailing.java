package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

/**
 * Breaks MAP-2: an area that sticks out of the unmapped range is unmapped whole and the call succeeds,
 * instead of failing with ENOENT (iopt_unmap_iova_range never splits an area).
 */
final class UnmapCutsAreaWithoutFailing extends ReferenceModel {
    UnmapCutsAreaWithoutFailing(Platform platform) {
        super(platform);
    }

    @Override
    protected boolean map2_inside(long areaFirst, long areaLast, long first, long last) {
        return true; // the bug: every area the range meets counts as inside it
    }
}
