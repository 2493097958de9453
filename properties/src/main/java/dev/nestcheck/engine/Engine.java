package dev.nestcheck.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Runs a {@link Property} according to {@link Settings}: random search then shrinking, exhaustive
 * small-scope enumeration, or the replay of one token. Everything random derives from one master seed
 * (one {@link SplittableRandom} split per case index), and shrinking is a deterministic function of the
 * failing sequence, so the same seed gives the same run.
 *
 * <p>Programmatic use: {@code Engine.run(tc -> {...}, Settings.defaults().withSeed(1)).assertPassed();}
 */
public final class Engine {

    private static final Set<String> ENGINE_CLASSES = Set.of(
            "TestCase", "Engine", "Generator", "Generators", "Shrinker", "NestPropertyExtension", "Property");

    /**
     * Shrinking stops in a local minimum that depends on where it started, so after the first failure
     * the search goes on for a while (as many cases again as it took to find it, at least 200, within
     * tries and the time budget) for up to this many more failures of the same kind; when the first one's
     * shrinking reached a fixpoint, they are shrunk in turn with what is left of that failure's attempt
     * limit, until {@link #FRUITLESS_RESTARTS} in a row found nothing smaller, and the smallest result is
     * reported. Deterministic for a seed, like the rest.
     */
    static final int EXTRA_FAILURES = 8;

    /** Restarts stop paying when this many in a row end no smaller than the best so far. */
    static final int FRUITLESS_RESTARTS = 3;

    /** Failures of other kinds (exception type and location) found meanwhile are kept, up to this many in all. */
    static final int MAX_DISTINCT_FAILURES = 4;

    /** Health checks: warn when more than half the cases were rejected, or 1% or more overran. */
    private static final int HEALTH_MIN_CASES = 20;

    private final Property property;
    private final Settings settings;
    private final long seed;
    private final String identity;
    private final Statistics statistics = new Statistics();
    private final Map<Object, long[]> fingerprints = new HashMap<>();
    private long casesRun;
    private long valid;
    private long rejected;
    private long overruns;
    private long overflows;
    private long pruned;
    private long draws;
    private long nextCaseIndex;
    private long clampedDraws;
    private long widestClamped = -1;
    private long clampedPicks;
    private long widestPick = -1;
    private boolean exhaustiveComplete;
    private String failureOrigin;
    private String unsatisfied;
    private String databaseNote;
    private long shrinkDeadline;
    /** The smallest failing case of the search's first failure so far, for the settings' FailureWatch (else null). */
    private long[] watched;
    private String watchedOrigin;
    private long watchedCasesBefore;

    private Engine(Property property, Settings settings) {
        this.property = property;
        this.settings = settings;
        this.seed = settings.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        this.identity = property.identity();
    }

    /** Runs the property; never throws for a failing property (see {@link RunResult#assertPassed()}). */
    public static RunResult run(Property property, Settings settings) {
        return new Engine(property, settings).run();
    }

    /** Runs the property and throws {@link PropertyFailedError} with the full report unless it passed. */
    public static RunResult check(Property property, Settings settings) {
        RunResult r = run(property, settings);
        r.assertPassed();
        return r;
    }

