package dev.nestcheck.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Shrinks a failing choice sequence, minithesis-style: it only ever edits choices and re-runs the
 * property, keeping an edit when the property still fails the same way. "Smaller" is shortlex order
 * (shorter first, then lexicographically smaller), which every pass strictly decreases, so the loop of
 * passes terminates; it stops at a fixpoint or when the attempt or time budget runs out.
 *
 * <p>Passes: delete blocks of 8, 7, ..., 1 choices (also with the choice before the block lowered by
 * one, for length-prefixed encodings; every size rather than minithesis' powers of two, because a step
 * drawn as 3 choices, e.g. continue flag + op + argument, cannot be removed by blocks of 2 and 4 without
 * misaligning everything after it); set blocks of 8, 4, 2 to zero; minimise each choice by binary search;
 * swap out-of-order choices at distance 2 and 1, and lower one of them while raising the other by the same
 * amount (moves "mass" rightwards so an element can then be deleted).
 */
final class Shrinker {

    /** The result of running one candidate: whether it failed the same way, and the choices it used. */
    record Outcome(boolean interesting, long[] choices, Throwable failure, int[][] spans) {
        Outcome(boolean interesting, long[] choices, Throwable failure) {
            this(interesting, choices, failure, new int[0][]);
        }
    }

    @FunctionalInterface
    interface TestFunction {
        Outcome run(long[] candidate);
    }

    private static final long[] NOT_INTERESTING = new long[0];
    private static final long CACHE_LIMIT = 4_000_000;   // total cached choices before the cache is reset

