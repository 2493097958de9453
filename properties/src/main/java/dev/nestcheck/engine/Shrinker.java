package dev.nestcheck.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Shrinks a failing choice sequence, minithesis-style: it only ever edits choices and re-runs the
 * property, keeping an edit when the property still fails the same way. "Smaller" is shortlex order
 * (shorter first, then lexicographically smaller), which every adopted edit strictly decreases, so the
 * loop terminates: at a fixpoint (a round in which no pass improved anything), or when a limit (property
 * calls, or the optional wall time) stops it.
 *
 * <p>A round runs the cheap passes; only when they find nothing does it run the expensive ones, which
 * look at pairs and groups of choices (and at blocks of choices, blind to spans, when the case lies
 * mostly in spans). Each pass is small and says why it exists. Deletions count only when the sequence
 * the property actually used got shorter: a choice replayed past the end reads as 0, so deleting
 * trailing zeros can reproduce the very same case, and that is not progress.
 */
final class Shrinker {

    /** The result of running one candidate: whether it failed the same way, and what the run recorded. */
    record Outcome(boolean interesting, long[] choices, Throwable failure, TestCase.Spans spans, byte[] kinds,
                   long[] maxima, long[] references) {
        Outcome(boolean interesting, long[] choices, Throwable failure) {
            this(interesting, choices, failure, TestCase.Spans.NONE, new byte[0], new long[0], new long[0]);
        }
    }

    @FunctionalInterface
    interface TestFunction {
        /** Runs the candidate; {@code retarget} (may be null) maps reference draws to the birth they must resolve to. */
        Outcome run(long[] candidate, Map<Integer, Long> retarget);
    }

    /** Why shrinking ended. */
    enum End {
        /** A whole round of passes found nothing: a local minimum. */
        FIXPOINT,
        /** The limit on property calls stopped it. */
        CALL_LIMIT,
        /** The wall-time limit stopped it. */
        TIME_LIMIT
    }

    private static final long[] NOT_INTERESTING = new long[0];
    private static final long CACHE_LIMIT = 4_000_000;   // total cached choices before the cache is reset

    /** Unwinds the passes when a limit is reached. */
    private static final class LimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final End why;

