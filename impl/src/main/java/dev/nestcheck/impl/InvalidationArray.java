package dev.nestcheck.impl;

import java.util.Arrays;

/**
 * S2INV-1: a nest parent's invalidation array, built the way mainline builds its
 * {@code struct arm_smmu_invs}: entries sorted by (type, ID), each with a count of the
 * attachments that need it. An attachment merges its entries before its STE is written and
 * unreferences the old ones after; an entry whose count reaches zero is purged, and an
 * {@code S2_VMID} entry that does so reports its VMID for the last-user flush (S2INV-3).
 * Unmaps walk the array once: every S2_VMID entry, then every S2_VMID_S1_CLEAR entry, then
 * every ATS_FULL entry, which is the batch order of S2INV-2.
 */
final class InvalidationArray {
    /** Entry types in the kernel's order (enum arm_smmu_inv_type). */
    static final int S2_VMID = 0, S2_VMID_S1_CLEAR = 1, ATS_FULL = 2;
    private static final int ID_BITS = 40;

    private long[] keys = new long[4];
    private int[] users = new int[4];
    private int size;

    static long key(int type, long id) {
        return ((long) type << ID_BITS) | id;
    }

    int size() {
        return size;
    }

    int type(int i) {
        return (int) (keys[i] >>> ID_BITS);
    }

    long id(int i) {
        return keys[i] & ((1L << ID_BITS) - 1);
    }

    /** Index of the first entry of a type (entries are sorted by type). */
    int firstOf(int type) {
        int i = Arrays.binarySearch(keys, 0, size, key(type, 0));
        return i >= 0 ? i : -i - 1;
    }

    /** An attachment using VMID {@code vmid}, with ATS on stream {@code sid} (or -1), merges its entries. */
    void merge(int vmid, long sid) {
        ref(key(S2_VMID, vmid));
        ref(key(S2_VMID_S1_CLEAR, vmid));
        if (sid >= 0) ref(key(ATS_FULL, sid));
    }

    /**
     * The attachment goes away: its entries lose a user, and those left without one are purged.
     * Returns the VMID whose S2_VMID entry lost its last user, or 0.
     */
    int unref(int vmid, long sid) {
        boolean last = unref(key(S2_VMID, vmid));
        unref(key(S2_VMID_S1_CLEAR, vmid));
        if (sid >= 0) unref(key(ATS_FULL, sid));
        return last ? vmid : 0;
    }

    private void ref(long key) {
        int i = Arrays.binarySearch(keys, 0, size, key);
        if (i >= 0) {
            users[i]++;
            return;
        }
        i = -i - 1;
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            users = Arrays.copyOf(users, size * 2);
        }
        System.arraycopy(keys, i, keys, i + 1, size - i);
        System.arraycopy(users, i, users, i + 1, size - i);
        keys[i] = key;
        users[i] = 1;
        size++;
    }

    private boolean unref(long key) {
        int i = Arrays.binarySearch(keys, 0, size, key);
        if (i < 0) throw new IllegalStateException("invalidation array: no entry " + Long.toHexString(key) + " to unreference");
        if (--users[i] > 0) return false;
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(users, i + 1, users, i, size - i - 1);
        size--;
        return true;
    }
}