    /** Unwinds the passes when the budget runs out. */
    private static final class BudgetExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExhausted() {
            super(null, null, false, false);
        }
    }

    /** A cache key comparing sequences by content (callers never mutate an array after passing it). */
    private static final class Key {
        final long[] choices;
        final int hash;

        Key(long[] choices) {
            this.choices = choices;
            this.hash = Arrays.hashCode(choices);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).hash == hash && Arrays.equals(((Key) o).choices, choices);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final TestFunction test;
    private final int maxAttempts;
    private final long maxNanos;
    private final Map<Key, long[]> cache = new HashMap<>();   // candidate -> used choices, or NOT_INTERESTING
    private long cachedChoices;
    private long startNanos;

    long[] best;
    int[][] bestSpans;          // the spans of best's run, or null until known
    Throwable bestFailure;
    int attempts;
    boolean budgetExhausted;
    Duration spent = Duration.ZERO;

    Shrinker(long[] failing, Throwable failure, TestFunction test, int maxAttempts, Duration maxTime) {
        this.best = failing.clone();
        this.bestFailure = failure;
        this.test = test;
        this.maxAttempts = maxAttempts;
        this.maxNanos = maxTime.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : maxTime.toNanos();
    }

    /** Runs the passes to a fixpoint or until the budget is spent; the result is in {@link #best}. */
    void shrink() {
        startNanos = System.nanoTime();
        try {
            long[] previous = null;
            while (!Arrays.equals(previous, best)) {
                previous = best;
                deleteSpans();
                zeroSpans();
                minimiseSpanHeads();
                deleteBlocks();
                zeroBlocks();
                minimiseEach();
                sortTopLevelSpans();
                swapAndRedistribute();
            }
        } catch (BudgetExhausted e) {
            budgetExhausted = true;
        }
        spent = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    static int shortlex(long[] a, long[] b) {
        return a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compare(a, b);
    }

    /**
     * True if the candidate fails the same way and what it used is no worse than the current best
     * (adopting it if it is better). Results are cached, so revisiting a sequence costs nothing.
     */
    private boolean consider(long[] candidate) {
        if (Arrays.equals(candidate, best)) {
            return true;
        }
        Key key = new Key(candidate);
        long[] used = cache.get(key);
        if (used == null) {
            if (attempts >= maxAttempts || System.nanoTime() - startNanos >= maxNanos) {
                throw new BudgetExhausted();
            }
            attempts++;
            Outcome o = test.run(candidate);
            used = o.interesting() ? o.choices() : NOT_INTERESTING;
            remember(key, used);
            if (o.interesting() && !Arrays.equals(o.choices(), candidate)) {
                remember(new Key(o.choices()), o.choices());
            }
            if (o.interesting() && shortlex(o.choices(), best) < 0) {
                best = o.choices();
                bestSpans = Arrays.equals(o.choices(), candidate) || o.spans().length > 0 ? o.spans() : null;
                bestFailure = o.failure();
            }
        }
        return used != NOT_INTERESTING && shortlex(used, best) <= 0;
    }

    private void remember(Key key, long[] used) {
        cachedChoices += key.choices.length + used.length;
        if (cachedChoices > CACHE_LIMIT) {
            cache.clear();
            cachedChoices = 0;
        }
        cache.put(key, used);
    }

    /** Like minithesis' bin_search_down: assumes {@code f(hi)} holds and finds a small {@code v} with f(v). */
    private static void binarySearchDown(long lo, long hi, LongPredicate f) {
        if (f.test(lo)) {
            return;
        }
        while (lo + 1 < hi) {
            long mid = lo + (hi - lo) / 2;
            if (f.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }

    private boolean replace(int i, long v) {
        if (i >= best.length) {
            return false;
        }
        long[] a = best.clone();
        a[i] = v;
        return consider(a);
    }

    private boolean replace(int i, long vi, int j, long vj) {
        if (i >= best.length || j >= best.length) {
            return false;
        }
        long[] a = best.clone();
        a[i] = vi;
        a[j] = vj;
        return consider(a);
    }

    /**
     * Deletes whole spans (see {@link TestCase#startSpan()}), last first, so that a step is removed at
     * once however many choices it drew; also with the choice before the span lowered by one, and with
     * the first choice of the enclosing span lowered by one (a length-prefixed list: the element goes
     * and the length shrinks with it).
     */
    private void deleteSpans() {
        deleteSpans(true);   // whole steps first: cheap, and each success removes their inner spans too
        deleteSpans(false);
    }

    private void deleteSpans(boolean topLevelOnly) {
        int[][] spans = topLevelOnly ? topLevel(currentSpans()) : currentSpans();
        int[][] basis = bestSpans;
        for (int k = spans.length - 1; k >= 0; k--) {
            if (bestSpans != basis) {
                // best changed: go on from the same position on its own spans (earlier ones are unmoved)
                spans = topLevelOnly ? topLevel(currentSpans()) : currentSpans();
                basis = bestSpans;
                k = Math.min(k + 1, spans.length);
                continue;
            }
            int start = spans[k][0], end = spans[k][1];
            if (considerDeletion(start, end - start) || topLevelOnly) continue;
            int parent = enclosing(spans, k);
            if (parent >= 0 && parent < start && best[parent] > 0) {
                long[] attempt = new long[best.length - (end - start)];
                System.arraycopy(best, 0, attempt, 0, start);
                System.arraycopy(best, end, attempt, start, best.length - end);
                attempt[parent]--;
                consider(attempt);
            }
        }
    }

    /** Sets every choice of a span to zero, last span first (Hypothesis' zero-examples). */
    private void zeroSpans() {
        int[][] spans = currentSpans();
        for (int k = spans.length - 1; k >= 0; k--) {
            if (bestSpans != spans) {
                spans = currentSpans();
                k = Math.min(k + 1, spans.length);
                continue;
            }
            int start = spans[k][0], end = spans[k][1];
            boolean nonZero = false;
            for (int i = start; i < end; i++) nonZero |= best[i] != 0;
            if (!nonZero) continue;
            long[] attempt = best.clone();
            Arrays.fill(attempt, start, end, 0);
            consider(attempt);
        }
    }

    /**
     * Moves a top-level span before its left neighbour when that is smaller (steps of a sequence: a
     * step that can come earlier sorts earlier, which can let a later pass delete what lay between).
     */
    private void sortTopLevelSpans() {
        int[][] spans = currentSpans();
        int[][] top = topLevel(spans);
        for (int k = 1; k < top.length; k++) {
            if (bestSpans != spans) {
                spans = currentSpans();
                top = topLevel(spans);
                k = 0;
                continue;
            }
            int a = top[k - 1][0], b = top[k][0], end = top[k][1];
            if (top[k - 1][1] != b) continue;
            long[] attempt = best.clone();
            System.arraycopy(best, b, attempt, a, end - b);
            System.arraycopy(best, a, attempt, a + end - b, b - a);
            if (shortlex(attempt, best) < 0) consider(attempt);
        }
    }

    private int[][] currentSpans() {
        if (bestSpans == null) {
            if (attempts >= maxAttempts) {
                throw new BudgetExhausted();
            }
            attempts++;
            bestSpans = test.run(best).spans();
        }
        return bestSpans;
    }

    /** The start of the innermost span strictly containing span k, or -1 (spans are in end order). */
    private static int enclosing(int[][] spans, int k) {
        for (int j = k + 1; j < spans.length; j++)
            if (spans[j][0] <= spans[k][0] && spans[j][1] >= spans[k][1]
                    && (spans[j][0] < spans[k][0] || spans[j][1] > spans[k][1]))
                return spans[j][0];
        return -1;
    }

    /** Spans not inside any other, in order. */
    private static int[][] topLevel(int[][] spans) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int k = 0; k < spans.length; k++)
            if (enclosing(spans, k) < 0) out.add(spans[k]);
        out.sort((x, y) -> Integer.compare(x[0], y[0]));
        return out.toArray(new int[0][]);
    }

    /**
     * Tries deleting {@code length} choices at {@code start}, then the same with the choice before the
     * gap lowered by one (for length-prefixed encodings); true if best changed.
     */
    private boolean considerDeletion(int start, int length) {
        long[] attempt = new long[best.length - length];
        System.arraycopy(best, 0, attempt, 0, start);
        System.arraycopy(best, start + length, attempt, start, best.length - start - length);
        long[] before = best;
        consider(attempt);
        if (best == before && start > 0 && attempt[start - 1] > 0) {
            long[] lowered = attempt.clone();
            lowered[start - 1]--;
            consider(lowered);
        }
        return best != before;
    }

    private void deleteBlocks() {
        for (int k = 8; k > 0; k--) {
            int i = best.length - k;
            while (true) {
                i = Math.min(i, best.length - k);
                if (i < 0) {
                    break;
                }
                if (!considerDeletion(i, k)) {
                    i--;   // on progress, stay: the block that slid into position i gets its turn
                }
            }
        }
    }

    private void zeroBlocks() {
        for (int k = 8; k > 1; k /= 2) {
            int i = best.length - k;
            while (true) {
                i = Math.min(i, best.length - k);
                if (i < 0) {
                    break;
                }
                long[] a = best.clone();
                Arrays.fill(a, i, i + k, 0);
                i -= consider(a) ? k : 1;
            }
        }
    }

    /**
     * Minimises the structural choices first: the first choice of each span and the one just before
     * it (an operation's kind, a list's size class, a list's size). Lowering one of these can drop a
     * long list at once, which block deletion would take thousands of attempts to do.
     */
    private void minimiseSpanHeads() {
        java.util.TreeSet<Integer> heads = new java.util.TreeSet<>();
        for (int[] span : currentSpans()) {
            heads.add(span[0]);
            if (span[0] > 0) heads.add(span[0] - 1);
        }
        for (int i : heads.descendingSet()) {
            if (i < best.length && best[i] > 0) {
                int index = i;
                binarySearchDown(0, best[i], v -> replace(index, v));
            }
        }
    }

    private void minimiseEach() {
        for (int i = best.length - 1; i >= 0; i--) {
            if (i < best.length) {
                int index = i;
                binarySearchDown(0, best[i], v -> replace(index, v));
            }
        }
    }

    private void swapAndRedistribute() {
        for (int k = 2; k >= 1; k--) {
            for (int i = best.length - 1 - k; i >= 0; i--) {
                int j = i + k;
                if (j >= best.length) {
                    continue;
                }
                if (best[i] > best[j]) {
                    replace(i, best[j], j, best[i]);
                }
                if (j < best.length && best[i] > 0) {
                    long pi = best[i];
                    long pj = best[j];
                    int fi = i;
                    binarySearchDown(0, pi, v -> {
                        long raised = pj + (pi - v);
                        return raised >= 0 && replace(fi, v, j, raised);
                    });
                }
            }
        }
    }
}