    private RunResult run() {
        long start = System.nanoTime();
        List<Failure> failures;
        if (settings.replay().isPresent()) {
            failures = replay(settings.replay().get());
        } else if (settings.mode() == Mode.EXHAUSTIVE) {
            failures = explore(start);
        } else {
            failures = search(start);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<String> unmet = !failures.isEmpty() ? List.of() : settings.coverage().stream()
                .map(c -> c.check(statistics)).flatMap(Optional::stream).collect(Collectors.toList());
        if (unsatisfied == null && failures.isEmpty() && valid == 0 && rejected + overruns > 0) {
            unsatisfied = "no valid test case: " + rejected + " rejected by assume/filter"
                    + (overflows > 0 ? " (" + overflows + " of them overflowed the stack while generating)" : "")
                    + ", " + overruns + " overran the " + settings.maxChoices() + "-choice limit"
                    + (settings.replay().isPresent() ? " (does the replay token belong to this property?)" : "");
        }
        RunResult.Counters counters = new RunResult.Counters(casesRun, valid, rejected, overruns, pruned, draws,
                fingerprints.size(), elapsed);
        RunResult.Exhaustive bounds = settings.mode() == Mode.EXHAUSTIVE && settings.replay().isEmpty()
                ? new RunResult.Exhaustive(settings.maxSteps(), settings.maxValuePerDraw(), clampedDraws,
                widestClamped, settings.maxPickAlternatives(), clampedPicks, widestPick,
                settings.maxDeviationsPerStep()) : null;
        return new RunResult(settings, seed, counters, statistics, failures, unmet, unsatisfied, exhaustiveComplete,
                health(), nextCaseIndex, bounds, databaseNote);
    }

    /** Runs the property once; classifies the case in {@code tc.status} and returns what it threw, if failing. */
    private Throwable execute(TestCase tc) {
        Throwable thrown = null;
        try {
            property.check(tc);
        } catch (TestCase.Stop stop) {
            // classified by tc.status
        } catch (Throwable t) {
            thrown = t;
        }
        if (tc.status == null) {
            tc.status = thrown == null ? TestCase.Status.VALID : TestCase.Status.INTERESTING;
        } else {
            thrown = null;   // the engine stopped this case; what the property did afterwards does not count
        }
        return thrown;
    }

    /** Counts a search-phase case (not shrinking runs). */
    private void count(TestCase tc) {
        casesRun++;
        draws += tc.draws();
        if (tc.status != TestCase.Status.FRONTIER) {   // count each sequence's clamps once, when it ends
            clampedDraws += tc.clampedDraws;
            widestClamped = Math.max(widestClamped, tc.widestClamped);
            clampedPicks += tc.clampedPicks;
            widestPick = Math.max(widestPick, tc.widestPick);
        }
        switch (tc.status) {
            case VALID:
            case INTERESTING:
                valid++;
                statistics.record(tc.labels());
                break;
            case INVALID:
                rejected++;
                if (tc.overflowedWhileGenerating) {
                    overflows++;
                }
                break;
            case OVERRUN:
                overruns++;
                break;
            case PRUNED:
                pruned++;
                statistics.record(tc.labels()); // its steps ran up to the state already explored
                break;
            default:
                break;
        }
    }

    /** Health checks of a random search: what makes a passing run test less than it seems. */
    private List<String> health() {
        List<String> out = new ArrayList<>();
        if (settings.mode() != Mode.RANDOM || settings.replay().isPresent() || casesRun < HEALTH_MIN_CASES) {
            return out;
        }
        if (2 * rejected > casesRun) {
            out.add(String.format("%d of %d cases (%d%%) were rejected by assume/filter: the property tests fewer"
                    + " cases than it seems; generate valid values directly", rejected, casesRun,
                    100 * rejected / casesRun));
        }
        if (overruns > 0 && 100 * overruns >= casesRun) {
            out.add(String.format("%d of %d cases hit the length cap of %d choices and were discarded: bound"
                    + " the property's loops, or raise maxChoices", overruns, casesRun, settings.maxChoices()));
        }
        if (overflows > 0) {
            out.add(overflows + " cases were rejected because a generator overflowed the stack: bound its"
                    + " recursion (Generators.recursive takes a maximum depth)");
        }
        return out;
    }

    // ------------------------------------------------------------------ random search

    /** A failure kind (exception type and location) found by the search: its first case and restarts. */
    private static final class Found {
        final String origin;
        final long[] choices;
        final Throwable thrown;
        final long casesBefore;
        final long caseIndex;
        final List<long[]> restarts = new ArrayList<>();

        Found(String origin, long[] choices, Throwable thrown, long casesBefore, long caseIndex) {
            this.origin = origin;
            this.choices = choices;
            this.thrown = thrown;
            this.casesBefore = casesBefore;
            this.caseIndex = caseIndex;
        }
    }

    private List<Failure> search(long start) {
        long deadline = settings.timeBudget().map(d -> start + saturatedNanos(d)).orElse(Long.MAX_VALUE);
        FailureDatabase db = database();
        if (db != null) {
            List<Failure> stored = replayStored(db);
            if (stored != null) {
                return stored;
            }
        }
        SplittableRandom master = new SplittableRandom(seed);
        Map<String, Found> found = new LinkedHashMap<>();
        Found first = null;
        long windowEnd = Long.MAX_VALUE;
        while (moreCases(first, windowEnd, deadline)) {
            SplittableRandom random = master.split();   // once per case index, so that shards agree
            long index = nextCaseIndex++;
            if (index % settings.shardCount() != settings.shardIndex()) {
                continue;
            }
            TestCase tc = TestCase.generating(random, settings);
            Throwable thrown = execute(tc);
            count(tc);
            if (thrown == null) {
                continue;
            }
            String origin = origin(thrown);
            Found f = found.get(origin);
            if (f == null && found.size() < MAX_DISTINCT_FAILURES) {
                found.put(origin, f = new Found(origin, tc.choices(), thrown, casesRun, index));
                if (first == null) {
                    first = f;
                    windowEnd = casesRun + Math.max(casesRun, 200);
                    if (settings.failureWatch() != null) {
                        watched = f.choices;
                        watchedOrigin = origin;
                        watchedCasesBefore = f.casesBefore;
                        tell(false);
                    }
                }
            } else if (f == first && f.restarts.size() < EXTRA_FAILURES) {
                f.restarts.add(tc.choices());
                if (f.restarts.size() == EXTRA_FAILURES) {
                    break;
                }
            }
        }
        List<Failure> failures = new ArrayList<>();
        shrinkDeadline = settings.hasShrinkTimeLimit() ? System.nanoTime() + saturatedNanos(settings.shrinkMaxTime())
                : Long.MAX_VALUE;
        for (Found f : found.values()) {
            failures.add(shrinkAndReport(f, "random search"));
        }
        if (db != null) {
            if (failures.isEmpty()) {
                db.delete(settings.name(), identity);
            } else {
                db.save(settings.name(), identity, failures.get(0).replayToken());
            }
        }
        return failures;
    }

    private boolean moreCases(Found first, long windowEnd, long deadline) {
        if (System.nanoTime() - deadline >= 0 || first != null && casesRun >= windowEnd) {
            return false;
        }
        if (settings.shardCount() > 1) {
            return nextCaseIndex < settings.tries();   // sharded: tries counts case indices
        }
        return valid < settings.tries() && casesRun < 10L * settings.tries();
    }

    private static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE / 2 : d.toNanos();
    }

