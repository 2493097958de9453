package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

import java.util.TreeMap;

/**
 * Breaks MAP-1: a run is refused with EEXIST only when it starts inside an area, so a run that starts
 * below an area and reaches into it is mapped over it (an interval check that looks at one end).
 */
final class OverlappingMapAccepted extends ReferenceModel {
    OverlappingMapAccepted(Platform platform) {
        super(platform);
    }

    @Override
    protected boolean map1_free(TreeMap<Long, Long> areas, long first, long end) {
        var below = areas.floorEntry(first); // the bug: the areas above first are not looked at
        return below == null || below.getKey() + below.getValue() <= first;
    }
}
