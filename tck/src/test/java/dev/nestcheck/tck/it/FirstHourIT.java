package dev.nestcheck.tck.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12's acceptance, played as a new user would: a Maven project in a temporary folder outside
 * the repository, made of the files that README.md's "Plugging in" section shows (extracted from it,
 * so the README cannot drift) plus the user's own implementation, here deliberately broken: it
 * forgets the TLBI_S12_VMALL that must come before a VMID is freed (VMID-5), e.g. at close.
 * <ol>
 * <li>{@code mvn verify} with stock Maven: the TCK fails the build, says what it checked, and
 *     leaves a report folder under target/;</li>
 * <li>{@code nestcheck check --impl mine --classpath target/my-nesting-1.0.jar} finds the same
 *     counterexample (same seed, same budget: the same trace);</li>
 * <li>the replay commands that both print, run as printed, reproduce it;</li>
 * <li>the generated regression test, dropped into the project's tests, runs under Surefire's
 *     defaults and fails.</li>
 * </ol>
 * The project's local repository is tck/target/local-repo (this build's artifacts, installed there
 * by invoker:install), never ~/.m2; everything else comes from the outer local repository, read
 * only, or from Maven Central (see tck/src/it/settings.xml).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstHourIT {
    static final String SEED = "20261203";
    static final Pattern MARKER = Pattern.compile("<!-- user-project: (\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);

    static Path root;
    static Path project;
    static final Map<String, Long> SECONDS = new LinkedHashMap<>();
    static String tckOutput;
    static Path tckReport;

    /** The user's implementation: the bundled one (found by name at run time), minus TLBI_S12_VMALL. */
    static final String MY_NESTING = String.join("\n",
            "package com.example.nesting;",
            "",
            "import dev.nestcheck.spec.Cmd;",
            "import dev.nestcheck.spec.ImplementationProvider;",
            "import dev.nestcheck.spec.NestingImplementation;",
            "import dev.nestcheck.spec.Op;",
            "import dev.nestcheck.spec.Outcome;",
            "import dev.nestcheck.spec.Platform;",
            "import dev.nestcheck.spec.Snapshot;",
            "import java.util.ServiceLoader;",
            "",
            "/** Deliberately broken: never flushes a VMID's TLB entries before the VMID is freed (VMID-5). */",
            "public final class MyNesting implements NestingImplementation {",
            "    private static final ImplementationProvider BUNDLED = bundled();",
            "    private final NestingImplementation delegate;",
            "",
            "    public MyNesting(Platform platform) {",
            "        delegate = BUNDLED.create(platform);",
            "    }",
            "",
            "    private static ImplementationProvider bundled() {",
            "        for (ImplementationProvider p : ServiceLoader.load(ImplementationProvider.class, MyNesting.class.getClassLoader()))",
            "            if (p.name().equals(\"optimized\")) return p;",
            "        throw new IllegalStateException(\"the bundled implementation is not on the class path\");",
            "    }",
            "",
            "    @Override",
            "    public Outcome execute(Op op) {",
            "        Outcome o = delegate.execute(op);",
            "        return o.withIssued(o.issued().stream().filter(i -> i.cmd().opcode() != Cmd.TLBI_S12_VMALL).toList());",
            "    }",
            "",
            "    @Override",
            "    public Snapshot snapshot() {",
            "        return delegate.snapshot();",
            "    }",
            "}",
            "");

    @BeforeAll
    static void makeTheProjectFromTheReadme() throws IOException {
        root = Paths.get(System.getProperty("nestcheck.it.root")).toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = MARKER.matcher(readme);
        while (m.find()) files.put(m.group(1), m.group(2) + "\n");
        assertThat(files).as("README.md's user-project blocks").containsKeys("pom.xml",
                "src/test/java/com/example/nesting/MyNestingConformanceTest.java",
                "src/main/java/com/example/nesting/MyProvider.java",
                "src/main/resources/META-INF/services/dev.nestcheck.spec.ImplementationProvider");
        assertThat(files.get("pom.xml")).as("the README's pom names this build's version")
                .contains("<nestcheck.version>" + System.getProperty("nestcheck.it.version") + "</nestcheck.version>");

        project = Files.createTempDirectory("nestcheck-first-hour-").toAbsolutePath().normalize();
        assertThat(project.startsWith(root)).as("the project is outside the repository").isFalse();
        for (Map.Entry<String, String> f : files.entrySet()) write(project.resolve(f.getKey()), f.getValue());
        write(project.resolve("src/main/java/com/example/nesting/MyNesting.java"), MY_NESTING);

        // the environment, not the project: where Maven finds nestcheck (as ~/.m2/settings.xml would say)
        String settings = Files.readString(root.resolve("tck/src/it/settings.xml"))
                .replace("@outerRepositoryUrl@", System.getProperty("nestcheck.it.outerRepositoryUrl"));
        write(project.resolve(".mvn/settings.xml"), settings);
        List<String> config = new ArrayList<>(List.of("-s", project.resolve(".mvn/settings.xml").toString(),
                "-Dmaven.repo.local=" + System.getProperty("nestcheck.it.repository"), "-ntp"));
        if ("offline=true".equals(System.getProperty("nestcheck.it.offline")))
            config.addAll(List.of("-o", "-Daether.offline.protocols=file"));
        write(project.resolve(".mvn/maven.config"), String.join("\n", config) + "\n");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        System.out.println("FirstHourIT: seconds per step " + SECONDS + " in " + project);
        if (project == null || Boolean.getBoolean("nestcheck.it.keep")) return;
        try (Stream<Path> walk = Files.walk(project)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void theTckFailsTheBuildSaysWhatItCheckedAndWritesAReport() throws Exception {
        Proc r = mvn("tck", "-B", "verify", "-Dnestcheck.seed=" + SEED);
        tckOutput = r.out;
        assertThat(r.code).as(r.tail()).isNotZero();
        assertThat(r.out).as(r.tail()).contains("Tests run:", "MyNestingConformanceTest",
                "nestcheck TCK: MyNestingConformanceTest checked 4 policies", "TLBI_S12_VMALL",
                "Replay exactly this case:", "Report: ");
        assertThat(r.out).doesNotContain("Tests run: 0,");
        // ... and what it checked when it passed (the corpus, one dynamic test per trace)
        assertThat(r.out).containsPattern("corpus: \\d+ of 1\\d traces conform");
        // with the README pom's reporter, a CI test view names the corpus tests by their traces, not by index
        assertThat(Files.readString(project.resolve("target/surefire-reports/TEST-com.example.nesting.MyNestingConformanceTest.xml")))
                .contains("att.json").doesNotContainPattern("regressionCorpus_replaysConformingly\\(\\)\\[\\d+\\]");
        tckReport = project.resolve("target/nestcheck-reports/MyNestingConformanceTest");
        assertThat(tckReport.resolve("summary.md")).exists();
        Path folder = firstCounterexample(tckReport);
        assertThat(folder.resolve("counterexample.md")).exists();
        assertThat(folder.resolve("trace.json")).exists();
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.matches("Regression_\\w+_[0-9a-f]{8}Test\\.java"));
        }
        for (String line : Files.readAllLines(folder.resolve("counterexample.md")))
            assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
    }

    @Test
    @Order(2)
    void theCommandLineFindsTheSameBugInTheJarAndItsReplayCommandReproducesIt() throws Exception {
        Proc pkg = mvn("package", "-B", "-DskipTests", "package");
        assertThat(pkg.code).as(pkg.tail()).isZero();
        Path jar = project.resolve("target/my-nesting-1.0.jar");
        assertThat(jar).exists();

        Path report = project.resolve("cli-report");
        Proc check = run("check", project, root.resolve("nestcheck").toString(), "check", "--impl", "mine",
                "--classpath", "target/my-nesting-1.0.jar", "--seed", SEED, "--report", report.toString());
        assertThat(check.code).as(check.tail()).isEqualTo(1);
        assertThat(check.out).contains("implementation mine", "TLBI_S12_VMALL", "--classpath " + jar)
                .doesNotContain("policy x requirement matrix");

        // the same bug: the same seed and budget give the TCK and the CLI the same minimal trace
        Path cliFolder = firstCounterexample(report);
        Path tckFolder = tckReport.resolve(cliFolder.getFileName());
        assertThat(tckFolder).as("the TCK found it under the same policy").exists();
        assertThat(steps(cliFolder.resolve("trace.json"))).isEqualTo(steps(tckFolder.resolve("trace.json")));

        // the replay command, pasted as printed
        String replay = check.out.lines().filter(l -> l.startsWith("  replay: ")).findFirst().orElseThrow()
                .substring("  replay: ".length());
        Proc again = run("cli-replay", project, "bash", "-c", replay);
        assertThat(again.code).as(replay + "\n" + again.tail()).isEqualTo(1);
        assertThat(again.out).contains(differs(check.out));
    }

    @Test
    @Order(3)
    void theTcksReplayCommandReproducesItAsPrinted() throws Exception {
        assertThat(tckOutput).isNotNull();
        String command = afterLine(tckOutput, "Replay exactly this case:");
        assertThat(command).startsWith("mvn test -Dtest=");
        List<String> before = listing(tckReport);
        Proc r = run("tck-replay", project, "bash", "-c", command + " -B");
        assertThat(r.code).as(command + "\n" + r.tail()).isNotZero();
        assertThat(r.out).contains("Tests run: 1,", differs(tckOutput), "Replay exactly this case:").doesNotContain("Tests run: 0,");
        // replaying one policy's case leaves the other policies' reports of the search where they were
        assertThat(listing(tckReport)).as(r.tail()).containsAll(before);
    }

    /** The report folder's entries, by name. */
    static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Order(4)
    void theGeneratedRegressionTestRunsUnderSurefiresDefaultsAndFails() throws Exception {
        Path folder = firstCounterexample(tckReport);
        Path test;
        try (Stream<Path> files = Files.list(folder)) {
            test = files.filter(p -> p.getFileName().toString().startsWith("Regression_")).findFirst().orElseThrow();
        }
        String name = test.getFileName().toString().replace(".java", "");
        Files.copy(test, project.resolve("src/test/java/com/example/nesting").resolve(test.getFileName()));
        // the TCK runs too (briefly: what matters here is that the regression test runs)
        Proc r = mvn("regression", "-B", "test", "-Dnestcheck.tries=10", "-Dnestcheck.shrinkAttempts=0");
        assertThat(r.code).as(r.tail()).isNotZero();
        Path xml = project.resolve("target/surefire-reports/TEST-com.example.nesting." + name + ".xml");
        assertThat(xml).as("Surefire ran it without any includes configured").exists();
        assertThat(Files.readString(xml)).contains("failures=\"1\"", "traceConformsToTheModel");
    }

    // ------------------------------------------------------------------ helpers

    record Proc(int code, String out) {
        String tail() {
            String[] lines = out.split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 150), lines.length));
        }
    }

    static Proc mvn(String label, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        String home = System.getProperty("nestcheck.it.mavenHome");
        cmd.add(home != null && Files.isExecutable(Paths.get(home, "bin", "mvn")) ? Paths.get(home, "bin", "mvn").toString()
                : "mvn");
        cmd.addAll(List.of(args));
        return run(label, project, cmd.toArray(new String[0]));
    }

    static Proc run(String label, Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", Paths.get(System.getProperty("java.home")).toString());
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("CLASSPATH");
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        SECONDS.put(label, Duration.ofNanos(System.nanoTime() - start).toSeconds());
        return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    static Path firstCounterexample(Path reportDir) throws IOException {
        try (Stream<Path> dirs = Files.list(reportDir)) {
            return dirs.filter(d -> Files.exists(d.resolve("trace.json"))).sorted().findFirst()
                    .orElseThrow(() -> new AssertionError("no counterexample folder in " + reportDir));
        }
    }

    /** The trace's steps without their expectations' rule annotations: the operations, one per line. */
    static List<String> steps(Path trace) throws IOException {
        List<String> ops = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            Matcher m = Pattern.compile("\\{\"op\": \"[a-z_]+\"[^}]*").matcher(line);
            if (line.strip().startsWith("{\"op\"") && m.find()) ops.add(m.group());
        }
        assertThat(ops).isNotEmpty();
        return ops;
    }

    /** {@code What differs at step N} of the first counterexample in an output. */
    static String differs(String out) {
        Matcher m = Pattern.compile("What differs at step \\d+").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group();
    }

    /** The shell command printed on the lines after {@code header}, continuation lines joined. */
    static String afterLine(String out, String header) {
        List<String> lines = out.lines().toList();
        int i = 0;
        while (!lines.get(i).strip().equals(header)) i++;
        StringBuilder b = new StringBuilder();
        for (i++; i < lines.size(); i++) {
            String l = lines.get(i);
            String body = b.length() == 0 ? l.strip() : l;   // a word split across lines has no indent
            if (body.endsWith("\\")) {
                b.append(body, 0, body.length() - 1);
                continue;
            }
            b.append(body);
            break;
        }
        return b.toString().replaceAll("\\s+", " ").strip();
    }
}