    /** The failure database, when this run uses one: random seed, a named property, random search. */
    private FailureDatabase database() {
        if (settings.database().isEmpty() || settings.seed().isPresent() || settings.name() == null) {
            return null;
        }
        return new FailureDatabase(settings.database().get());
    }

    /**
     * Replays the property's stored failure first. Still failing: it is shrunk further and reported
     * without a search. Passing, rejected or stored for another identity: forgotten, and the search runs.
     */
    private List<Failure> replayStored(FailureDatabase db) {
        Optional<String> token = db.load(settings.name(), identity);
        if (token.isEmpty()) {
            return null;
        }
        ReplayToken.Decoded d;
        try {
            d = ReplayToken.decodeWithIdentity(token.get());
        } catch (IllegalArgumentException e) {
            db.delete(settings.name(), identity);
            return null;
        }
        if (!d.fits(identity)) {
            db.delete(settings.name(), identity);
            return null;
        }
        TestCase tc = TestCase.replaying(d.choices(), settings, false);
        Throwable thrown = execute(tc);
        count(tc);
        if (thrown == null) {
            db.delete(settings.name(), identity);
            databaseNote = "the failure stored in " + db.file(settings.name(), identity)
                    + " passes now and was deleted";
            return null;
        }
        databaseNote = "replayed the failure stored in " + db.file(settings.name(), identity) + " first";
        shrinkDeadline = settings.hasShrinkTimeLimit() ? System.nanoTime() + saturatedNanos(settings.shrinkMaxTime())
                : Long.MAX_VALUE;
        Failure f = shrinkAndReport(new Found(origin(thrown), tc.choices(), thrown, casesRun, -1), "failure database");
        db.save(settings.name(), identity, f.replayToken());
        return List.of(f);
    }

