package dev.nestcheck.tck;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Reports;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
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
import java.util.Map;
import java.util.stream.Stream;

/**
 * The conformance test kit, in the style of the Reactive Streams TCK: extend this class in your
 * test sources and implement {@link #create}; JUnit 5 then runs one conformance test per VMID
 * policy ({@code policy_S2_PARENT_conformsToTheModel}, ...) and replays the regression corpus
 * when it is on the test class path.
 *
 * <pre>{@code
 * class MyNestingVerification extends NestingConformanceVerification {
 *     protected NestingImplementation create(Platform platform) { return new MyNesting(platform); }
 * }
 * }</pre>
 *
 * <p>Each policy test runs the conformance property ({@link Conformance#check}) on small random
 * platforms and fails with the minimal counterexample: the steps as a table with the model's
 * and the implementation's outcomes, the findings, the rules involved, the seed and the replay
 * token. Tune a run without touching code (system properties, see
 * {@link Settings#withSystemOverrides()}):
 * <ul>
 * <li>{@code -Dnestcheck.tries=N}: cases per policy (default {@link #defaultTries()});</li>
 * <li>{@code -Dnestcheck.time=30s}: run each policy for that long instead;</li>
 * <li>{@code -Dnestcheck.seed=S}: repeat a search; {@code -Dnestcheck.replay=TOKEN} with
 *     {@code -Dtest='Class#policy_X_conformsToTheModel'}: re-run exactly one failing case;</li>
 * <li>{@code -Dnestcheck.platform=small|linux-8bit|linux-16bit}: a fixed platform instead of
 *     random small ones; {@code -Dnestcheck.timeout=2s}: per-operation timeout (a hang is a
 *     failure); {@code -Dnestcheck.corpus=DIR}: a folder of traces to replay.</li>
 * </ul>
 */
public abstract class NestingConformanceVerification {

    /** A fresh implementation for the platform, in its initial state. Called once per test case. */
    protected abstract NestingImplementation create(Platform platform);

    /** Cases per policy when {@code -Dnestcheck.tries} is not given. Override for a faster or deeper suite. */
    protected int defaultTries() {
        return 200;
    }

    /** The per-operation timeout when {@code -Dnestcheck.timeout} is not given. */
    protected Duration defaultTimeout() {
        return TimeoutGuard.DEFAULT_TIMEOUT;
    }

    /**
     * The engine settings of one policy test: the defaults, {@link #defaultTries()}, a name that
     * makes {@code -Dtest} work with a replay token, then the system-property overrides.
     */
    protected Settings settings(Policy policy) {
        return Settings.defaults().withTries(defaultTries())
                .withName(getClass().getSimpleName() + "#policy_" + policy + "_conformsToTheModel")
                .withSystemOverrides();
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
     * Replays every trace of the regression corpus ({@code corpus/} on the test class path, or
     * {@code -Dnestcheck.corpus=DIR}) against the implementation, one dynamic test per trace.
     * The corpus ships in nestcheck's own test resources, not in its jar: without it this test
     * is skipped, not failed.
     */
    @TestFactory
    public Stream<DynamicTest> regressionCorpus_replaysConformingly() {
        List<Path> traces = corpus();
        if (traces.isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("corpus not on the class path (skipped)",
                    () -> Assumptions.abort("no regression corpus: put corpus/*.json on the test class path"
                            + " or pass -Dnestcheck.corpus=DIR")));
        }
        Duration timeout = timeout();
        return traces.stream().map(p -> DynamicTest.dynamicTest(String.valueOf(p.getFileName()), () -> {
            Trace t = TraceCodec.read(p);
            TraceReplay.Result r = TraceReplay.replay(t, p.toString(), this::create, null, timeout);
            if (!r.passed()) throw new AssertionError(r.report());
        }));
    }

    /** Runs one policy and fails with the counterexample report unless it conforms. */
    protected final void verify(Policy policy) {
        Settings settings = settings(policy);
        Platform fixed = fixedPlatform(policy);
        Conformance.Result result = Conformance.check(TimeoutGuard.factory(this::create, timeout()), policy, fixed,
                null, settings);
        RunResult run = result.run();
        if (run.passed()) return;
        throw new AssertionError(failureMessage(policy, result));
    }

    static String failureMessage(Policy policy, Conformance.Result result) {
        RunResult run = result.run();
        if (run.failure().isEmpty()) return run.message();
        StringBuilder b = new StringBuilder();
        Counterexample cx = result.counterexample().orElse(null);
        if (cx != null) {
            b.append("Policy ").append(policy).append(": ").append(Reports.text(cx));
        } else {
            b.append(run.failure().get().report());
        }
        String token = run.failure().get().replayToken();
        b.append("\nSeed:    ").append(run.seed()).append("   (repeat this search: -Dnestcheck.seed=")
                .append(run.seed()).append(")\n");
        b.append("Replay:  ").append(token).append("   (exactly this case: -Dnestcheck.replay=").append(token)
                .append(" -Dtest='").append(run.settings().name()).append("')\n");
        return b.toString();
    }

    private Platform fixedPlatform(Policy policy) {
        String name = System.getProperty("nestcheck.platform");
        if (name == null || name.isBlank()) return null;
        return Platforms.named(name.strip(), policy);
    }

    private Duration timeout() {
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
