package dev.nestcheck.impl;

import java.util.BitSet;

/**
 * OBJ-1: one context's object ID space. IDs start at 1 and a new object takes the lowest
 * free ID. A tombstoned ID (OBJ-5) simply stays taken until the context closes.
 *
 * <p>The taken set is a {@link BitSet} (word-at-a-time {@code nextClearBit}); the search
 * starts at {@code lowestFree}, below which every ID is known to be taken, so allocating
 * in a dense space is O(1) amortised.
 */
final class ObjectIdAllocator {
    private final BitSet taken = new BitSet();
    /** Invariant: every ID in [1, lowestFree) is taken. */
    private int lowestFree = 1;

    /** The ID the next {@link #allocate()} will return, without taking it. */
    int peek() {
        return taken.nextClearBit(lowestFree);
    }

    int allocate() {
        int id = taken.nextClearBit(lowestFree);
        // Bit MAX_VALUE is never set, so the search (from lowestFree >= 1) always ends on a
        // clear bit at or below it and cannot overflow to a negative index.
        if (id == Integer.MAX_VALUE) throw new IllegalStateException("object ID space exhausted");
        taken.set(id);
        lowestFree = id + 1;
        return id;
    }

    void release(int id) {
        if (id < 1) throw new IllegalArgumentException("object IDs start at 1, got " + id);
        taken.clear(id);
        lowestFree = Math.min(lowestFree, id);
    }

    boolean isTaken(int id) {
        return id >= 1 && taken.get(id);
    }

    /** The highest taken ID + 1 (0 when none): a bound for scans in ID order. */
    int limit() {
        return taken.length();
    }
}