    /**
     * Shrinks one failure kind and builds its report. The first failing case is run once more before
     * shrinking: if it does not fail the same way again, the failure is flaky and reported as such with
     * its real exception. The first shrink may use the whole attempt limit, so extra failures never starve
     * it; restarts from the extra failures of the same kind share what is left, only run when the first
     * shrink reached a fixpoint (else more budget, not another start, was what it needed), and stop when
     * they stop paying.
     */
    private Failure shrinkAndReport(Found f, String how) {
        failureOrigin = f.origin;
        int limit = settings.shrinkMaxAttempts();
        if (limit == 0) {
            Failure.ShrinkStats none = new Failure.ShrinkStats(0, 0, 0, Duration.ZERO, Failure.ShrinkEnd.ATTEMPT_LIMIT,
                    true, Map.of());
            return finalRun(f.choices, f.thrown, f.choices.length, f.casesBefore, f.caseIndex, none, how);
        }
        long started = System.nanoTime();
        Shrinker.Outcome again = shrinkRun(f.choices, null);
        if (!again.interesting()) {
            return flaky(f, again, how);
        }
        Shrinker.Cache cache = new Shrinker.Cache();
        Shrinker best = shrinker(again, limit - 1, cache);
        int calls = 1 + best.calls;
        int candidates = 1 + best.candidates;
        int rounds = best.rounds;
        Map<String, Integer> improvements = new LinkedHashMap<>(best.improvements);
        int fruitless = 0;
        for (long[] restart : f.restarts) {
            if (best.end != Shrinker.End.FIXPOINT || calls >= limit || System.nanoTime() - shrinkDeadline >= 0
                    || fruitless >= FRUITLESS_RESTARTS) {
                break;
            }
            Shrinker.Outcome o = shrinkRun(restart, null);
            calls++;
            candidates++;
            if (!o.interesting()) {
                continue;
            }
            Shrinker next = shrinker(o, limit - calls, cache);
            calls += next.calls;
            candidates += next.candidates;
            rounds += next.rounds;
            next.improvements.forEach((k, v) -> improvements.merge(k, v, Integer::sum));
            if (Shrinker.shortlex(next.bestChoices(), best.bestChoices()) < 0) {
                best = next;
                fruitless = 0;
            } else {
                fruitless++;
            }
        }
        Failure.ShrinkStats stats = new Failure.ShrinkStats(calls, candidates, rounds,
                Duration.ofNanos(System.nanoTime() - started), end(best.end), best.stillProgressing, improvements);
        return finalRun(best.bestChoices(), best.bestFailure(), f.choices.length, f.casesBefore, f.caseIndex, stats,
                how);
    }

    private Shrinker shrinker(Shrinker.Outcome from, int calls, Shrinker.Cache cache) {
        long left = shrinkDeadline == Long.MAX_VALUE ? -1 : Math.max(0, shrinkDeadline - System.nanoTime());
        Shrinker s = new Shrinker(from, this::shrinkRun, Math.max(0, calls), left < 0 ? null : Duration.ofNanos(left),
                cache).skipping(settings.skippedShrinkPasses());
        s.shrink();
        return s;
    }

    private static Failure.ShrinkEnd end(Shrinker.End e) {
        switch (e) {
            case FIXPOINT: return Failure.ShrinkEnd.FIXPOINT;
            case TIME_LIMIT: return Failure.ShrinkEnd.TIME_LIMIT;
            default: return Failure.ShrinkEnd.ATTEMPT_LIMIT;
        }
    }

    private Shrinker.Outcome shrinkRun(long[] candidate, Map<Integer, Long> retarget) {
        TestCase tc = TestCase.replaying(candidate, settings, false);
        tc.retarget = retarget;
        tc.labelsWanted = false;
        Throwable thrown = execute(tc);
        boolean interesting = thrown != null && origin(thrown).equals(failureOrigin);
        if (interesting && watched != null && failureOrigin.equals(watchedOrigin)
                && Shrinker.shortlex(tc.choices(), watched) < 0) {
            watched = tc.choices();
            tell(true);
        }
        return new Shrinker.Outcome(interesting, tc.choices(), thrown, tc.spans(), tc.kinds(), tc.maxima(),
                tc.references());
    }

    /** Tells the settings' {@link FailureWatch} of the smallest failing case of the search's first failure so far. */
    private void tell(boolean shrinking) {
        FailureWatch w = settings.failureWatch();
        if (w != null) w.failing(watchedCasesBefore, ReplayToken.encode(watched, identity), shrinking);
    }

    /** A failure that did not reproduce: reported with the exception the failing run threw, never shrunk. */
    private Failure flaky(Found f, Shrinker.Outcome again, String how) {
        String then = again.failure() == null ? "passed" : "failed differently (" + again.failure() + ")";
        String text = "FLAKY: this case failed with " + f.thrown + ", then " + then + " when run again with the same"
                + " choices: the outcome depends on more than the choices (time, threads, shared or leftover state,"
                + " ...). The failure shown is the first run's.";
        TestCase tc = TestCase.replaying(f.choices, settings, true);
        execute(tc);
        return new Failure(settings, seed, f.choices, f.thrown, tc.notes(), tc.drawnValues(), f.choices.length,
                f.casesBefore, f.caseIndex, Failure.ShrinkStats.NONE, how, identity, text);
    }

