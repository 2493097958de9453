package dev.nestcheck.conformance;

import dev.nestcheck.engine.TestCase;

import java.util.List;

/**
 * Draws guest STEs (NEST-2): valid ones with junk in the bits that are kept (now and then every
 * allowed bit at random), and one invalid class at a time, covering every disallowed bit.
 */
final class Vste {
    private Vste() {
    }

    /** NEST-2.2: the bits a guest may set. */
    static final long WORD0_ALLOWED = 0xF80F_FFFF_FFFF_FFFFL, WORD1_ALLOWED = 0x0000_0000_3800_00FFL;

    /** Preferences for {@link #valid(TestCase, int)}: none, a translate vSTE; 0 or 1: a translate vSTE with that EATS. */
    static final int ANY = -1, TRANSLATE = 2;

    /** A vSTE that NEST-2 accepts: bypass, translate (the most often), abort, V=0 with junk, or any allowed bits. */
    static List<Long> valid(TestCase tc) {
        return valid(tc, ANY);
    }

    /**
     * As {@link #valid(TestCase)}, preferring a translate vSTE (and an EATS) when asked: the same draws
     * either way, only their probabilities change (a goal never changes the shape of the choices).
     */
    static List<Long> valid(TestCase tc, int prefer) {
        // bypass first: the simplest nested STE (it needs no VDEVICE to attach), so shrinking goes there
        int shape = prefer == ANY ? tc.pickWeighted(2, 6, 1, 1, 1) : tc.pickWeighted(1, 40, 1, 1, 1);
        if (shape == 3) return List.of(tc.bits64() & ~1L, tc.bits64()); // V=0: zeroed and accepted
        if (shape == 4) { // every allowed bit drawn, Config one of 0/4/5, EATS 0/1
            long w0 = (tc.bits64() & WORD0_ALLOWED & ~0xEL) | 1L | ((long) new int[] {4, 5, 0}[tc.between(0, 2)] << 1);
            long w1 = (tc.bits64() & WORD1_ALLOWED & ~(3L << 28)) | ((long) tc.between(0, 1) << 28);
            return List.of(w0, w1);
        }
        int config = new int[] {4, 5, 0}[shape];
        long s1ctx = (long) tc.between(0, 1023) << 6;
        long keptJunk = tc.weighted(0.2) ? ((long) tc.between(0, 31) << 59) | ((long) tc.between(0, 3) << 4) : 0;
        long word0 = 1L | ((long) config << 1) | s1ctx | keptJunk;
        long eats = prefer == 0 ? tc.pickWeighted(9, 1) : prefer == 1 ? tc.pickWeighted(1, 9) : tc.between(0, 1);
        long word1 = (eats << 28) | (tc.weighted(0.2) ? tc.between(0, 255) | ((long) tc.between(0, 1) << 27) : 0);
        return List.of(word0, word1);
    }

    /** A valid translate vSTE (Config 5) with the given EATS (0 or 1): what a goal asks for. */
    static List<Long> translate(int eats) {
        return List.of(1L | (5L << 1), (long) eats << 28);
    }

    /** The EATS of a goal's translate vSTE, as a preference for {@link #valid(TestCase, int)}. */
    static int eats(List<Long> data) {
        return data == null || data.size() < 2 ? TRANSLATE : (int) ((data.get(1) >>> 28) & 1);
    }

    /** A vSTE with V=1 and exactly one NEST-2 failure class. */
    static List<Long> invalid(TestCase tc) {
        List<Long> base = valid(tc);
        long w0 = base.get(0) | 1L, w1 = base.get(1);
        switch (tc.between(0, 3)) {
            case 0: // the edge bits of the reserved range first
                return List.of(w0 | (1L << new int[] {52, 58, 53, 54, 55, 56, 57}[tc.pickWeighted(3, 3, 1, 1, 1, 1, 1)]), w1);
            case 1: {
                int bit = new int[] {8 + tc.between(0, 18), 30 + tc.between(0, 33)}[tc.between(0, 1)];
                return List.of(w0, w1 | (1L << bit));
            }
            case 2: return List.of((w0 & ~0xEL) | ((long) new int[] {1, 2, 3, 6, 7}[tc.between(0, 4)] << 1), w1);
            default: return List.of(w0, (w1 & ~(3L << 28)) | ((long) (2 + tc.between(0, 1)) << 28));
        }
    }
}
