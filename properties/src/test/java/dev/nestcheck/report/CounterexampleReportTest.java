package dev.nestcheck.report;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.tck.TraceReplay;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.extension.ExtendWith(dev.nestcheck.cli.BrokenProviders.Armed.class)
class CounterexampleReportTest {
    static Counterexample cx;
    static String token;

    @BeforeAll
    static void findOne() {
        Conformance.Result r = Conformance.check(Implementations.named("broken-vmid-zero")::create, Policy.VIOMMU,
                Settings.defaults().withSeed(2).withTries(300));
        cx = r.counterexample().orElseThrow();
        token = r.run().failure().orElseThrow().replayToken();
    }

    static CounterexampleReport.Origin origin() {
        return new CounterexampleReport.Origin("broken-vmid-zero", Policy.VIOMMU, null, 2L, token, null);
    }

    @Test
    void theFolderHasTheMarkdownTheTraceAndTheRegressionTest(@TempDir Path dir) throws Exception {
        CounterexampleReport.Written w = CounterexampleReport.write(dir.resolve("cx"), "VIOMMU-divergence", cx, origin());
        assertThat(w.className()).matches("Regression_VIOMMU_divergence_[0-9a-f]{8}Test");
        // the same case found by another seed's search: the same test name, so a copy replaces the first
        CounterexampleReport.Origin other = new CounterexampleReport.Origin("broken-vmid-zero", Policy.VIOMMU, null, 99L, token, null);
        assertThat(CounterexampleReport.write(dir.resolve("cx-again"), "VIOMMU-divergence", cx, other).className())
                .isEqualTo(w.className());
        assertThat(w.markdown()).exists();
        String md = Files.readString(w.markdown());
        assertThat(md).contains("# nestcheck counterexample: broken-vmid-zero under VIOMMU", "## Platform",
                "Platform (policy VIOMMU):", "## Minimal sequence", "## First divergence", "## Snapshot difference",
                "## Rules involved", "## Reproduce", "The search: seed 2.", "## Legend", "RULES.md v2",
                w.className() + ".java");
        // commands are wrapped with backslashes at 80 columns: joined, they are the plain commands
        String joined = md.replace("\\\n", "").replaceAll(" {2,}", " ");
        assertThat(joined).contains("./nestcheck replay " + token + " --impl broken-vmid-zero --policy VIOMMU",
                "./nestcheck replay " + dir.resolve("cx").resolve("trace.json").toAbsolutePath() + " --impl broken-vmid-zero");
        assertThat(Layout.widest(md)).as(md).isLessThanOrEqualTo(80);
        for (String rule : cx.rulesInvolved()) assertThat(md).contains(rule);

        Trace t = TraceCodec.read(w.trace());
        assertThat(t.steps()).hasSize(cx.steps().size());
        assertThat(t.steps()).allSatisfy(s -> assertThat(s.expect()).isNotNull());
        assertThat(t.description()).contains("seed 2", token);
        // expectations are the model's: the model and the optimized implementation pass them
        assertThat(TraceReplay.replay(t, "t", Implementations.model()::create, null, null).passed()).isTrue();
        assertThat(TraceReplay.replay(t, "t", Implementations.named("optimized")::create, null, null).passed()).isTrue();
        TraceReplay.Result broken = TraceReplay.replay(t, "t", Implementations.named("broken-vmid-zero")::create, null, null);
        assertThat(broken.failingStep()).isEqualTo(cx.failingStep());
    }

