package dev.nestcheck.tck;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.CounterexampleText;
import dev.nestcheck.report.Layout;
import dev.nestcheck.report.StackTraces;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Platforms;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The conformance test kit, in the style of the Reactive Streams TCK: extend this class in your
 * test sources and implement {@link #create}; JUnit 5 then runs one conformance test per VMID
 * policy ({@code policy_S2_PARENT_conformsToTheModel}, ...) and replays the regression corpus
 * (shipped in the {@code nestcheck-tck} jar). Name the class so that your test runner picks it up:
 * Surefire's default includes want a name ending in {@code Test}.
 *
 * <pre>{@code
 * class MyNestingConformanceTest extends NestingConformanceVerification {
 *     protected NestingImplementation create(Platform platform) { return new MyNesting(platform); }
 * }
 * }</pre>
 *
 * <p>Each policy test runs the conformance property ({@link Conformance#check}) on small random
 * platforms, as {@code nestcheck check} does and with the same budget (1,000 cases per policy),
 * and prints what it checked. A failure is shrunk to a minimal counterexample; the test fails with
 * it (at most 80 columns wide), writes the same report folder as {@code nestcheck check} under
 * {@code target/nestcheck-reports/<class>/} and prints the Maven command that replays exactly that
 * case. A test that ran no conformance case fails. Tune a run without touching code (system
 * properties, see {@link Settings#withSystemOverrides()}):
 * <ul>
 * <li>{@code -Dnestcheck.tries=N}: cases per policy (default {@link #DEFAULT_TRIES});</li>
 * <li>{@code -Dnestcheck.time=30s}: run each policy for that long instead;</li>
 * <li>{@code -Dnestcheck.seed=S}: repeat a search; {@code -Dnestcheck.replay=TOKEN} with
 *     {@code -Dtest='Class#policy_X_conformsToTheModel'}: re-run exactly one failing case;</li>
 * <li>{@code -Dnestcheck.platform=small|linux-8bit|linux-16bit}: a fixed platform instead of
 *     random small ones; {@code -Dnestcheck.timeout=2s}: per-operation timeout (a hang is a
 *     failure); {@code -Dnestcheck.corpus=DIR}: a folder of traces to replay instead of the
 *     bundled corpus; {@code -Dnestcheck.reports=DIR}: where reports go.</li>
 * </ul>
 */
@ExtendWith(TckRun.class)
public abstract class NestingConformanceVerification {
    /** Cases per policy: the same budget as {@code nestcheck check}. */
    public static final int DEFAULT_TRIES = 1000;

    /** A fresh implementation for the platform, in its initial state. Called once per test case. */
    protected abstract NestingImplementation create(Platform platform);

    /** Cases per policy when {@code -Dnestcheck.tries} is not given. Override for a faster or deeper suite. */
    protected int defaultTries() {
        return DEFAULT_TRIES;
    }

    /** The per-operation timeout when {@code -Dnestcheck.timeout} is not given. */
    protected Duration defaultTimeout() {
        return TimeoutGuard.DEFAULT_TIMEOUT;
    }

    /** The implementation's name in reports: the registered name, or this class's name. */
    protected String implementationLabel() {
        return getClass().getName();
    }

    /** Whether {@link #implementationLabel()} is a registered name that {@code nestcheck} can load. */
    protected boolean registered() {
        return false;
    }

    /**
     * The engine settings of one policy test: the defaults, {@link #defaultTries()}, a name that
     * makes {@code -Dtest} work with a replay token, then the system-property overrides.
     */
    protected Settings settings(Policy policy) {
        // the same safety net for shrinking as check's --shrink-time: a hang costs the timeout per attempt
        return Settings.defaults().withTries(defaultTries()).withShrinkMaxTime(Duration.ofMinutes(2)).withName(testName(policy))
                .withSystemOverrides();
    }

    /** {@code MyNestingConformanceTest#policy_S2_PARENT_conformsToTheModel}: what {@code -Dtest} takes. */
    protected String testName(Policy policy) {
        return getClass().getSimpleName() + "#policy_" + policy + "_conformsToTheModel";
    }

    @Test
    public void policy_S2_PARENT_conformsToTheModel() {
        verify(Policy.S2_PARENT);
    }

    @Test
    public void policy_VIOMMU_conformsToTheModel() {
        verify(Policy.VIOMMU);
    }

    @Test
    public void policy_ICTX_conformsToTheModel() {
        verify(Policy.ICTX);
    }

    @Test
    public void policy_KVM_PINNED_conformsToTheModel() {
        verify(Policy.KVM_PINNED);
    }

    /**
     * Replays every trace of the regression corpus (the {@code corpus/} folder that the
     * {@code nestcheck-tck} jar carries, or {@code -Dnestcheck.corpus=DIR}) against the
     * implementation, one dynamic test per trace. Without a corpus (only nestcheck-properties on
     * the class path) the test is skipped, and says so.
     */
    @TestFactory
    public Stream<DynamicTest> regressionCorpus_replaysConformingly() {
        List<Path> traces = corpus();
        if (traces.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("corpus not on the class path (skipped)",
                    () -> Assumptions.abort("no regression corpus: depend on dev.nestcheck:nestcheck-tck, which"
                            + " carries it, or pass -Dnestcheck.corpus=DIR")));
        }
        Duration timeout = timeout();
        return traces.stream().map(p -> DynamicTest.dynamicTest(String.valueOf(p.getFileName()), () -> {
            Trace t = TraceCodec.read(p);
            TraceReplay.Result r = TraceReplay.replay(t, String.valueOf(p.getFileName()), this::create, null, timeout);
            TckRun.of(getClass()).corpusTrace(r.passed());
            if (!r.passed()) throw new AssertionError(r.report());
        }));
    }

    /** Runs one policy and fails with the counterexample report unless it conforms. */
    protected final void verify(Policy policy) {
        Settings settings = settings(policy);
        // a replay token belongs to one policy: run as a whole class (-Dtest=Class), the other policies
        // are skipped rather than refused; a token of no policy still reaches the engine, which refuses it
        if (settings.replay().isPresent()) {
            java.util.Optional<Policy> owner;
            try {
                owner = ConformanceProperty.policyOf(settings.replay().get());
            } catch (IllegalArgumentException e) {
                owner = java.util.Optional.empty();
            }
            if (owner.isPresent() && owner.get() != policy)
                Assumptions.abort("nestcheck TCK: the replay token is a case of policy " + owner.get() + ", not " + policy
                        + " (skipped)");
        }
        java.util.Optional<String> hung = TckRun.of(getClass()).hung();
        if (hung.isPresent())   // each further policy would hang again, and shrink for minutes, on a new stuck thread
            throw new AssertionError("nestcheck TCK: " + testName(policy) + " not run: the implementation " + hung.get()
                    + ", and a hung thread cannot be stopped: fix that hang first");
        String platformName = System.getProperty("nestcheck.platform");
        platformName = platformName == null || platformName.isBlank() ? null : platformName.strip();
        Platform fixed = platformName == null ? null : Platforms.named(platformName, policy);
        Duration timeout = timeout();
        Function<Platform, NestingImplementation> factory = this::create;
        Conformance.Result result = Conformance.check(TimeoutGuard.factory(factory, timeout), policy, fixed, null,
                settings);
        RunResult run = result.run();
        TckRun tck = TckRun.of(getClass());
        tck.timeout(timeout);
        tck.implementation(implementationLabel());
        if (run.passed() && run.validCases() == 0)
            throw new AssertionError("nestcheck TCK: " + testName(policy) + " ran no conformance case (" + run.summary()
                    + "): nothing was checked");
        if (run.passed()) {
            tck.policy(policy, result, null, null);
            System.out.println(String.format(Locale.ROOT, "nestcheck TCK: %s %s: conformant, %s, %s, seed %d",
                    getClass().getSimpleName(), policy, dev.nestcheck.conformance.Describe.counted(run.casesRun(), "case", "cases"),
                    dev.nestcheck.conformance.Describe.counted(result.steps(), "step", "steps"), run.seed()));
            return;
        }
        Counterexample cx = result.counterexample().orElse(null);
        if (cx == null) {
            tck.policy(policy, result, null, null);
            throw new AssertionError("nestcheck TCK: " + testName(policy) + ": " + run.message());
        }
        String token = run.failure().get().replayToken();
        String cp = System.getProperty(Implementations.CLASSPATH_PROPERTY);
        CounterexampleReport.Origin origin = new CounterexampleReport.Origin(implementationLabel(), policy,
                platformName, run.seed(), token, null)
                .withClasspath(cp == null || cp.isBlank() ? null : cp.strip(), null)
                .withTest(testName(policy), registered());
        String stack = StackTraces.capture(cx, factory, timeout);
        Path folder = tck.reportDir().resolve(policy + "-" + cx.kind().name().toLowerCase(Locale.ROOT));
        CounterexampleReport.Written w = null;
        String writeError = null;
        try {
            w = CounterexampleReport.write(folder, policy + "_" + cx.kind().name().toLowerCase(Locale.ROOT), cx, origin,
                    stack);
        } catch (RuntimeException e) {
            writeError = e.getMessage();
        }
        tck.policy(policy, result, w == null ? null : tck.reportDir().relativize(folder).toString(), cx);
        String message = failureMessage(policy, result, cx, origin, w, writeError);
        System.out.println(message);
        throw new AssertionError(message);
    }

    static String failureMessage(Policy policy, Conformance.Result result, Counterexample cx,
                                 CounterexampleReport.Origin origin, CounterexampleReport.Written w, String writeError) {
        RunResult run = result.run();
        StringBuilder b = new StringBuilder();
        // the first line is what a CI view shows of a failure: what went wrong, not the test's name again
        b.append(Layout.wrap(policy + ": " + CounterexampleText.title(cx), "", "", Layout.WIDTH)).append('\n');
        b.append(CounterexampleText.brokenRuleLine(cx)).append("\n\n");
        b.append("nestcheck TCK: ").append(origin.test()).append(" failed.\n\n");
        String text = CounterexampleText.text(cx);
        b.append(text.substring(text.indexOf("\n\n") + 2)).append("\n\n");
        b.append(String.format(Locale.ROOT, "Found after %s (seed %d), shrunk to %s.%n",
                Describe.count(run.failure().get().casesBeforeFailure(), "case", "cases"), run.seed(),
                Describe.count(cx.steps().size(), "step", "steps")));
        if (w != null) b.append("Report: ").append(w.folder().toAbsolutePath()).append("/\n");
        else b.append("Report: not written (").append(writeError).append(")\n");
        b.append("Replay exactly this case:\n").append(Layout.command(origin.mavenArgv(), "    ")).append('\n');
        b.append("Repeat the search: -Dnestcheck.seed=").append(run.seed()).append('\n');
        return b.toString();
    }

    Duration timeout() {
        String v = System.getProperty("nestcheck.timeout");
        if (v == null || v.isBlank()) return defaultTimeout();
        return Settings.parseDuration("nestcheck.timeout", v);
    }

    /** The corpus traces: {@code -Dnestcheck.corpus=DIR}, else {@code corpus/} on the class path. */
    static List<Path> corpus() {
        String dir = System.getProperty("nestcheck.corpus");
        if (dir != null && !dir.isBlank()) return TraceFiles.expand(List.of(Paths.get(dir.strip())));
        URL url = NestingConformanceVerification.class.getClassLoader().getResource("corpus");
        if (url == null) return List.of();
        try {
            URI uri = url.toURI();
            Path root;
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                root = fs.provider().getPath(uri);
            } else {
                root = Paths.get(uri);
            }
            if (!Files.isDirectory(root)) return List.of();
            List<Path> out = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                        .sorted().forEach(out::add);
            }
            return out;
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return List.of();
        }
    }
}
