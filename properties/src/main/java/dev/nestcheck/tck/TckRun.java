package dev.nestcheck.tck;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.engine.Statistics;
import dev.nestcheck.report.CounterexampleText;
import dev.nestcheck.report.RuleCatalogue;
import dev.nestcheck.report.RuleCoverage;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.report.Versions;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What one TCK class checked, gathered over its tests: per policy the run and its report folder,
 * and the corpus traces replayed. After the class it prints one line of totals, writes
 * {@code summary.md} and {@code summary.json} next to the counterexample folders (as
 * {@code nestcheck check} does) when something failed. (A policy test that ran no case fails itself.)
 */
final class TckRun implements BeforeAllCallback, AfterAllCallback {
    private static final Map<Class<?>, TckRun> RUNS = new ConcurrentHashMap<>();

    private final Class<?> testClass;
    private final Map<Policy, Conformance.Result> results = new EnumMap<>(Policy.class);
    private final Map<Policy, String> folders = new EnumMap<>(Policy.class);
    private final Map<Policy, Counterexample> counterexamples = new EnumMap<>(Policy.class);
    private String timeoutText = "2 s";
    private String implementation;
    private int corpusPassed;
    private int corpusFailed;
    private final long start = System.nanoTime();

    /** The extension instance JUnit creates; the per-class state lives in {@link #of}. */
    public TckRun() {
        this.testClass = null;
    }

    private TckRun(Class<?> testClass) {
        this.testClass = testClass;
    }

    static TckRun of(Class<?> testClass) {
        return RUNS.computeIfAbsent(testClass, TckRun::new);
    }

    /** {@code -Dnestcheck.reports=DIR}/Class, else {@code target/nestcheck-reports/Class} of the project. */
    Path reportDir() {
        String dir = System.getProperty("nestcheck.reports");
        Path base = dir != null && !dir.isBlank() ? Paths.get(dir.strip())
                : Paths.get(System.getProperty("basedir", "."), "target", "nestcheck-reports");
        return base.resolve(testClass.getSimpleName()).toAbsolutePath().normalize();
    }

    /** What the TCK class checks: a registered name (ByNameVerification), else the class itself. */
    synchronized void implementation(String label) {
        implementation = label;
    }

    synchronized void timeout(Duration t) {
        timeoutText = t == null || t.isZero() || t.isNegative() ? "none"
                : t.toMillis() % 1000 == 0 ? t.toSeconds() + " s" : t.toMillis() + " ms";
    }

    synchronized void policy(Policy p, Conformance.Result r, String folder, Counterexample cx) {
        results.put(p, r);
        if (folder != null) folders.put(p, folder);
        if (cx != null) counterexamples.put(p, cx);
    }

    /**
     * The first policy whose case hung in process, with the hang ({@code hung in attach for 2 s under ICTX}):
     * its thread cannot be stopped, so the policies after it are not started (as {@code check} stops).
     */
    synchronized java.util.Optional<String> hung() {
        for (Map.Entry<Policy, Counterexample> e : counterexamples.entrySet()) {
            java.util.Optional<String> h = CounterexampleText.hang(e.getValue());
            if (h.isPresent()) return java.util.Optional.of("hung in " + h.get() + " under " + e.getKey());
        }
        return java.util.Optional.empty();
    }

    synchronized void corpusTrace(boolean passed) {
        if (passed) corpusPassed++;
        else corpusFailed++;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        TckRun run = new TckRun(context.getRequiredTestClass());
        RUNS.put(run.testClass, run);
        // a replay (the command a failure prints) runs one case: the earlier run's reports stay, the
        // replayed policy's folder is written again, and the earlier summary still describes them all
        if (replaying()) return;
        // reports of an earlier run of this class would sit next to this run's summary: remove them
        Path dir = run.reportDir();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | RuntimeException ignored) {
                // best effort: a stale folder is named in no summary
            }
        }
    }

    /** Whether this run replays one case ({@code -Dnestcheck.replay=TOKEN}) rather than searching. */
    private static boolean replaying() {
        String token = System.getProperty("nestcheck.replay");
        return token != null && !token.isBlank();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TckRun run = RUNS.remove(context.getRequiredTestClass());
        if (run != null) run.finish();
    }

    private synchronized void finish() {
        if (results.isEmpty() && corpusPassed + corpusFailed == 0) return;   // filtered to nothing of ours
        long cases = 0, steps = 0;
        Map<Policy, Statistics> stats = new EnumMap<>(Policy.class);
        RunSummary summary = new RunSummary("TCK", implementation != null ? implementation : testClass.getName(),
                System.getProperty("nestcheck.platform", "random small platforms (drawn per case)"),
                results.values().stream().findFirst().map(r -> r.run().seed()).orElse(0L),
                results.values().stream().findFirst().map(r -> r.run().settings().tries() + " tries per policy")
                        .orElse("-"), timeoutText);
        for (Map.Entry<Policy, Conformance.Result> e : results.entrySet()) {
            Conformance.Result r = e.getValue();
            cases += r.run().casesRun();
            steps += r.steps();
            stats.put(e.getKey(), r.run().statistics());
            Counterexample cx = counterexamples.get(e.getKey());
            RunSummary.Status status = r.passed() ? RunSummary.Status.CONFORMANT
                    : cx != null && cx.kind() == Counterexample.Kind.CRASH ? RunSummary.Status.CRASH
                    : RunSummary.Status.COUNTEREXAMPLE;
            summary.add(new RunSummary.PolicyRun(e.getKey(), status, r.run().casesRun(), r.steps(), r.run().seed(),
                    r.run().elapsed(), cx == null ? (r.passed() ? null : "failed") : CounterexampleText.title(cx),
                    r.run().failure().map(f -> f.replayToken()).orElse(null), folders.get(e.getKey()),
                    r.run().failure().map(f -> f.casesBeforeFailure()).orElse(-1L)));
        }
        RuleCoverage coverage = new RuleCoverage(RuleCatalogue.builtIn(), stats);
        summary.coverage(coverage).elapsed(Duration.ofNanos(System.nanoTime() - start));
        long failed = results.values().stream().filter(r -> !r.passed()).count();
        String line = String.format(Locale.ROOT, "nestcheck TCK: %s checked %d %s (%s), %s, %s; "
                        + "corpus: %d of %d traces conform; %s; %s",
                testClass.getSimpleName(), results.size(), results.size() == 1 ? "policy" : "policies",
                String.join(", ", results.keySet().stream().map(Enum::name).toList()),
                dev.nestcheck.conformance.Describe.counted(cases, "case", "cases"),
                dev.nestcheck.conformance.Describe.counted(steps, "step", "steps"), corpusPassed, corpusPassed + corpusFailed,
                failed == 0 ? "no counterexample" : dev.nestcheck.conformance.Describe.count(failed, "policy", "policies") + " failed",
                Versions.line());
        System.out.println(line);
        if (!replaying()) System.out.println("nestcheck TCK: " + coverage.line());   // one replayed case covers little
        if ((failed > 0 || !folders.isEmpty()) && !replaying()) {
            try {
                summary.write(reportDir());
                System.out.println("nestcheck TCK: report " + reportDir().resolve(RunSummary.MARKDOWN));
            } catch (RuntimeException e) {
                System.out.println("nestcheck TCK: summary not written: " + e.getMessage());
            }
        }
    }
}
