package dev.nestcheck.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
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
 * (one {@link SplittableRandom} split per case), and shrinking is a deterministic function of the failing
 * sequence, so the same seed gives the same run.
 *
 * <p>Programmatic use: {@code Engine.run(tc -> {...}, Settings.defaults().withSeed(1)).assertPassed();}
 */
public final class Engine {

    private static final Set<String> ENGINE_CLASSES = Set.of(
            "TestCase", "Engine", "Generator", "Generators", "Shrinker", "NestPropertyExtension", "Property");

    private final Property property;
    private final Settings settings;
    private final long seed;
    private final Statistics statistics = new Statistics();
    private final Map<Object, long[]> fingerprints = new HashMap<>();
    private long casesRun;
    private long valid;
    private long rejected;
    private long overruns;
    private long pruned;
    private long draws;
    private boolean exhaustiveComplete;
    private String failureOrigin;

    private Engine(Property property, Settings settings) {
        this.property = property;
        this.settings = settings;
        this.seed = settings.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
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
        Failure failure;
        if (settings.replay().isPresent()) {
            failure = replay(ReplayToken.decode(settings.replay().get()));
        } else if (settings.mode() == Mode.EXHAUSTIVE) {
            failure = explore(start);
        } else {
            failure = search(start);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<String> unmet = failure != null ? List.of() : settings.coverage().stream()
                .map(c -> c.check(statistics)).flatMap(Optional::stream).collect(Collectors.toList());
        String unsatisfied = null;
        if (failure == null && valid == 0 && rejected + overruns > 0) {
            unsatisfied = "no valid test case: " + rejected + " rejected by assume/filter, " + overruns
                    + " overran the " + settings.maxChoices() + "-choice limit"
                    + (settings.replay().isPresent() ? " (does the replay token belong to this property?)" : "");
        }
        RunResult.Counters counters = new RunResult.Counters(casesRun, valid, rejected, overruns, pruned, draws,
                fingerprints.size(), elapsed);
        return new RunResult(settings, seed, counters, statistics, failure, unmet, unsatisfied, exhaustiveComplete);
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
        switch (tc.status) {
            case VALID:
            case INTERESTING:
                valid++;
                statistics.record(tc.labels());
                break;
            case INVALID:
                rejected++;
                break;
            case OVERRUN:
                overruns++;
                break;
            case PRUNED:
                pruned++;
                break;
            default:
                break;
        }
    }

    // ------------------------------------------------------------------ random search

    private Failure search(long start) {
        SplittableRandom master = new SplittableRandom(seed);
        long tries = shareOfTries();
        long maxCases = 10L * tries;
        long deadline = settings.timeBudget().map(d -> start + saturatedNanos(d)).orElse(Long.MAX_VALUE);
        while (valid < tries && casesRun < maxCases && System.nanoTime() - deadline < 0) {
            TestCase tc = TestCase.generating(nextOfShard(master), settings);
            Throwable thrown = execute(tc);
            count(tc);
            if (thrown != null) {
                return shrinkAndReport(tc.choices(), thrown, master, deadline);
            }
        }
        return null;
    }

    // STAND-IN for h13's sharding (issue 13), added by issue 16 (h16); drop at merge.
    private long position;

    /** This shard's share of the tries: the positions below tries that belong to it. */
    private long shareOfTries() {
        int n = settings.shardCount(), k = settings.shardIndex();
        long t = settings.tries();
        return n == 1 ? t : Math.max(0, (t - k + n - 1) / n);
    }

    /** The random source of this shard's next case: the unsharded run's positions k, k + n, k + 2n, ... */
    private SplittableRandom nextOfShard(SplittableRandom master) {
        int n = settings.shardCount(), k = settings.shardIndex();
        for (;;) {
            long p = position++;
            SplittableRandom r = master.split();
            if (n == 1 || p % n == k) return r;
        }
    }

    private static long saturatedNanos(Duration d) {
        return d.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE / 2 : d.toNanos();
    }

    /**
     * Shrinking stops in a local minimum that depends on where it started, so after the first failure
     * the search goes on for a while (as many cases again as it took to find it, at least 200, within
     * tries and the time budget) for up to {@link #EXTRA_FAILURES} more failures of the same kind; each
     * is shrunk within what is left of the shrink budget and the smallest result is reported.
     * Deterministic for a seed, like the rest.
     */
    static final int EXTRA_FAILURES = 8;

    private Failure shrinkAndReport(long[] failing, Throwable thrown, SplittableRandom master, long deadline) {
        failureOrigin = origin(thrown);
        long casesToFirst = casesRun;
        Shrinker best = shrink(failing, thrown, settings.shrinkMaxAttempts(), settings.shrinkMaxTime());
        int attempts = best.attempts;
        Duration spent = best.spent;
        boolean exhausted = best.budgetExhausted;
        int found = 0;
        long limit = Math.min(casesRun + Math.max(casesToFirst, 200), 10L * settings.tries());
        while (!exhausted && found < EXTRA_FAILURES && casesRun < limit && valid < settings.tries()
                && System.nanoTime() - deadline < 0) {
            TestCase tc = TestCase.generating(nextOfShard(master), settings);
            Throwable t = execute(tc);
            count(tc);
            if (t == null || !origin(t).equals(failureOrigin)) continue;
            found++;
            // the attempt and time budgets are for the whole shrink phase, restarts included
            Shrinker next = shrink(tc.choices(), t, settings.shrinkMaxAttempts() - attempts,
                    settings.shrinkMaxTime().minus(spent));
            attempts += next.attempts;
            spent = spent.plus(next.spent);
            exhausted |= next.budgetExhausted;
            if (Shrinker.shortlex(next.best, best.best) < 0) best = next;
        }
        Failure.ShrinkStats stats = new Failure.ShrinkStats(attempts, spent, exhausted);
        return finalRun(best.best, best.bestFailure, failing.length, casesToFirst, stats, "random search");
    }

    private Shrinker shrink(long[] failing, Throwable thrown, int maxAttempts, Duration maxTime) {
        Shrinker shrinker = new Shrinker(failing, thrown, this::shrinkRun, maxAttempts,
                maxTime.isNegative() ? Duration.ZERO : maxTime);
        shrinker.shrink();
        return shrinker;
    }

    private Shrinker.Outcome shrinkRun(long[] candidate) {
        TestCase tc = TestCase.replaying(candidate, settings, false);
        Throwable thrown = execute(tc);
        boolean interesting = thrown != null && origin(thrown).equals(failureOrigin);
        return new Shrinker.Outcome(interesting, tc.choices(), thrown, tc.spans());
    }

    /** Re-runs the minimal case with {@link TestCase#isFinal()} true, collecting its notes and exception. */
    private Failure finalRun(long[] choices, Throwable earlier, int originalCount, Failure.ShrinkStats stats,
                             String how) {
        return finalRun(choices, earlier, originalCount, casesRun, stats, how);
    }

    private Failure finalRun(long[] choices, Throwable earlier, int originalCount, long casesBefore,
                             Failure.ShrinkStats stats, String how) {
        TestCase tc = TestCase.replaying(choices, settings, true);
        Throwable thrown = execute(tc);
        if (thrown == null) {
            thrown = new AssertionError("Flaky: the minimal case passed when re-run for this report, so the"
                    + " failure depends on more than the choices (time, shared or leftover state, ...);"
                    + " the cause is the exception it threw before", earlier);
        }
        return new Failure(settings, seed, choices, thrown, tc.notes(), originalCount, casesBefore, stats, how);
    }

    // ------------------------------------------------------------------ replay

    private Failure replay(long[] choices) {
        TestCase tc = TestCase.replaying(choices, settings, true);
        Throwable thrown = execute(tc);
        count(tc);
        if (thrown == null) {
            return null;
        }
        return new Failure(settings, seed, tc.choices(), thrown, tc.notes(), choices.length, 1,
                Failure.ShrinkStats.NONE, "replay");
    }

    // ------------------------------------------------------------------ exhaustive

    /**
     * Breadth-first prefix expansion: run a prefix; if the property wants a choice beyond it, enqueue the
     * prefix extended by every value the draw allows (clamped to maxValuePerDraw). Shorter sequences run
     * first, so the first failure has minimal length (and is lexicographically first among those).
     * A fingerprint already reached by a different prefix prunes the case: its future was explored.
     */
    private Failure explore(long start) {
        TestCase.Fingerprints registry = (state, choices, length) -> {
            long[] first = fingerprints.putIfAbsent(state, Arrays.copyOf(choices, length));
            return first == null || Arrays.equals(first, 0, first.length, choices, 0, length);
        };
        long deadline = settings.timeBudget().map(d -> start + saturatedNanos(d)).orElse(Long.MAX_VALUE);
        ArrayDeque<long[]> queue = new ArrayDeque<>();
        queue.add(new long[0]);
        while (!queue.isEmpty()) {
            if (casesRun >= settings.maxRuns() || System.nanoTime() - deadline >= 0) {
                return null;
            }
            long[] prefix = queue.poll();
            TestCase tc = TestCase.exploring(prefix, settings, registry);
            Throwable thrown = execute(tc);
            count(tc);
            if (thrown != null) {
                long[] choices = tc.choices();
                return finalRun(choices, thrown, choices.length, Failure.ShrinkStats.NONE, "exhaustive search");
            }
            if (tc.status == TestCase.Status.FRONTIER) {
                for (long v = 0; v <= tc.frontierMax; v++) {
                    long[] next = Arrays.copyOf(prefix, prefix.length + 1);
                    next[prefix.length] = v;
                    queue.add(next);
                }
            }
        }
        exhaustiveComplete = true;
        return null;
    }

    // ------------------------------------------------------------------ failure identity

    /**
     * Identifies "the same failure" while shrinking, as Hypothesis does: the exception type plus the
     * first stack frame outside the JDK, test frameworks and this engine. Without it the shrinker would
     * happily slip from the bug it found to a different, simpler one.
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
