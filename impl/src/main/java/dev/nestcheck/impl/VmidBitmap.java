package dev.nestcheck.impl;

import java.util.function.IntConsumer;

/**
 * A fixed-size bitmap over the values [0, size) stored as {@code long} words, with
 * word-at-a-time search. Used for each SMMU's VMID pool (VMID-1, value 0 permanently
 * reserved by the pool) and for each SMMU's TLB set (TLB-1).
 *
 * <p>Not thread-safe; the owner serialises access.
 */
final class VmidBitmap {
    private final long[] words;
    private final int size;
    private int count;
    /**
     * The lowest word that is not full (words.length when all are). Every word below it is
     * full, so a search for a clear bit starts there; kept exact, so allocation from 0 skips
     * the full words at once.
     */
    private int firstNonFull;

    VmidBitmap(int size) {
        if (size < 1) throw new IllegalArgumentException("size must be >= 1, got " + size);
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
        // Bits at and beyond size in the last word are kept set, so a search for a clear
        // bit never has to check the upper bound inside a word.
        int tail = size & 63;
        if (tail != 0) words[words.length - 1] = -1L << tail;
    }

    /** How many values in [0, size) are set. */
    int count() {
        return count;
    }

    boolean get(int v) {
        return v >= 0 && v < size && (words[v >>> 6] & (1L << v)) != 0;
    }

    /** Sets v; returns false when it was already set. */
    boolean set(int v) {
        checkIndex(v);
        int w = v >>> 6;
        long bit = 1L << v;
        if ((words[w] & bit) != 0) return false;
        words[w] |= bit;
        count++;
        if (w == firstNonFull && words[w] == -1L) advanceFirstNonFull();
        return true;
    }

    /** Clears v; returns false when it was already clear. */
    boolean clear(int v) {
        checkIndex(v);
        int w = v >>> 6;
        long bit = 1L << v;
        if ((words[w] & bit) == 0) return false;
        words[w] &= ~bit;
        count--;
        firstNonFull = Math.min(firstNonFull, w);
        return true;
    }

    /** The lowest clear value >= from, or -1 when every value from there on is set. */
    int nextClear(int from) {
        from = Math.max(from, 0);
        if (from >= size) return -1;
        int w = from >>> 6;
        if (w < firstNonFull) {
            w = firstNonFull;
            from = w << 6;
            if (w >= words.length) return -1;
        }
        long inv = ~words[w] & (-1L << from);
        while (inv == 0) {
            if (++w == words.length) return -1;
            inv = ~words[w];
        }
        // The bits at and beyond size are kept set, so the clear bit found is below size.
        return (w << 6) + Long.numberOfTrailingZeros(inv);
    }

    /**
     * Sets the lowest clear value >= from and returns it, or -1 when none is clear. The
     * search skips the words known to be full, so repeated allocation from 0 costs
     * amortised O(1) words.
     */
    int allocateFrom(int from) {
        int v = nextClear(from);
        if (v >= 0) set(v);
        return v;
    }

    private void advanceFirstNonFull() {
        int w = firstNonFull;
        while (w < words.length && words[w] == -1L) w++;
        firstNonFull = w;
    }

    private long lastWordMask() {
        int tail = size & 63;
        return tail == 0 ? -1L : ~(-1L << tail);
    }

    void forEachSet(IntConsumer action) {
        for (int w = 0; w < words.length; w++) {
            long word = words[w];
            if (w == words.length - 1) word &= lastWordMask();
            while (word != 0) {
                int b = Long.numberOfTrailingZeros(word);
                action.accept((w << 6) + b);
                word &= word - 1;
            }
        }
    }

    /** Test hook: {@link #firstNonFull}. */
    int firstNonFullWord() {
        return firstNonFull;
    }

    private void checkIndex(int v) {
        if (v < 0 || v >= size) throw new IndexOutOfBoundsException("value " + v + " outside [0, " + size + ")");
    }
}
