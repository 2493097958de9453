package dev.nestcheck.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * One test case, which <em>is</em> its recorded choice sequence.
 *
 * <p>Every random decision a property makes goes through a draw: a non-negative long in a range, recorded
 * in order. Random search fills the sequence from a seeded random source; the shrinker, replay and
 * exhaustive mode feed a given sequence back in. Because the property only ever sees values derived from
 * choices, a shrunk sequence re-run through the same code produces a case that is valid by construction
 * (state-dependent generation just follows along), and a replay token of the choices is all that is
 * needed to reproduce a failure. Smaller choices mean simpler values: every draw maps choice 0 to its
 * simplest result, which is what makes shrinking the choice sequence shrink the values.
 *
 * <p>Draws are of three kinds, which matter to search, shrinking and exhaustive mode alike: <em>flags</em>
 * ({@link #bool()}, {@link #weighted(double)}), <em>picks</em> of one of a few alternatives
 * ({@link #pick}, {@link #pickWeighted}, {@link #pickRef}) and <em>integers</em> ({@link #choice(long)},
 * {@link #between}, {@link #bits64()}). Random search draws flags and picks exactly as asked, and wide
 * integers (16 values or more) with a bias: small magnitudes, the range's edges, and repeats of (or
 * neighbours of) integers drawn earlier in the case, since bugs live there far more often than uniform
 * draws land there. Exhaustive mode enumerates every flag and pick and clamps integers only.
 *
 * <p>When the engine replays a sequence and the property draws past its end, the draw returns 0 (the
 * simplest value); when a replayed choice is out of range for the current draw (an earlier change made
 * the range smaller), it is also replaced by 0, as Hypothesis does for misaligned choices.
 *
 * <p>Instances are created by the engine and are not thread-safe.
 */
public final class TestCase {

    /** How a finished case was classified. */
    enum Status { OVERRUN, INVALID, VALID, INTERESTING, FRONTIER, PRUNED }

    /**
     * The engine's own stop signal (rejection, overrun, exhaustive frontier or pruning). It is never a
     * failure; the reason is kept in {@link #status}. Shared and stackless because it is thrown often.
     */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Stop INSTANCE = new Stop();

        private Stop() {
            super("nestcheck: test case stopped by the engine (rejected, overrun or pruned); do not catch", null,
                    false, false);
        }
    }

    /** Exhaustive mode's fingerprint registry: answers false if the state was reached by another prefix. */
    interface Fingerprints {
        boolean visit(Object state, long[] choices, int length);
    }

    /** A statistics label; a record so it can be a map key. */
    record Label(String category, String value) { }

    /** Draw kinds (see the class comment). */
    static final byte FLAG = 0;
    static final byte PICK = 1;
    static final byte INT = 2;

    /**
     * The spans of one run, indexed in the order they started: {@code [start, end)} choice indices, the
     * label given to {@link #startSpan(String)} (or null), and the index of the enclosing span (or -1).
     */
    record Spans(int[] start, int[] end, String[] label, int[] parent, int count) {
        static final Spans NONE = new Spans(new int[0], new int[0], new String[0], new int[0], 0);

        int length(int k) {
            return end[k] - start[k];
        }
    }

    /** Integer draws with at least this many values are sampled with a bias (see {@link #sampleInt}). */
    static final long WIDE = 16;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final int RECENT = 8;            // integers remembered for repeats
    private static final double FAIR = -2;          // bool()'s probability: a fair coin
    private static final int MAX_DRAWS_SHOWN = 12;  // report lines of drawn values: a stateful case is better told by notes

    private final long[] prefix;
    private final SplittableRandom random;     // null: draws past the prefix return 0
    private final int maxChoices;
    private final int maxSteps;
    private final long maxIntPerDraw;          // exhaustive clamp of integer draws, Long.MAX_VALUE otherwise
    private final long maxPickIndex;           // exhaustive clamp of picks, Long.MAX_VALUE otherwise
    private final int maxDeviations;           // exhaustive: non-zero choices allowed per top-level span
    private final boolean finalRun;
    private final Fingerprints fingerprints;   // non-null only in exhaustive mode: draws past the prefix stop
    private final boolean recording;           // kinds, spans and references for the shrinker (not in search)
    private final boolean legacy;              // measurement only: engine v1's sampling
    private long[] choices = new long[16];
    private int size;

    // recorded only when `recording`: what the shrinker and exhaustive mode need to know about each draw
    private byte[] kinds;
    private long[] maxima;
    private int[] spanStart;
    private int[] spanEnd;
    private String[] spanLabel;
    private int[] spanParent;
    private int spanCount;
    private long[] refs;                       // pairs (choice index of a reference draw, birth of its referent)
    private int refCount;
    Map<Integer, Long> retarget;               // replay: choice index -> birth the reference must resolve to
    boolean labelsWanted = true;               // false in shrinking runs, whose labels nobody reads

    private int[] openStarts = new int[8];     // open spans: start choice index, and (recording) span slot
    private int[] openSlots;
    private int openCount;

    private long[] recent;                     // random search: the last integers drawn, for repeats
    private int recentCount;
    private int recentNext;

    private Map<Label, Integer> labels;
    private List<String> notes;
    private List<String> drawn;                // final run: the values drawn at top level, for the report
    private int drawnCount;
    private int generatorDepth;
    private Map<Object, int[]> depths;         // recursion depth per recursive generator

    Status status;
    boolean overflowedWhileGenerating;
    long[] frontier;                           // exhaustive: the alternatives of the draw past the prefix
    long clampedDraws;                         // exhaustive: integer draws whose range was clamped
    long widestClamped = -1;                   // exhaustive: the largest maximum among them
    long clampedPicks;                         // exhaustive: picks cut to maxPickAlternatives
    long widestPick = -1;                      // exhaustive: the most alternatives among them

    private TestCase(long[] prefix, SplittableRandom random, Settings s, boolean finalRun, Fingerprints fp,
                     boolean recording) {
        this.prefix = prefix;
        this.random = random;
        this.maxChoices = s.maxChoices();
        this.maxSteps = s.mode() == Mode.EXHAUSTIVE ? s.maxSteps() : Integer.MAX_VALUE;
        this.maxIntPerDraw = fp != null ? s.maxValuePerDraw() : Long.MAX_VALUE;
        this.maxPickIndex = fp != null ? s.maxPickAlternatives() - 1L : Long.MAX_VALUE;
        this.maxDeviations = s.maxDeviationsPerStep();
        this.finalRun = finalRun;
        this.fingerprints = fp;
        this.recording = recording;
        this.legacy = s.legacyGeneration();
        if (recording) {
            kinds = new byte[16];
            maxima = new long[16];
        }
    }

    static TestCase generating(SplittableRandom random, Settings s) {
        return new TestCase(new long[0], random, s, false, null, false);
    }

    static TestCase replaying(long[] choices, Settings s, boolean finalRun) {
        return new TestCase(choices, null, s, finalRun, null, true);
    }

    static TestCase exploring(long[] prefix, Settings s, Fingerprints fp) {
        return new TestCase(prefix, null, s, false, Objects.requireNonNull(fp), true);
    }

    /**
     * A test case that replays the given choices (then zeros), outside any engine run. Handy for
     * unit-testing a generator: {@code gen.generate(TestCase.ofChoices(1, 5, 0))}.
     */
    public static TestCase ofChoices(long... choices) {
        return replaying(choices.clone(), Settings.defaults(), false);
    }

    // ------------------------------------------------------------------ integer draws

    /**
     * The primitive integer draw: a value in {@code [0, maxInclusive]}, recorded in the choice sequence.
     * Shrinks toward 0.
     */
    public long choice(long maxInclusive) {
        if (maxInclusive < 0) {
            throw new IllegalArgumentException("choice(" + maxInclusive + "): maximum must be >= 0");
        }
        long v = integer(maxInclusive, 0);
        if (logging()) log("choice(" + maxInclusive + ")", v);
        return v;
    }

    /**
     * An int in {@code [lo, hi]}. Shrinks toward the value closest to zero (0 itself if in range, then
     * 1, -1, 2, -2, ...), so shrunk counterexamples show small numbers.
     */
    public int between(int lo, int hi) {
        return (int) between((long) lo, (long) hi);
    }

    /** A long in {@code [lo, hi]}; shrinks toward the value closest to zero, like {@link #between(int, int)}. */
    public long between(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("between(" + lo + ", " + hi + "): empty range");
        }
        long range = hi - lo;
        long v;
        if (range >= 0) {
            v = towardZero(lo, hi, integer(range, lo));
        } else {
            // the range holds more than 2^63 values (so it contains 0): zigzag over 64 bits, then clamp
            long c = rawBits64();
            v = Math.max(lo, Math.min(hi, (c >>> 1) ^ -(c & 1)));
        }
        if (logging()) log("between(" + lo + ", " + hi + ")", v);
        return v;
    }

    /** Maps choice {@code c} in {@code [0, hi-lo]} onto {@code [lo, hi]} ordered by distance from zero. */
    static long towardZero(long lo, long hi, long c) {
        if (lo >= 0) {
            return lo + c;
        }
        if (hi <= 0) {
            return hi - c;
        }
        long neg = -lo;   // lo > Long.MIN_VALUE here, otherwise the range would have overflowed
        long m = Math.min(neg, hi);
        if (c <= 2 * m) {
            long k = (c + 1) / 2;
            return (c & 1) == 1 ? k : -k;
        }
        long rest = c - 2 * m;
        return hi > neg ? m + rest : -(m + rest);
    }

    /** The inverse of {@link #towardZero}: the choice that gives {@code v} (which must be in range). */
    static long choiceOf(long lo, long hi, long v) {
        if (lo >= 0) {
            return v - lo;
        }
        if (hi <= 0) {
            return hi - v;
        }
        long m = Math.min(-lo, hi);
        long a = Math.abs(v);
        if (a <= m) {
            return v > 0 ? 2 * v - 1 : 2 * a;
        }
        return m + a;
    }

    /** A full 64-bit value from two 32-bit draws (high half first); shrinks toward 0. */
    public long bits64() {
        long v = rawBits64();
        if (logging()) log("bits64()", "0x" + Long.toHexString(v));
        return v;
    }

    private long rawBits64() {
        long hi = integer(UINT32_MAX, 0);
        long lo = integer(UINT32_MAX, 0);
        return (hi << 32) | lo;
    }

    // ------------------------------------------------------------------ flags

    /** A fair coin; shrinks toward false. */
    public boolean bool() {
        boolean v = draw(FLAG, 1, FAIR, null, 0, 0) == 1;
        if (logging()) log("bool()", v);
        return v;
    }

    /**
     * True with probability {@code p}; shrinks toward false. {@code p <= 0} and {@code p >= 1} are decided
     * without a draw. Use it as the "continue?" flag of a loop so that deleting choices deletes steps.
     */
    public boolean weighted(double p) {
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException("weighted(NaN)");
        }
        if (p <= 0) {
            return false;
        }
        if (p >= 1) {
            return true;
        }
        boolean v = draw(FLAG, 1, p, null, 0, 0) == 1;
        if (logging()) log("weighted(" + p + ")", v);
        return v;
    }

    // ------------------------------------------------------------------ picks

    /** One of the items; shrinks toward index 0. An empty list rejects the case (see {@link #assume}). */
    public <T> T pick(List<T> items) {
        if (items.isEmpty()) {
            assume(false);
        }
        T v = items.get((int) draw(PICK, items.size() - 1, -1, null, 0, 0));
        if (logging()) log(shortly("pick", items), v);
        return v;
    }

    /**
     * An index into {@code weights}, chosen with probability proportional to its weight; shrinks toward
     * index 0. The recorded choice is the index itself; a replayed index of weight 0 rejects the case.
     */
    public int pickWeighted(int... weights) {
        long total = 0;
        for (int w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("pickWeighted: negative weight " + w);
            }
            total += w;
        }
        if (total == 0) {
            throw new IllegalArgumentException("pickWeighted: weights must not all be zero");
        }
        int index = (int) draw(PICK, weights.length - 1, -1, weights, total, 0);
        assume(weights[index] > 0);
        if (logging()) log(shortly("pickWeighted", Arrays.toString(weights)), index);
        return index;
    }

    /**
     * A reference to an object created earlier in this case: one of {@code items}, like {@link #pick},
     * but recorded together with the referent's <em>birth</em> (the {@link #birth()} you stored when the
     * object was created), so that the shrinker can delete an earlier, unrelated step and still point
     * this draw at the same object. Drawing by position alone would not: deleting an unused allocation
     * renumbers every later position, so the shrunk case refers to other objects and stops failing.
     *
     * @param birthOf the birth of each item, as returned by {@link #birth()} when it was created; items
     *                created outside the case (fixtures) may all share one value, such as -1
     */
    public <T> T pickRef(List<T> items, ToLongFunction<? super T> birthOf) {
        if (items.isEmpty()) {
            assume(false);
        }
        int index = -1;
        Long target = retarget == null ? null : retarget.get(size);
        if (target != null) {
            for (int i = 0; i < items.size() && index < 0; i++) {
                if (birthOf.applyAsLong(items.get(i)) == target) {
                    index = i;
                }
            }
        }
        long choice;
        if (index >= 0) {
            choice = drawForced(PICK, items.size() - 1, index);
        } else {
            choice = draw(PICK, items.size() - 1, -1, null, 0, 0);
        }
        T v = items.get((int) choice);
        if (recording) {
            if (refs == null) {
                refs = new long[16];
            } else if (refCount * 2 == refs.length) {
                refs = Arrays.copyOf(refs, refs.length * 2);
            }
            refs[refCount * 2] = size - 1;
            refs[refCount * 2 + 1] = birthOf.applyAsLong(v);
            refCount++;
        }
        if (logging()) log(shortly("pickRef", items), v);
        return v;
    }

    /**
     * The identity to store for an object this step creates, for {@link #pickRef}: the choice index where
     * the innermost open span (the current step) started, or the current choice index outside spans.
     * Deleting an earlier step moves it by exactly the number of choices deleted, which is how the shrinker
     * finds the object again. Only meaningful within the case that returned it.
     */
    public long birth() {
        return openCount > 0 ? openStarts[openCount - 1] : size;
    }

    // ------------------------------------------------------------------ generators

    /**
     * Draws a value from a generator. In a failure report, a property that notes nothing is shown as the
     * list of what it drew at top level; values drawn through here appear as themselves (a whole list,
     * not its individual choices). A {@link StackOverflowError} while generating rejects the case (it is
     * a generator without a size bound, not a bug in the code under test).
     */
    public <T> T draw(Generator<T> generator) {
        return draw(null, generator);
    }

    /** {@link #draw(Generator)} with a name for the report, e.g. {@code tc.draw("xs", lists(...))}. */
    public <T> T draw(String name, Generator<T> generator) {
        generatorDepth++;
        T v;
        try {
            v = generator.generate(this);
        } catch (StackOverflowError e) {
            throw overflowWhileGenerating();
        } finally {
            generatorDepth--;
        }
        if (logging()) log(name, v);
        return v;
    }

    /** Rejects the case: a stack overflow while generating is an unbounded generator, not a failure. */
    Stop overflowWhileGenerating() {
        if (status == null) {
            status = Status.INVALID;
        }
        overflowedWhileGenerating = true;
        return Stop.INSTANCE;
    }

    /** Recursion depth of a recursive generator within this case (see {@link Generators#recursive}). */
    int[] depth(Object generator) {
        if (depths == null) {
            depths = new IdentityHashMap<>();
        }
        return depths.computeIfAbsent(generator, g -> new int[1]);
    }

    // ------------------------------------------------------------------ the draw itself

    /** An integer draw in {@code [0, max]} whose choice c stands for the value {@code towardZero(lo, lo + max, c)}. */
    private long integer(long max, long lo) {
        long c = draw(INT, max, -1, null, 0, lo);
        if (random != null && max >= WIDE) {
            remember(towardZero(lo, lo + max, c));
        }
        return c;
    }

    private long draw(byte kind, long max, double p, int[] weights, long totalWeight, long lo) {
        if (status != null) {
            throw Stop.INSTANCE;   // the property swallowed our signal and kept drawing
        }
        if (size >= maxChoices) {
            stop(Status.OVERRUN);
        }
        // random search draws fresh values (its prefix is empty and nothing is clamped): kept short, it is hot
        long v = random != null ? sample(kind, max, p, weights, totalWeight, lo) : given(kind, max, weights);
        append(v, kind, max);
        return v;
    }

    /** Random search: a fresh value, by kind (see the class comment). */
    private long sample(byte kind, long max, double p, int[] weights, long totalWeight, long lo) {
        if (max == 0) {
            return 0;   // nothing to choose (a pick of one, a range of one value): no randomness used
        }
        if (legacy) {
            return p == FAIR ? random.nextLong(2) : p >= 0 ? (random.nextDouble() < p ? 1 : 0)
                    : weights != null ? sampleWeighted(weights, totalWeight) : legacyUniform(max);
        }
        if (kind == FLAG) {
            return random.nextDouble() < (p == FAIR ? 0.5 : p) ? 1 : 0;
        }
        if (kind == PICK) {
            return weights != null ? sampleWeighted(weights, totalWeight) : random.nextLong(max + 1);
        }
        return sampleInt(max, lo);
    }

    /**
     * Replay, shrinking and exhaustive mode: the prefix's value (0 when out of range or past the end);
     * in exhaustive mode, past the prefix, the alternatives to enumerate (the case stops there).
     */
    private long given(byte kind, long max, int[] weights) {
        long bound = max;
        if (kind == INT && max > maxIntPerDraw) {
            bound = maxIntPerDraw;
            clampedDraws++;
            widestClamped = Math.max(widestClamped, max);
        } else if (kind == PICK && max > maxPickIndex) {
            bound = maxPickIndex;
            clampedPicks++;
            widestPick = Math.max(widestPick, max + 1);
        }
        if (size < prefix.length) {
            long v = prefix[size];
            return v < 0 || v > bound ? 0 : v;
        }
        if (fingerprints != null) {
            frontier = alternatives(kind, bound, weights);
            if (frontier.length > 1 && openCount > 0 && deviationsInStep() >= maxDeviations) {
                frontier = new long[] {frontier[0]};   // this step used its deviations: the simplest only
            }
            stop(Status.FRONTIER);
        }
        return 0;
    }

    /** Records a choice decided by the engine (a retargeted reference), bypassing sampling. */
    private long drawForced(byte kind, long max, long v) {
        if (status != null) {
            throw Stop.INSTANCE;
        }
        if (size >= maxChoices) {
            stop(Status.OVERRUN);
        }
        append(v, kind, max);
        return v;
    }

    private void append(long v, byte kind, long max) {
        if (size == choices.length) {
            int n = Math.min(Math.max(16, size * 2), Math.max(maxChoices, 16));
            choices = Arrays.copyOf(choices, n);
            if (recording) {
                kinds = Arrays.copyOf(kinds, n);
                maxima = Arrays.copyOf(maxima, n);
            }
        }
        if (recording) {
            kinds[size] = kind;
            maxima[size] = max;
        }
        choices[size++] = v;
    }

    /** Exhaustive mode: non-zero choices so far in the outermost open span (the current step). */
    private int deviationsInStep() {
        int n = 0;
        for (int i = openStarts[0]; i < size; i++) {
            n += choices[i] != 0 ? 1 : 0;
        }
        return n;
    }

    /** Exhaustive mode: every value the draw can take, flags in full, picks and integers up to their clamps. */
    private static long[] alternatives(byte kind, long bound, int[] weights) {
        if (weights != null) {
            long[] out = new long[weights.length];
            int n = 0;
            for (int i = 0; i <= Math.min(bound, weights.length - 1); i++) {
                if (weights[i] > 0) {
                    out[n++] = i;   // a weight-0 alternative would only reject the case
                }
            }
            return Arrays.copyOf(out, n);
        }
        long[] out = new long[(int) Math.min(bound + 1, Integer.MAX_VALUE - 8)];
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * Random search's integer distribution over choices {@code [0, n]} (values {@code lo..lo+n}). Narrow
     * ranges are uniform. Wide ones mix four sources, because uniform draws over a wide range almost never
     * hit the values bugs need: 1/8 an edge (0, 1, 2, n-1, n, and the choices of the range's two ends), 3/8
     * a small magnitude (up to 8 bits), 1/4 a repeat of an integer drawn earlier in this case (exact, or
     * one or a few away), and the rest uniform.
     */
    private long sampleInt(long n, long lo) {
        if (n < WIDE) {
            return random.nextLong(n + 1);
        }
        // one random long decides the source and, but for uniform draws, the value; an 8-bit field a
        // scaled by (a * k) >>> 8 picks one of k without a division
        long r = random.nextLong();
        int source = (int) (r & 7);
        int a = (int) ((r >>> 3) & 0xFF);
        if (source == 0) {
            return edge(n, lo, (a * 7) >>> 8);
        }
        if (source <= 3) {
            int bits = 1 + ((a * Math.min(8, 64 - Long.numberOfLeadingZeros(n))) >>> 8);
            return Math.min(n, (r >>> 16) & ((1L << bits) - 1));
        }
        if (source <= 5 && recentCount > 0) {
            long v = recent[(a * recentCount) >>> 8];
            int how = (int) ((r >>> 11) & 3);
            if (how == 2) {
                v += ((r >>> 13) & 1) == 0 ? 1 : -1;
            } else if (how == 3) {
                v += ((((int) (r >>> 14) & 0xFF) * 33) >>> 8) - 16;
            }
            long hi = lo + n;
            if (v >= lo && v <= hi) {
                return choiceOf(lo, hi, v);
            }
        }
        return n == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(n + 1);
    }

    private static long edge(long n, long lo, int which) {
        long hi = lo + n;
        switch (which) {
            case 0: return 0;
            case 1: return 1;
            case 2: return 2;
            case 3: return n - 1;
            case 4: return n;
            case 5: return choiceOf(lo, hi, lo);
            default: return choiceOf(lo, hi, hi);
        }
    }

    /**
     * Measurement only ({@link Settings#withLegacyGeneration}): engine v1's sampling, draw for draw, so that
     * its shrinking and this one's can be compared on the very same failing cases.
     */
    private long legacyUniform(long n) {
        if (n >= WIDE) {
            int r = random.nextInt(32);
            if (r < 2) {
                return r == 0 ? 0 : n;
            }
        }
        return n == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(n + 1);
    }

    private void remember(long value) {
        if (recent == null) {
            recent = new long[RECENT];
        }
        recent[recentNext] = value;
        recentNext = (recentNext + 1) & (RECENT - 1);   // RECENT is a power of two
        if (recentCount < RECENT) {
            recentCount++;
        }
    }

    private long sampleWeighted(int[] weights, long total) {
        long r = random.nextLong(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    // ------------------------------------------------------------------ spans

    /**
     * Marks the start of a span: a group of draws that means one thing (an operation of a stateful
     * sequence, an element of a list). The shrinker deletes, zeroes and reorders whole spans, which removes
     * a step however many choices it took; nested spans are fine. Close each with {@link #endSpan()}.
     */
    public void startSpan() {
        startSpan(null);
    }

    /**
     * A labelled span. Spans with equal labels mean the same kind of thing: the shrinker may move
     * sibling spans of one label past each other (normalising the order of list elements) and replace a
     * span by a same-label span nested inside it (a tree by one of its subtrees).
     */
    public void startSpan(String label) {
        if (openCount == openStarts.length) {
            openStarts = Arrays.copyOf(openStarts, openCount * 2);
            if (openSlots != null) {
                openSlots = Arrays.copyOf(openSlots, openCount * 2);
            }
        }
        openStarts[openCount] = size;
        if (recording) {
            if (spanStart == null) {
                spanStart = new int[16];
                spanEnd = new int[16];
                spanLabel = new String[16];
                spanParent = new int[16];
                openSlots = new int[openStarts.length];
            } else if (spanCount == spanStart.length) {
                int n = spanCount * 2;
                spanStart = Arrays.copyOf(spanStart, n);
                spanEnd = Arrays.copyOf(spanEnd, n);
                spanLabel = Arrays.copyOf(spanLabel, n);
                spanParent = Arrays.copyOf(spanParent, n);
            }
            spanStart[spanCount] = size;
            spanEnd[spanCount] = -1;
            spanLabel[spanCount] = label;
            spanParent[spanCount] = openCount > 0 ? openSlots[openCount - 1] : -1;
            openSlots[openCount] = spanCount++;
        }
        openCount++;
    }

    /** Ends the innermost open span. */
    public void endSpan() {
        if (openCount == 0) {
            throw new IllegalStateException("endSpan() without startSpan()");
        }
        openCount--;
        if (recording) {
            spanEnd[openSlots[openCount]] = size;
        }
    }

    /** The recorded spans; a span still open when the case stopped ends where the case stopped. */
    Spans spans() {
        if (spanCount == 0) {
            return Spans.NONE;
        }
        int[] end = Arrays.copyOf(spanEnd, spanCount);
        for (int k = 0; k < spanCount; k++) {
            if (end[k] < 0) {
                end[k] = size;
            }
        }
        return new Spans(Arrays.copyOf(spanStart, spanCount), end, Arrays.copyOf(spanLabel, spanCount),
                Arrays.copyOf(spanParent, spanCount), spanCount);
    }

    /** The reference draws of this run: pairs (choice index, birth of the referent). */
    long[] references() {
        return refs == null ? new long[0] : Arrays.copyOf(refs, refCount * 2);
    }

    /** The kind of each recorded choice ({@link #FLAG}, {@link #PICK}, {@link #INT}); empty when not recording. */
    byte[] kinds() {
        return kinds == null ? new byte[0] : Arrays.copyOf(kinds, size);
    }

    /** The maximum of each recorded choice's draw (before any exhaustive clamp); empty when not recording. */
    long[] maxima() {
        return maxima == null ? new long[0] : Arrays.copyOf(maxima, size);
    }

    // ------------------------------------------------------------------ control

    /** Rejects the case unless {@code condition} holds: it counts as invalid, never as a failure. */
    public void assume(boolean condition) {
        if (!condition) {
            stop(Status.INVALID);
        }
    }

    private void stop(Status s) {
        if (status == null) {
            status = s;
        }
        throw Stop.INSTANCE;
    }

    /**
     * Counts this case under {@code category=value} in the run's {@link Statistics}: once per case for the
     * case count, and every call for the occurrence count.
     */
    public void label(String category, String value) {
        if (!labelsWanted) return;
        Label l = new Label(Objects.requireNonNull(category, "category"), String.valueOf(value));
        if (labels == null) {
            labels = new HashMap<>();
        }
        labels.merge(l, 1, Integer::sum);
    }

    /**
     * Attaches a line of text to the case. Only the final run of the minimal failing case (or a replay)
     * keeps notes, and the failure report shows them as the step-by-step story of the counterexample.
     */
    public void note(String line) {
        if (finalRun) {
            if (notes == null) {
                notes = new ArrayList<>();
            }
            notes.add(line);
        }
    }

    /**
     * Whether this case's {@link #label labels} are read: false while the engine shrinks (they only feed
     * the search's statistics), so a property may skip computing costly ones. Labels given anyway are
     * ignored, as before.
     */
    public boolean labelsWanted() {
        return labelsWanted;
    }

    /** Whether this case belongs to an exhaustive exploration, where {@link #completeFingerprint} prunes. */
    public boolean exploring() {
        return fingerprints != null;
    }

    /** True only while the engine re-runs the minimal failing case (or a replay) to build the report. */
    public boolean isFinal() {
        return finalRun;
    }

    /**
     * Exhaustive mode: declares that {@code state} is <em>everything</em> that can influence the rest of
     * this case (every later draw's range and every later outcome, on every side the property compares:
     * ID cursors, allocator cursors and reservations included). If another choice prefix already reached
     * an equal state, this case is abandoned: its future was already explored. A state that leaves
     * something out makes exhaustive search skip futures it never ran, so declare one only when it is
     * complete. Pass a value with proper {@code equals/hashCode} (a record or immutable copy), not a live
     * mutable object. A no-op in other modes.
     */
    public void completeFingerprint(Object state) {
        if (fingerprints != null && !fingerprints.visit(state, choices, size)) {
            stop(Status.PRUNED);
        }
    }

    /**
     * Formerly pruned exhaustive search on any state the property declared; now ignored, because a state
     * that leaves out something that influences later outcomes made exhaustive search report "complete"
     * while skipping futures it never ran. Use {@link #completeFingerprint(Object)} for a state that is
     * complete.
     *
     * @deprecated does nothing; see {@link #completeFingerprint(Object)}
     */
    @Deprecated
    public void fingerprint(Object state) {
        // deliberately not used for pruning: nothing says this state is complete
    }

    /** The exhaustive step bound, or {@link Integer#MAX_VALUE} in other modes; bound your loops with it. */
    public int maxSteps() {
        return maxSteps;
    }

    /** The number of choices drawn so far. */
    public int draws() {
        return size;
    }

    long[] choices() {
        return Arrays.copyOf(choices, size);
    }

    Map<Label, Integer> labels() {
        return labels == null ? Map.of() : labels;
    }

    List<String> notes() {
        return notes == null ? List.of() : Collections.unmodifiableList(notes);
    }

    /** Final run: the top-level draws, "description = value", in order. */
    List<String> drawnValues() {
        return drawn == null ? List.of() : Collections.unmodifiableList(drawn);
    }

    /** "pick([a, b, c])" when the alternatives are short to show, else "pick(of 12)". */
    private static String shortly(String what, Object alternatives) {
        String text = String.valueOf(alternatives);
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        return what + "(" + (text.length() <= 40 ? text
                : "of " + (alternatives instanceof List ? ((List<?>) alternatives).size() + "" : "many")) + ")";
    }

    private boolean logging() {
        return finalRun && generatorDepth == 0;
    }

    private void log(String what, Object value) {
        if (drawn == null) {
            drawn = new ArrayList<>();
        }
        if (++drawnCount <= MAX_DRAWS_SHOWN) {
            drawn.add((what == null ? "" : what + " = ") + value);
            return;
        }
        String more = "... and " + (drawnCount - MAX_DRAWS_SHOWN) + " more (tc.note(...) can tell the case's story"
                + " instead)";
        if (drawn.size() == MAX_DRAWS_SHOWN) {
            drawn.add(more);
        } else {
            drawn.set(MAX_DRAWS_SHOWN, more);
        }
    }
}