    /** Re-runs the minimal case with {@link TestCase#isFinal()} true, collecting its notes and exception. */
    private Failure finalRun(long[] choices, Throwable earlier, int originalCount, long casesBefore, long caseIndex,
                             Failure.ShrinkStats stats, String how) {
        TestCase tc = TestCase.replaying(choices, settings, true);
        Throwable thrown = execute(tc);
        String flaky = null;
        if (thrown == null || !origin(thrown).equals(origin(earlier))) {
            flaky = "FLAKY: the minimal case failed with " + earlier + " while shrinking, then "
                    + (thrown == null ? "passed" : "failed differently (" + thrown + ")") + " when re-run for this"
                    + " report: the outcome depends on more than the choices (time, threads, shared or leftover"
                    + " state, ...). The failure shown is the one seen while shrinking.";
            thrown = earlier;
        }
        return new Failure(settings, seed, choices, thrown, tc.notes(), tc.drawnValues(), originalCount, casesBefore,
                caseIndex, stats, how, identity, flaky);
    }

    // ------------------------------------------------------------------ replay

    private List<Failure> replay(String token) {
        ReplayToken.Decoded d = ReplayToken.decodeWithIdentity(token);
        Optional<String> mismatch = ReplayToken.mismatch(token, identity);
        if (mismatch.isPresent()) {
            unsatisfied = "replay refused: " + mismatch.get();
            return List.of();
        }
        long[] choices = d.choices();
        TestCase tc = TestCase.replaying(choices, settings, true);
        Throwable thrown = execute(tc);
        count(tc);
        if (thrown == null) {
            return List.of();
        }
        return List.of(new Failure(settings, seed, tc.choices(), thrown, tc.notes(), tc.drawnValues(), choices.length,
                1, -1, Failure.ShrinkStats.NONE, "replay", identity, null));
    }

    // ------------------------------------------------------------------ exhaustive

    /**
     * Breadth-first prefix expansion: run a prefix; if the property wants a choice beyond it, enqueue the
     * prefix extended by every value the draw allows (every flag and pick; integers clamped to
     * maxValuePerDraw). Shorter sequences run first, so the first failure has minimal length (and is
     * lexicographically first among those). A complete fingerprint already reached by a different prefix
     * prunes the case: its future was explored.
     */
    private List<Failure> explore(long start) {
        TestCase.Fingerprints registry = (state, choices, length) -> {
            long[] first = fingerprints.putIfAbsent(state, Arrays.copyOf(choices, length));
            return first == null || Arrays.equals(first, 0, first.length, choices, 0, length);
        };
        long deadline = settings.timeBudget().map(d -> start + saturatedNanos(d)).orElse(Long.MAX_VALUE);
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        queue.add(new long[0]);
        while (!queue.isEmpty()) {
            if (casesRun >= settings.maxRuns() || System.nanoTime() - deadline >= 0) {
                return List.of();
            }
            long[] prefix = queue.poll();
            TestCase tc = TestCase.exploring(prefix, settings, registry);
            Throwable thrown = execute(tc);
            count(tc);
            if (thrown != null) {
                long[] choices = tc.choices();
                failureOrigin = origin(thrown);
                return List.of(finalRun(choices, thrown, choices.length, casesRun, -1, Failure.ShrinkStats.NONE,
                        "exhaustive search"));
            }
            if (tc.status == TestCase.Status.FRONTIER) {
                for (long v : tc.frontier) {
                    long[] next = Arrays.copyOf(prefix, prefix.length + 1);
                    next[prefix.length] = v;
                    queue.add(next);
                }
            }
        }
        exhaustiveComplete = true;
        return List.of();
    }

    // ------------------------------------------------------------------ failure identity

    /**
     * Identifies "the same failure" while shrinking, as Hypothesis does: the exception type plus the
     * first stack frame outside the JDK, test frameworks and this engine. Without it the shrinker would
     * happily slip from the bug it found to a different, simpler one; and failures of different origins
     * are reported separately.
     */
    static String origin(Throwable t) {
        StackTraceElement frame = originFrame(t);
        return t.getClass().getName() + (frame == null ? "" : "@" + frame);
    }

    static StackTraceElement originFrame(Throwable t) {
        if (t == null) {
            return null;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (!isInfrastructure(e.getClassName())) {
                return e;
            }
        }
        return null;
    }

    private static boolean isInfrastructure(String cls) {
        if (cls.startsWith("java.") || cls.startsWith("javax.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
                || cls.startsWith("org.junit.") || cls.startsWith("org.opentest4j.") || cls.startsWith("org.assertj.")) {
            return true;
        }
        String pkg = Engine.class.getPackageName() + ".";
        if (!cls.startsWith(pkg)) {
            return false;
        }
        String simple = cls.substring(pkg.length());
        int dollar = simple.indexOf('$');
        return ENGINE_CLASSES.contains(dollar < 0 ? simple : simple.substring(0, dollar));
    }
}