        LimitReached(End why) {
            super(null, null, false, false);
            this.why = why;
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

    /**
     * Candidate -> the choices its run used, or NOT_INTERESTING. Shared by the shrinks of one failure
     * (the first and its restarts), since restarts often walk into sequences already tried.
     *
     * <p>It also answers by what a run read (Hypothesis' data tree, flattened): a run depends only on the
     * values its draws returned, so a candidate that begins with the very values an earlier run read (and
     * then stopped reading) runs the same way to the same end. Candidates that differ only after the point
     * where the property stopped (a deletion past a lowered "continue" flag, blocks of several sizes at
     * the same place) then cost one run, not one each.
     */
    static final class Cache {
        private final Map<Key, long[]> map = new HashMap<>();
        private final Map<Long, List<long[][]>> byRead = new HashMap<>();   // (length, hash) -> {read, used, maxima}
        private final java.util.BitSet readLengths = new java.util.BitSet();
        private long choices;

        long[] get(Key key) {
            return map.get(key);
        }

        /**
         * The used choices (or NOT_INTERESTING) of an earlier run whose reads {@code candidate} begins
         * with. A value out of its draw's range reads as 0, so the candidate is compared as it would be
         * read: looked up with the ranges of {@code maxima} (the best run's, which most candidates share
         * up to their edit), confirmed with the earlier run's own, the ones its draws had.
         */
        long[] getByRead(long[] candidate, long[] maxima) {
            int hash = 1;   // Arrays.hashCode of the prefix as read, rolled forward
            for (int length = 1; length <= candidate.length; length++) {
                hash = 31 * hash + Long.hashCode(asRead(candidate, length - 1, maxima));
                if (!readLengths.get(length)) {
                    continue;
                }
                List<long[][]> runs = byRead.get(readKey(length, hash));
                if (runs != null) {
                    for (long[][] run : runs) {
                        if (readsAlike(candidate, run[0], run[2])) {
                            return run[1];
                        }
                    }
                }
            }
            return null;
        }

        /** The value a draw with range {@code maxima[i]} reads from {@code choices[i]} (raw beyond the ranges known). */
        private static long asRead(long[] choices, int i, long[] maxima) {
            long v = choices[i];
            return i < maxima.length && (v < 0 || v > maxima[i]) ? 0 : v;
        }

        private static boolean readsAlike(long[] candidate, long[] read, long[] maxima) {
            for (int i = 0; i < read.length; i++) {
                if (asRead(candidate, i, maxima) != read[i]) {
                    return false;
                }
            }
            return true;
        }

        void put(Key key, long[] used) {
            count(key.choices.length + used.length);
            map.put(key, used);
        }

        /**
         * A run (never a retargeted one) read {@code read}, from draws with ranges {@code maxima}, and then
         * stopped; {@code used} as for {@link #put}.
         */
        void putRead(long[] read, long[] maxima, long[] used) {
            if (read.length == 0 || maxima.length < read.length) {
                return;
            }
            count(2L * read.length);   // the read and its ranges
            readLengths.set(read.length);
            byRead.computeIfAbsent(readKey(read.length, Arrays.hashCode(read)), k -> new ArrayList<>(1))
                    .add(new long[][] {read, used, maxima});
        }

        private static long readKey(int length, int hash) {
            return (long) length << 32 | (hash & 0xFFFF_FFFFL);
        }

        private void count(long n) {
            choices += n;
            if (choices > CACHE_LIMIT) {
                map.clear();
                byRead.clear();
                readLengths.clear();
                choices = n;
            }
        }
    }

    private final TestFunction test;
    private final int maxCalls;
    private final long maxNanos;
    private final Cache cache;
    private long startNanos;
    private boolean progressInRound;
    private boolean blocksRanInRound;

    Outcome best;               // the smallest failing run so far: its choices, spans, kinds, references
    int calls;                  // property runs (cache misses): what the limit counts
    int candidates;             // candidates considered, cache hits included
    int rounds;
    End end;
    boolean stillProgressing;   // when a limit stopped it: the interrupted round had already improved the case
    Duration spent = Duration.ZERO;
    final Map<String, Integer> improvements = new LinkedHashMap<>();   // pass name -> adopted edits
    private String pass = "start";
    private Set<String> skipped = Set.of();

    /**
     * @param failing the failing case, as run (with its spans, kinds and references)
     * @param maxCalls limit on property runs
     * @param maxTime wall-time limit; {@code null} for none
     */
    Shrinker(Outcome failing, TestFunction test, int maxCalls, Duration maxTime) {
        this(failing, test, maxCalls, maxTime, new Cache());
    }

    Shrinker(Outcome failing, TestFunction test, int maxCalls, Duration maxTime, Cache cache) {
        this.best = failing;
        this.test = test;
        this.cache = cache;
        this.maxCalls = maxCalls;
        this.maxNanos = maxTime == null || maxTime.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE
                : maxTime.toNanos();
        remember(new Key(failing.choices()), failing.choices());
    }

    long[] bestChoices() {
        return best.choices();
    }

    Throwable bestFailure() {
        return best.failure();
    }

    /** Runs rounds of passes to a fixpoint or until a limit stops it; the result is in {@link #best}. */
    void shrink() {
        startNanos = System.nanoTime();
        try {
            while (true) {
                rounds++;
                progressInRound = false;
                blocksRanInRound = false;
                cheapPasses();
                if (progressInRound) {
                    continue;
                }
                expensivePasses();
                if (!progressInRound) {
                    break;
                }
            }
            end = End.FIXPOINT;
        } catch (LimitReached e) {
            end = e.why;
            // in the first round nothing is known yet; later, a round that found nothing so far was
            // checking what is probably a local minimum
            stillProgressing = progressInRound || rounds == 1;
        }
        spent = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void cheapPasses() {
        run("delete spans", this::deleteSpans);
        run("replace a span by a nested one of its kind", this::promoteSpans);
        run("zero spans", this::zeroSpans);
        run("minimise span heads", this::minimiseSpanHeads);
        if (mostlyOutsideSpans()) {
            blockPasses();
        }
        run("minimise each choice", this::minimiseEach);
        run("sort sibling spans", this::sortSiblingSpans);
        run("swap and redistribute neighbours", this::swapAndRedistributeNeighbours);
    }

    /** Run only when a round's cheap passes found nothing. */
    private void expensivePasses() {
        if (!blocksRanInRound) {
            blockPasses();
        }
        run("delete runs of sibling spans", this::deleteSiblingRuns);
        run("lower duplicates together", this::lowerDuplicates);
        run("redistribute at any distance", this::redistributeAtAnyDistance);
    }

    /**
     * Deletes and zeroes blocks of choices, blind to spans. A case whose choices lie mostly in spans
     * gets them only with the expensive passes: there they try every position at 8 sizes in every
     * round for under 1% of the edits, which the span passes make (the 31 mutants' shrinks: 19% fewer
     * attempts, no counterexample with more steps). A case drawn mostly outside spans has nothing
     * else to delete with.
     */
    private void blockPasses() {
        blocksRanInRound = true;
        run("delete blocks", this::deleteBlocks);
        run("zero blocks", this::zeroBlocks);
    }

    /** Whether fewer than half of the best case's choices lie in a span. */
    private boolean mostlyOutsideSpans() {
        TestCase.Spans spans = best.spans();
        int covered = 0, coveredTo = 0;
        for (int k = 0; k < spans.count(); k++) {   // spans open in order: a child never reaches past its parent
            int from = Math.max(spans.start()[k], coveredTo), to = spans.end()[k];
            if (to > from) {
                covered += to - from;
                coveredTo = to;
            }
        }
        return 2 * covered < best.choices().length;
    }

    private void run(String name, Runnable p) {
        if (!skipped.contains(name)) {
            pass = name;
            p.run();
        }
    }

    /** Engine tests: leave these passes out (by name), to show which planted bug needs which pass. */
    Shrinker skipping(Set<String> passes) {
        skipped = passes;
        return this;
    }

    static int shortlex(long[] a, long[] b) {
        return a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compare(a, b);
    }

    // ------------------------------------------------------------------ running candidates

    /**
     * Runs the candidate (or answers from the cache) and adopts what it used if it fails the same way
     * and is smaller. True if the candidate fails the same way with a result no larger than the best.
     */
    private boolean consider(long[] candidate) {
        candidates++;
        if (Arrays.equals(candidate, best.choices())) {
            return true;
        }
        Key key = new Key(candidate);
        long[] used = cache.get(key);
        if (used == null) {
            used = cache.getByRead(candidate, best.maxima());
            if (used != null) {
                remember(key, used);
            }
        }
        if (used == null) {
            Outcome o = call(candidate, null);
            used = o.interesting() ? o.choices() : NOT_INTERESTING;
            remember(key, used);
            cache.putRead(o.choices(), o.maxima(), used);
        } else if (used != NOT_INTERESTING && shortlex(used, best.choices()) < 0) {
            call(used, null);   // smaller than the best, known from an earlier shrink of this failure: adopt it
        }
        return used != NOT_INTERESTING && shortlex(used, best.choices()) <= 0;
    }

    /** A candidate whose reference draws must resolve to given objects: not cached by input. */
    private void considerRetargeted(long[] candidate, Map<Integer, Long> retarget) {
        candidates++;
        call(candidate, retarget);
    }

    private Outcome call(long[] candidate, Map<Integer, Long> retarget) {
        if (calls >= maxCalls) {
            throw new LimitReached(End.CALL_LIMIT);
        }
        if (System.nanoTime() - startNanos >= maxNanos) {
            throw new LimitReached(End.TIME_LIMIT);
        }
        calls++;
        Outcome o = test.run(candidate, retarget);
        if (o.interesting()) {
            remember(new Key(o.choices()), o.choices());
            if (shortlex(o.choices(), best.choices()) < 0) {
                best = o;
                progressInRound = true;
                improvements.merge(pass, 1, Integer::sum);
            }
        }
        return o;
    }

    private void remember(Key key, long[] used) {
        cache.put(key, used);
    }

    /** True if best got shorter while running {@code r}: what a deletion must achieve to count. */
    private boolean shortened(Runnable r) {
        int before = best.choices().length;
        r.run();
        return best.choices().length < before;
    }

    private long[] b() {
        return best.choices();
    }

    private boolean replace(int i, long v) {
        long[] cur = b();
        if (i >= cur.length) {
            return false;
        }
        long[] a = cur.clone();
        a[i] = v;
        return consider(a);
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

    private static long[] without(long[] a, int start, int end) {
        long[] out = new long[a.length - (end - start)];
        System.arraycopy(a, 0, out, 0, start);
        System.arraycopy(a, end, out, start, a.length - end);
        return out;
    }

    // ------------------------------------------------------------------ span passes

    /**
     * Deletes whole spans, level by level and last first within a level, so that a step goes at once
     * however many choices it drew: first the top-level spans, then the spans one level down, and so on.
     * A parent is thus tried before its children, which a deletion of the parent removes untried (a long
     * case's batch of commands costs one attempt, not one per command). When a span goes, the siblings
     * just before it are tried with it, in runs that double ({@link #deleteEarlierSiblings}): the
     * irrelevant steps of a long failing case go in a few attempts rather than one each. When the plain
     * deletion does not fail the same way, three repairs are tried: re-pointing later references at the
     * objects they meant ({@link TestCase#pickRef}: deleting an unrelated allocation renumbers them), and
     * lowering the choice before the span or the first choice of the enclosing span by one
     * (length-prefixed encodings: the element goes and the length shrinks with it).
     */
    private void deleteSpans() {
        for (int depth = 0; depth <= maxDepth(best.spans()); depth++) {
            deleteSpansAt(depth);
        }
    }

    private static int[] depths(TestCase.Spans spans) {
        int[] depth = new int[spans.count()];
        for (int k = 0; k < spans.count(); k++) {
            int parent = spans.parent()[k];
            depth[k] = parent >= 0 ? depth[parent] + 1 : 0;   // a parent opens before its children
        }
        return depth;
    }

    private static int maxDepth(TestCase.Spans spans) {
        int max = -1;
        for (int d : depths(spans)) {
            max = Math.max(max, d);
        }
        return max;
    }

    private void deleteSpansAt(int depth) {
        TestCase.Spans spans = best.spans();
        int[] depths = depths(spans);
        for (int k = spans.count() - 1; k >= 0; k--) {
            if (best.spans() != spans) {
                spans = best.spans();   // earlier spans keep their index when a later one is deleted
                depths = depths(spans);
                k = Math.min(k, spans.count() - 1);
                if (k < 0) {
                    break;
                }
            }
            if (depths[k] != depth || spans.length(k) == 0) {
                continue;
            }
            int start = spans.start()[k];
            int end = spans.end()[k];
            int parent = spans.parent()[k];
            TestCase.Spans basis = spans;
            long[] cur = b();
            long[] attempt = without(cur, start, end);
            if (shortened(() -> consider(attempt))) {
                k = deleteEarlierSiblings(k, start, parent);   // the loop goes on before what went
                continue;
            }
            if (depth == 0 && best.spans() != basis) {
                continue;
            }
            Map<Integer, Long> retarget = retargeting(start, end);
            if (!retarget.isEmpty() && shortened(() -> considerRetargeted(attempt, retarget))) {
                continue;
            }
            if (start > 0 && attempt[start - 1] > 0) {
                long[] lowered = attempt.clone();
                lowered[start - 1]--;
                if (shortened(() -> consider(lowered))) {
                    continue;
                }
            }
            int head = parent >= 0 ? basis.start()[parent] : -1;
            if (depth > 0 && head >= 0 && head < start - 1 && attempt[head] > 0) {
                long[] lowered = attempt.clone();
                lowered[head]--;
                consider(lowered);
            }
        }
    }

    /**
     * A span under {@code parent} ending at {@code gap} was just deleted: deletes as many of the adjacent
     * siblings before the gap with it as still fail the same way, trying 1, 2, 3, 4 of them, then
     * doubling, then bisecting (Hypothesis' find_integer). Deleting the first of them alone is what the
     * level's loop tries next anyway, so a needed neighbour costs nothing extra: that attempt is cached.
     * Returns the index of the earliest span deleted ({@code deleted} itself when no sibling went), which
     * the spans before it keep.
     */
    private int deleteEarlierSiblings(int deleted, int gap, int parent) {
        TestCase.Spans spans = best.spans();
        if (gap > b().length) {
            return deleted;   // the shorter run failed before reaching the gap
        }
        List<Integer> before = new ArrayList<>();   // the adjacent siblings before the gap, nearest first
        int edge = gap;
        for (int j = spans.count() - 1; j >= 0; j--) {
            if (spans.parent()[j] == parent && spans.end()[j] == edge && spans.length(j) > 0) {
                before.add(j);
                edge = spans.start()[j];
            }
        }
        if (before.isEmpty()) {
            return deleted;
        }
        long[] base = b();
        TestCase.Spans basis = spans;
        java.util.function.IntPredicate deletes = n -> {
            long[] attempt = without(base, basis.start()[before.get(n - 1)], gap);
            return shortened(() -> consider(attempt));
        };
        int lo = 0;
        int hi = before.size() + 1;   // deleting more siblings than there are is known to fail
        boolean small = true;
        for (int n = 1; n <= 4 && small; n++) {
            small = n < hi && deletes.test(n);
            if (small) {
                lo = n;
            }
        }
        if (small) {
            for (int n = 8; n < hi && deletes.test(n); n *= 2) {
                lo = n;
            }
            hi = Math.min(hi, lo * 2);
            while (lo + 1 < hi) {
                int mid = lo + (hi - lo) / 2;
                if (deletes.test(mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        return lo == 0 ? deleted : before.get(lo - 1);
    }

    /**
     * After deleting choices {@code [start, end)}, where each later reference draw must point: the
     * referent's birth moved by the deleted length if it was born after the gap. References to objects
     * born inside the gap cannot be kept and are left to their replayed choice.
     */
    private Map<Integer, Long> retargeting(int start, int end) {
        long[] refs = best.references();
        Map<Integer, Long> out = new HashMap<>();
        int removed = end - start;
        for (int r = 0; r < refs.length; r += 2) {
            int position = (int) refs[r];
            long birth = refs[r + 1];
            if (position < end || birth >= start && birth < end) {
                continue;
            }
            out.put(position - removed, birth >= end ? birth - removed : birth);
        }
        return out;
    }

    /**
     * Replaces a labelled span by a span of the same label nested inside it: a tree by one of its
     * subtrees (Hypothesis' pivot). Deleting cannot do this when the wanted subtree sits under a node
     * whose other children are needed to parse, and lowering the node's kind drops the subtree too.
     */
    private void promoteSpans() {
        TestCase.Spans spans = best.spans();
        for (int a = 0; a < spans.count(); a++) {
            if (best.spans() != spans) {
                spans = best.spans();
                if (a >= spans.count()) {
                    break;
                }
            }
            String label = spans.label()[a];
            if (label == null) {
                continue;
            }
            for (int d = a + 1; d < spans.count() && spans.start()[d] < spans.end()[a]; d++) {
                if (!label.equals(spans.label()[d]) || spans.length(d) == 0 || spans.length(d) == spans.length(a)) {
                    continue;
                }
                long[] cur = b();
                int as = spans.start()[a], ae = spans.end()[a], ds = spans.start()[d], de = spans.end()[d];
                long[] attempt = new long[cur.length - (ae - as) + (de - ds)];
                System.arraycopy(cur, 0, attempt, 0, as);
                System.arraycopy(cur, ds, attempt, as, de - ds);
                System.arraycopy(cur, ae, attempt, as + de - ds, cur.length - ae);
                if (shortened(() -> consider(attempt))) {
                    break;   // the span's contents changed: go on with the next one
                }
            }
        }
    }

    /**
     * Deletes runs of 2 to 8 adjacent sibling spans at once, last first: steps that only make sense
     * together (open a context, use it, close it; create an object and the step that frees it) can often
     * go only all at once, since deleting any one of them alone changes what the others do.
     */
    private void deleteSiblingRuns() {
        for (int length = 8; length >= 2; length--) {
            TestCase.Spans spans = best.spans();
            List<int[]> runs = siblingRuns(spans, length);
            for (int r = runs.size() - 1; r >= 0; r--) {
                if (best.spans() != spans) {
                    spans = best.spans();
                    runs = siblingRuns(spans, length);
                    r = Math.min(r, runs.size());
                    continue;
                }
                int[] run = runs.get(r);
                long[] attempt = without(b(), run[0], run[1]);
                shortened(() -> consider(attempt));
            }
        }
    }

    /** [start, end) of every run of {@code length} adjacent, non-empty siblings. */
    private static List<int[]> siblingRuns(TestCase.Spans spans, int length) {
        Map<Integer, List<Integer>> children = new TreeMap<>();
        for (int k = 0; k < spans.count(); k++) {
            if (spans.length(k) > 0) {
                children.computeIfAbsent(spans.parent()[k], p -> new ArrayList<>()).add(k);
            }
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> siblings : children.values()) {
            for (int i = 0; i + length <= siblings.size(); i++) {
                boolean adjacent = true;
                for (int j = i + 1; j < i + length; j++) {
                    adjacent &= spans.end()[siblings.get(j - 1)] == spans.start()[siblings.get(j)];
                }
                if (adjacent) {
                    out.add(new int[] {spans.start()[siblings.get(i)], spans.end()[siblings.get(i + length - 1)]});
                }
            }
        }
        out.sort((x, y) -> Integer.compare(x[0], y[0]));
        return out;
    }

    /** Sets every choice of a span to zero, last span first (Hypothesis' zero-examples). */
    private void zeroSpans() {
        TestCase.Spans spans = best.spans();
        for (int k = spans.count() - 1; k >= 0; k--) {
            if (best.spans() != spans) {
                spans = best.spans();
                k = Math.min(k, spans.count() - 1);
                if (k < 0) {
                    break;
                }
            }
            long[] cur = b();
            int start = spans.start()[k], end = Math.min(spans.end()[k], cur.length);
            boolean nonZero = false;
            for (int i = start; i < end; i++) {
                nonZero |= cur[i] != 0;
            }
            if (!nonZero) {
                continue;
            }
            long[] attempt = cur.clone();
            Arrays.fill(attempt, start, end, 0);
            consider(attempt);
        }
    }

    /**
     * Minimises the structural choices first: the first choice of each span and the one just before
     * it (an operation's kind, a list's size class, a list's size). Lowering one of these can drop a
     * long list at once, which block deletion would take thousands of attempts to do.
     */
    private void minimiseSpanHeads() {
        TestCase.Spans spans = best.spans();
        java.util.TreeSet<Integer> heads = new java.util.TreeSet<>();
        for (int k = 0; k < spans.count(); k++) {
            heads.add(spans.start()[k]);
            if (spans.start()[k] > 0) {
                heads.add(spans.start()[k] - 1);
            }
        }
        for (int i : heads.descendingSet()) {
            long[] cur = b();
            if (i < cur.length && cur[i] > 0) {
                binarySearchDown(0, cur[i], v -> replace(i, v));
            }
        }
    }

    /**
     * Puts adjacent sibling spans of the same label in order (the smaller first), as Hypothesis sorts
     * list elements: when the property does not care about the order of two steps or elements, the
     * report shows them in one canonical order, and a later pass may delete what lay between. Unlabelled
     * spans are sorted only at the top level (the steps of a sequence): nested inside a step, an
     * unlabelled span may be anything, and sorting such parts (the commands of an array whose size can
     * only shrink from the end) can push the one that matters out of reach.
     */
    private void sortSiblingSpans() {
        boolean swapped = true;
        while (swapped) {
            swapped = false;
            TestCase.Spans spans = best.spans();
            Map<Integer, List<Integer>> children = new TreeMap<>();
            for (int k = 0; k < spans.count(); k++) {
                if (spans.length(k) > 0) {
                    children.computeIfAbsent(spans.parent()[k], p -> new ArrayList<>()).add(k);
                }
            }
            for (List<Integer> siblings : children.values()) {
                for (int s = 1; s < siblings.size() && !swapped; s++) {
                    int x = siblings.get(s - 1), y = siblings.get(s);
                    if (spans.end()[x] != spans.start()[y]
                            || !java.util.Objects.equals(spans.label()[x], spans.label()[y])
                            || spans.label()[x] == null && spans.parent()[x] >= 0) {
                        continue;
                    }
                    long[] cur = b();
                    int a = spans.start()[x], m = spans.start()[y], e = spans.end()[y];
                    long[] attempt = cur.clone();
                    System.arraycopy(cur, m, attempt, a, e - m);
                    System.arraycopy(cur, a, attempt, a + e - m, m - a);
                    if (shortlex(attempt, cur) < 0) {
                        consider(attempt);
                        swapped = best.choices() != cur;
                    }
                }
                if (swapped) {
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------------ choice passes

    /**
     * Deletes blocks of 8, 7, ..., 1 choices at every position, also with the choice before the block
     * lowered by one. Every size rather than minithesis' powers of two, because a step drawn as 3 choices
     * (continue flag + op + argument) cannot be removed by blocks of 2 and 4 without misaligning everything
     * after it. Only a shorter result counts: otherwise the "lowered" variant would count a value down
     * one at a time.
     */
    private void deleteBlocks() {
        for (int k = 8; k > 0; k--) {
            int i = b().length - k;
            while (true) {
                i = Math.min(i, b().length - k);
                if (i < 0) {
                    break;
                }
                int at = i, size = k;
                long[] attempt = without(b(), at, at + size);
                boolean progress = shortened(() -> consider(attempt));
                if (!progress && at > 0 && attempt[at - 1] > 0) {
                    long[] lowered = attempt.clone();
                    lowered[at - 1]--;
                    progress = shortened(() -> consider(lowered));
                }
                if (!progress) {
                    i--;   // on progress, stay: the block that slid into position i gets its turn
                }
            }
        }
    }

    /** Sets blocks of 8, 4 and 2 choices to zero (one at a time is {@link #minimiseEach}'s job). */
    private void zeroBlocks() {
        for (int k = 8; k > 1; k /= 2) {
            int i = b().length - k;
            while (true) {
                i = Math.min(i, b().length - k);
                if (i < 0) {
                    break;
                }
                long[] cur = b();
                boolean allZero = true;
                for (int j = i; j < i + k; j++) {
                    allZero &= cur[j] == 0;
                }
                if (allZero) {
                    i--;
                    continue;
                }
                long[] a = cur.clone();
                Arrays.fill(a, i, i + k, 0);
                i -= consider(a) ? k : 1;
            }
        }
    }

    /**
     * Minimises each choice by binary search, last first. A wide integer draw that binary search leaves
     * above 16 also gets the values 1..15 tried in order, since a property may fail on values scattered
     * through the range (x % 7 == 3) where binary search, assuming "fails above some bound", stops at a
     * large one.
     */
    private void minimiseEach() {
        for (int i = b().length - 1; i >= 0; i--) {
            long[] cur = b();
            if (i < cur.length && cur[i] > 0) {
                int index = i;
                binarySearchDown(0, cur[i], v -> replace(index, v));
                cur = b();
                byte[] kinds = best.kinds();
                if (i < cur.length && cur[i] > 16 && i < kinds.length && kinds[i] == TestCase.INT
                        && best.maxima()[i] >= TestCase.WIDE) {
                    for (long v = 1; v < 16 && !replace(index, v); v++) {
                        // the first small value that still fails wins
                    }
                }
            }
        }
    }

    /**
     * Swaps out-of-order choices at distance 2 and 1, and moves "mass" from the left one to the right one
     * by binary search (so that an element can then be deleted, or a sum keeps its total).
     */
    private void swapAndRedistributeNeighbours() {
        for (int k = 2; k >= 1; k--) {
            for (int i = b().length - 1 - k; i >= 0; i--) {
                int j = i + k;
                long[] cur = b();
                if (j >= cur.length) {
                    continue;
                }
                if (cur[i] > cur[j]) {
                    long[] a = cur.clone();
                    a[i] = cur[j];
                    a[j] = cur[i];
                    consider(a);
                }
                cur = b();
                if (j < cur.length && cur[i] > 0) {
                    long pi = cur[i];
                    long pj = cur[j];
                    int fi = i;
                    long[] base = cur;
                    binarySearchDown(0, pi, v -> {
                        long raised = pj + (pi - v);
                        if (raised < 0) {
                            return false;
                        }
                        long[] a = base.clone();
                        a[fi] = v;
                        a[j] = raised;
                        return consider(a);
                    });
                }
            }
        }
    }

    /**
     * Lowers every occurrence of a repeated value together, by binary search. A property that needs two
     * equal values ({@code x == y}, or the same handle used twice) fails again only if both move at once,
     * which no single-choice pass can do.
     */
    private void lowerDuplicates() {
        long[] start = b();
        byte[] kinds = best.kinds();
        Map<Long, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < start.length; i++) {
            if (start[i] > 0) {
                long key = start[i] * 4 + (i < kinds.length ? kinds[i] : 3);   // same value and kind
                groups.computeIfAbsent(key, v -> new ArrayList<>()).add(i);
            }
        }
        for (List<Integer> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            long[] cur = b();
            int first = group.get(0);
            if (cur.length != start.length || cur[first] != start[first]) {
                continue;   // an earlier group's change moved things: the next round looks again
            }
            long value = cur[first];
            binarySearchDown(0, value, v -> {
                long[] a = b().clone();
                for (int i : group) {
                    if (i < a.length) {
                        a[i] = v;
                    }
                }
                return consider(a);
            });
        }
    }

    /**
     * Moves as much as possible of one integer choice into a later one, at any distance: two numbers in
     * different list elements or steps can then trade mass (a sum that must reach a bound keeps its
     * total while the earlier number goes to zero). Neighbours get a binary search in
     * {@link #swapAndRedistributeNeighbours}; far pairs get this one probe each, since there are many.
     */
    private void redistributeAtAnyDistance() {
        for (int i = 0; i < b().length; i++) {
            for (int j = i + 3; j < b().length; j++) {
                long[] cur = b();
                byte[] kinds = best.kinds();
                long[] maxima = best.maxima();
                if (cur[i] == 0 || i >= kinds.length || j >= kinds.length
                        || kinds[i] != TestCase.INT || kinds[j] != TestCase.INT) {
                    continue;
                }
                long room = maxima[j] - cur[j];
                if (room <= 0) {
                    continue;
                }
                long moved = Math.min(cur[i], room);
                long[] a = cur.clone();
                a[i] -= moved;
                a[j] += moved;
                consider(a);
            }
        }
    }
}
