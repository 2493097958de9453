package dev.nestcheck.impl;

import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MAP-1..3: one IOAS's mapped areas as an interval structure (a red-black tree keyed by first
 * page, areas never overlap), so that a map checks for overlap and an unmap finds the areas it
 * meets in O(log n + areas met).
 */
final class IoasAreas {
    /** PLAT-6: IOVAs are page numbers in [0, 2^20). */
    static final long SPACE = 1L << 20;

    /** first page → pages. */
    private final TreeMap<Long, Long> byFirst = new TreeMap<>();
    private transient List<Snapshot.Area> snapshot = List.of(); // derived, not state

    /** Whether some area has a page in [first, end); both within [0, SPACE]. */
    boolean overlaps(long first, long end) {
        Map.Entry<Long, Long> below = byFirst.floorEntry(end - 1);
        return below != null && below.getKey() + below.getValue() > first;
    }

    void add(long first, long pages) {
        byFirst.put(first, pages);
        snapshot = null;
    }

    void remove(long first) {
        byFirst.remove(first);
        snapshot = null;
    }

    /**
     * The areas that meet [first, last] (inclusive, unsigned; {@code last} may lie beyond the IOVA
     * space), in increasing order, as {first, pages} pairs.
     */
    List<long[]> meeting(long first, long last) {
        List<long[]> out = new ArrayList<>();
        if (Long.compareUnsigned(first, SPACE) >= 0 || byFirst.isEmpty()) return out;
        long lastIn = Long.compareUnsigned(last, SPACE - 1) > 0 ? SPACE - 1 : last;
        Map.Entry<Long, Long> below = byFirst.lowerEntry(first);
        if (below != null && below.getKey() + below.getValue() > first) out.add(new long[] {below.getKey(), below.getValue()});
        for (Map.Entry<Long, Long> e : byFirst.subMap(first, true, lastIn, true).entrySet())
            out.add(new long[] {e.getKey(), e.getValue()});
        return out;
    }

    /** OBS-4: the areas as the snapshot lists them (cached until the next change). */
    List<Snapshot.Area> snapshot() {
        List<Snapshot.Area> s = snapshot;
        if (s == null) {
            Snapshot.Area[] a = new Snapshot.Area[byFirst.size()];
            int i = 0;
            for (Map.Entry<Long, Long> e : byFirst.entrySet()) a[i++] = new Snapshot.Area(e.getKey(), e.getValue());
            s = List.of(a);
            snapshot = s;
        }
        return s;
    }
}