    @Test
    void theGeneratedRegressionTestCompilesAndFailsOnTheBrokenImplementation(@TempDir Path dir) throws Exception {
        CounterexampleReport.Written w = CounterexampleReport.write(dir.resolve("cx"), "VIOMMU-divergence", cx, origin());
        Path classes = compile(dir, w.regressionTest());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> test = loader.loadClass(w.className());
            var ctor = test.getDeclaredConstructor();
            ctor.setAccessible(true);
            Method m = test.getDeclaredMethod("traceConformsToTheModel");
            m.setAccessible(true);
            assertThat(m.getAnnotation(org.junit.jupiter.api.Test.class)).isNotNull();
            Object instance = ctor.newInstance();
            try {
                m.invoke(instance);
                throw new AssertionError("the regression test passed on the broken implementation");
            } catch (InvocationTargetException e) {
                assertThat(e.getCause()).isInstanceOf(AssertionError.class)
                        .hasMessageContaining("step " + (cx.failingStep() + 1) + " (steps[" + cx.failingStep() + "])");
            }
        }
    }

    @Test
    void textBlockEscapingSurvivesQuotesAndBackslashes(@TempDir Path dir) throws Exception {
        Trace nasty = new Trace("quotes \"\"\" and \\ backslashes \\\"\"\" and a tab\t here", cx.platform(),
                CounterexampleReport.trace(cx, null).steps());
        String json = TraceCodec.write(nasty);
        String source = CounterexampleReport.regressionTest("RegressionTest_nasty", json, "optimized", "nasty */ title");
        Path file = dir.resolve("RegressionTest_nasty.java");
        Files.writeString(file, source);
        Path classes = compile(dir, file);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            var field = loader.loadClass("RegressionTest_nasty").getDeclaredField("TRACE");
            field.setAccessible(true);
            assertThat(field.get(null)).isEqualTo(json);
        }
    }

    /** Steps count from 1: a crash before the first one is said so, not "at step 0"; a child's hang is titled a hang. */
    @Test
    void aCrashBeforeTheFirstStepIsNotAtStepZero() {
        Counterexample early = new Counterexample(cx.platform(), java.util.List.of(), Counterexample.Kind.CRASH,
                java.util.List.of("crash: snapshot() initially failed: ./impl exited with status 1"), null, null);
        assertThat(CounterexampleText.findings(early)).startsWith("What differs before the first step:\n").doesNotContain("step 0");
        assertThat(CounterexampleText.title(early)).isEqualTo("The implementation crashed before the first step.");
        Counterexample hang = new Counterexample(cx.platform(), cx.steps().subList(0, 1), Counterexample.Kind.CRASH,
                java.util.List.of("crash: open failed: ./impl hung: no answer within 2 s while nestcheck waited for the answer"
                        + " to step 1 (open) (child killed); no stderr"), null, null);
        assertThat(CounterexampleText.title(hang)).isEqualTo("The implementation hung in open for 2 s (step 1).");
    }

    /** A divergence may depend on the v2 SMMU fields (S2INV-2's big areas), so the platform in words names them. */
    @Test
    void thePlatformInWordsNamesRangeInvAndMaxTlbiPages() {
        dev.nestcheck.spec.Platform p = TraceCodec.parsePlatform("{\"policy\": \"S2_PARENT\", \"smmus\": ["
                + "{\"id\": 0, \"vmidBits\": 2, \"nesting\": true, \"s2fwb\": true, \"btm\": false, \"maxTlbiPages\": 4},"
                + "{\"id\": 1, \"vmidBits\": 8, \"nesting\": true, \"s2fwb\": false, \"btm\": false, \"rangeInv\": true}],"
                + " \"devices\": []}", "p.json");
        assertThat(CounterexampleText.platform(p)).contains("  smmu0: 2-bit VMIDs, nesting, S2FWB, maxTlbiPages 4\n",
                "  smmu1: 8-bit VMIDs, nesting, rangeInv\n");
    }

    /** Compiles one source file with the test class path; fails with javac's output. */
    static Path compile(Path dir, Path source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK (javax.tools) is needed to compile the generated test").isNotNull();
        Path classes = Files.createDirectories(dir.resolve("classes-" + source.getFileName()));
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-proc:none", "-d", classes.toString(), "-cp", classPath(),
                source.toString());
        assertThat(rc).as(diag.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    /** The test class path, also when surefire hides it in a manifest-only jar: code sources of what the test needs. */
    static String classPath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) if (!e.isEmpty()) entries.add(e);
        for (Class<?> c : new Class<?>[] {TraceReplay.class, org.junit.jupiter.api.Test.class,
                org.apiguardian.api.API.class, dev.nestcheck.spec.Platform.class})
            entries.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return String.join(File.pathSeparator, entries);
    }
}
