package dev.nestcheck.engine;

import java.util.ArrayDeque;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One test case, which <em>is</em> its recorded choice sequence.
 *
 * <p>Every random decision a property makes goes through {@link #choice(long)}: a non-negative long in a
 * range, recorded in order. Random search fills the sequence from a seeded random source; the shrinker,
 * replay and exhaustive mode feed a given sequence back in. Because the property only ever sees values
 * derived from choices, a shrunk sequence re-run through the same code produces a case that is valid by
 * construction (state-dependent generation just follows along), and a replay token of the choices is all
 * that is needed to reproduce a failure. Smaller choices mean simpler values: every draw method here maps
 * choice 0 to its simplest result, which is what makes shrinking the choice sequence shrink the values.
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

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final long[] prefix;
    private final SplittableRandom random;     // null: draws past the prefix return 0
    private final int maxChoices;
    private final int maxSteps;
    private final long maxValuePerDraw;        // exhaustive clamp, Long.MAX_VALUE otherwise
    private final boolean finalRun;
    private final Fingerprints fingerprints;   // non-null only in exhaustive mode: draws past the prefix stop
    private long[] choices = new long[16];
    private int size;
    private Map<Label, Integer> labels;
    private List<String> notes;
    private ArrayDeque<Integer> openSpans;     // start indices of spans not yet ended
    private List<int[]> spans;                 // ended spans, [start, end)

    Status status;
    long frontierMax = -1;

    private TestCase(long[] prefix, SplittableRandom random, Settings s, boolean finalRun, Fingerprints fp) {
        this.prefix = prefix;
        this.random = random;
        this.maxChoices = s.maxChoices();
        this.maxSteps = s.mode() == Mode.EXHAUSTIVE ? s.maxSteps() : Integer.MAX_VALUE;
        this.maxValuePerDraw = fp != null ? s.maxValuePerDraw() : Long.MAX_VALUE;
        this.finalRun = finalRun;
        this.fingerprints = fp;
    }

    static TestCase generating(SplittableRandom random, Settings s) {
        return new TestCase(new long[0], random, s, false, null);
    }

    static TestCase replaying(long[] choices, Settings s, boolean finalRun) {
        return new TestCase(choices, null, s, finalRun, null);
    }

    static TestCase exploring(long[] prefix, Settings s, Fingerprints fp) {
        return new TestCase(prefix, null, s, false, Objects.requireNonNull(fp));
    }

    /**
     * A test case that replays the given choices (then zeros), outside any engine run. Handy for
     * unit-testing a generator: {@code gen.generate(TestCase.ofChoices(1, 5, 0))}.
     */
    public static TestCase ofChoices(long... choices) {
        return replaying(choices.clone(), Settings.defaults(), false);
    }

    // ------------------------------------------------------------------ draws

    /**
     * The primitive draw: a value in {@code [0, maxInclusive]}, recorded in the choice sequence. Shrinks
     * toward 0. Random search picks uniformly, with a small bias toward both ends of wide ranges.
     */
    public long choice(long maxInclusive) {
        if (maxInclusive < 0) {
            throw new IllegalArgumentException("choice(" + maxInclusive + "): maximum must be >= 0");
        }
        return draw(maxInclusive, -1);
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
        if (range >= 0) {
            return towardZero(lo, hi, choice(range));
        }
        // the range holds more than 2^63 values (so it contains 0): zigzag over 64 bits, then clamp
        long c = bits64();
        long v = (c >>> 1) ^ -(c & 1);
        return Math.max(lo, Math.min(hi, v));
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

    /** A fair coin; shrinks toward false. */
    public boolean bool() {
        return draw(1, -1) == 1;
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
        return draw(1, p) == 1;
    }

    /** One of the items; shrinks toward index 0. An empty list rejects the case (see {@link #assume}). */
    public <T> T pick(List<T> items) {
        if (items.isEmpty()) {
            assume(false);
        }
        return items.get((int) choice(items.size() - 1));
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
        int index = (int) draw(weights.length - 1, -1, weights, total);
        assume(weights[index] > 0);
        return index;
    }

    /** A full 64-bit value from two 32-bit draws (high half first); shrinks toward 0. */
    public long bits64() {
        long hi = draw(UINT32_MAX, -1);
        long lo = draw(UINT32_MAX, -1);
        return (hi << 32) | lo;
    }

    private long draw(long max, double p) {
        return draw(max, p, null, 0);
    }

    /** Fresh values: Bernoulli(p) if {@code p >= 0}, else by {@code weights} if given, else uniform. */
    private long draw(long max, double p, int[] weights, long totalWeight) {
        if (status != null) {
            throw Stop.INSTANCE;   // the property swallowed our signal and kept drawing
        }
        if (size >= maxChoices) {
            stop(Status.OVERRUN);
        }
        long bound = Math.min(max, maxValuePerDraw);
        long v;
        if (size < prefix.length) {
            v = prefix[size];
            if (v < 0 || v > bound) {
                v = 0;
            }
        } else if (fingerprints != null) {
            frontierMax = bound;
            stop(Status.FRONTIER);
            return 0;   // unreachable
        } else if (random == null) {
            v = 0;
        } else if (p >= 0) {
            v = random.nextDouble() < p ? 1 : 0;
        } else if (weights != null) {
            v = sampleWeighted(weights, totalWeight);
        } else {
            v = sampleUniform(bound);
        }
        if (size == choices.length) {
            choices = Arrays.copyOf(choices, Math.min(Math.max(16, size * 2), Math.max(maxChoices, 16)));
        }
        choices[size++] = v;
        return v;
    }

    private long sampleUniform(long n) {
        if (n == 0) {
            return 0;
        }
        if (n >= 16) {   // edge values find off-by-one bugs; 1/32 each
            int r = random.nextInt(32);
            if (r == 0) {
                return 0;
            }
            if (r == 1) {
                return n;
            }
        }
        return n == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(n + 1);
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
     * sequence, an element of a list). The shrinker tries deleting whole spans, which removes a step
     * however many choices it took; nested spans are fine. Close each with {@link #endSpan()}.
     */
    public void startSpan() {
        if (openSpans == null) {
            openSpans = new ArrayDeque<>();
            spans = new ArrayList<>();
        }
        openSpans.push(size);
    }

    /** Ends the innermost open span; empty spans are not recorded. */
    public void endSpan() {
        if (openSpans == null || openSpans.isEmpty()) {
            throw new IllegalStateException("endSpan() without startSpan()");
        }
        int start = openSpans.pop();
        if (size > start) {
            spans.add(new int[] {start, size});
        }
    }

    /** The recorded spans as [start, end) choice indices, in the order they ended. */
    int[][] spans() {
        return spans == null ? new int[0][] : spans.toArray(new int[0][]);
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

    /** True only while the engine re-runs the minimal failing case (or a replay) to build the report. */
    public boolean isFinal() {
        return finalRun;
    }

    /**
     * Exhaustive mode: declares the current state. If another choice prefix already reached an equal
     * state, this case is abandoned and not expanded (its future was already explored). Pass a value with
     * proper {@code equals/hashCode} (a record or immutable copy), not a live mutable object.
     * A no-op in other modes.
     */
    public void fingerprint(Object state) {
        if (fingerprints != null && !fingerprints.visit(state, choices, size)) {
            stop(Status.PRUNED);
        }
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
}
