package dev.nestcheck.conformance;

import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A set of PLAT-6 page numbers as disjoint, non-adjacent runs [first, end), for the page-level
 * shadow TLB (TLB-4): areas may be as large as the IOVA space, so pages are never listed one by one.
 */
final class PageSet {
    private final TreeMap<Long, Long> runs = new TreeMap<>(); // first -> end (exclusive)

    boolean isEmpty() {
        return runs.isEmpty();
    }

    void clear() {
        runs.clear();
    }

    void add(long first, long end) {
        if (first >= end) return;
        Map.Entry<Long, Long> below = runs.floorEntry(first);
        if (below != null && below.getValue() >= first) {
            first = below.getKey();
            end = Math.max(end, below.getValue());
        }
        for (Iterator<Map.Entry<Long, Long>> it = runs.tailMap(first, true).entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getKey() > end) break;
            end = Math.max(end, e.getValue()); // read before remove(), as above
            it.remove();
        }
        runs.put(first, end);
    }

    void addAll(PageSet other) {
        other.runs.forEach(this::add);
    }

    void remove(long first, long end) {
        if (first >= end) return;
        Map.Entry<Long, Long> below = runs.lowerEntry(first);
        if (below != null && below.getValue() > first) {
            runs.put(below.getKey(), first);
            if (below.getValue() > end) runs.put(end, below.getValue());
        }
        for (Iterator<Map.Entry<Long, Long>> it = runs.tailMap(first, true).entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            long runEnd = e.getValue(); // read before remove(): TreeMap may reuse the entry for its successor
            if (e.getKey() >= end) break;
            it.remove();
            if (runEnd > end) {
                runs.put(end, runEnd);
                break;
            }
        }
    }

    /** The pages of this set that {@code allowed} lacks. */
    PageSet minus(PageSet allowed) {
        PageSet out = new PageSet();
        out.runs.putAll(runs);
        allowed.runs.forEach(out::remove);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageSet p && p.runs.equals(runs);
    }

    @Override
    public int hashCode() {
        return runs.hashCode();
    }

    /** {@code {3, 10..12}}, at most a few runs. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        int n = 0;
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            if (n++ == 4) {
                j.add("... " + (runs.size() - 4) + " more runs");
                break;
            }
            j.add(e.getValue() - e.getKey() == 1 ? Long.toString(e.getKey()) : e.getKey() + ".." + (e.getValue() - 1));
        }
        return j.toString();
    }
}
