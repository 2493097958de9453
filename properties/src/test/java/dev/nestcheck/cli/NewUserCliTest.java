package dev.nestcheck.cli;

import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.Layout;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Platforms;
import dev.nestcheck.trace.TraceCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nestcheck.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, in process: an implementation that is not on nestcheck's class path (compiled here into a
 * folder of its own), found with --classpath, and the printed replay command run as printed; plus the
 * smaller things a new user ran into (report checked first, malformed traces, platform files, wording).
 */
@org.junit.jupiter.api.extension.ExtendWith(BrokenProviders.Armed.class)
class NewUserCliTest {
    @TempDir
    static Path plugin;

    /** A provider "plugged-drops-flush": the optimized implementation, minus the TLBI_S12_VMALL it must issue. */
    static final String SOURCE = String.join("\n",
            "package org.example.plugged;",
            "import dev.nestcheck.spec.*;",
            "import java.util.ServiceLoader;",
            "public final class DropsFlush implements ImplementationProvider {",
            "  public String name() { return \"plugged-drops-flush\"; }",
            "  public String description() { return \"test: optimized without TLBI_S12_VMALL\"; }",
            "  private ImplementationProvider bundled;",
            "  public synchronized NestingImplementation create(Platform p) {",
            "    if (bundled == null)",
            "      for (ImplementationProvider ip : ServiceLoader.load(ImplementationProvider.class, getClass().getClassLoader()))",
            "        if (ip.name().equals(\"optimized\")) bundled = ip;",
            "    NestingImplementation delegate = bundled.create(p);",
            "    return new NestingImplementation() {",
            "      public Outcome execute(Op op) {",
            "        Outcome o = delegate.execute(op);",
            "        return o.withIssued(o.issued().stream().filter(i -> i.cmd().opcode() != Cmd.TLBI_S12_VMALL).toList());",
            "      }",
            "      public Snapshot snapshot() { return delegate.snapshot(); }",
            "    };",
            "  }",
            "}");

    @BeforeAll
    static void compilePlugin() throws Exception {
        Path src = plugin.resolve("src/org/example/plugged/DropsFlush.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        Path classes = Files.createDirectories(plugin.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        Set<String> cp = new LinkedHashSet<>();
        cp.add(Paths.get(Platform.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        int rc = javac.run(null, diag, diag, "-proc:none", "-d", classes.toString(), "-cp", String.join(File.pathSeparator, cp),
                src.toString());
        assertThat(rc).as(diag.toString(StandardCharsets.UTF_8)).isZero();
        Path services = classes.resolve("META-INF/services/dev.nestcheck.spec.ImplementationProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "org.example.plugged.DropsFlush\n");
    }

    static String classes() {
        return plugin.resolve("classes").toString();
    }

    @Test
    void anImplementationOnlyOnTheClassPathOptionIsFoundChecked_AndItsPrintedReplayCommandReproducesIt(@TempDir Path dir)
            throws IOException {
        assertThat(run("impls").out()).doesNotContain("plugged-drops-flush");
        assertThat(run("check", "--impl", "plugged-drops-flush").code()).isEqualTo(ExitCode.USAGE);
        assertThat(run("impls", "--classpath", classes()).out()).contains("plugged-drops-flush");

        MainTest.Run r = run("check", "--impl", "plugged-drops-flush", "-cp", classes(), "--policy", "S2_PARENT",
                "--tries", "300", "--seed", "3", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("TLBI_S12_VMALL", "--classpath " + classes());
        String failing = "What differs at step " + MainTest.failingStep(r.out());

        // the replay line, as printed, run as a command line (without the launcher word)
        List<String> argv = words(line(r.out(), "  replay: "));
        assertThat(argv.get(0)).isEqualTo("./nestcheck");
        MainTest.Run replay = run(argv.subList(1, argv.size()).toArray(new String[0]));
        assertThat(replay.code()).as(replay.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(replay.out()).contains(failing);

        // the report: at most 80 columns, versions, legend, decoded commands; the trace replays by path
        Path md = dir.resolve("S2_PARENT-divergence").resolve(CounterexampleReport.MARKDOWN);
        String text = Files.readString(md);
        assertThat(Layout.widest(text)).as(text).isLessThanOrEqualTo(80);
        assertThat(text).contains("TLBI_S12_VMALL vmid=", "## Legend", "RULES.md v2", "--classpath");
        assertThat(Layout.widest(Files.readString(dir.resolve(RunSummary.MARKDOWN)))).isLessThanOrEqualTo(80);
        MainTest.Run trace = run("replay", dir.resolve("S2_PARENT-divergence").resolve("trace.json").toString(),
                "--impl", "plugged-drops-flush", "--classpath", classes());
        assertThat(trace.code()).as(trace.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
    }

    @Test
    void aMissingClassPathEntryIsOneLine() {
        MainTest.Run r = run("check", "--impl", "x", "--classpath", "no/such.jar");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        MainTest.assertOneLine(r);
        assertThat(r.err()).contains("no/such.jar");
    }

    @Test
    void anUnwritableReportFolderIsAUsageErrorBeforeTheRun(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        MainTest.Run r = run("check", "--tries", "5", "--report", file.resolve("sub").toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        MainTest.assertOneLine(r);
        assertThat(r.out()).isEmpty();   // nothing ran
    }

    @Test
    void rulesCheckedInEveryCaseAreNotStoredAsZero(@TempDir Path dir) throws IOException {
        MainTest.Run r = run("check", "--tries", "20", "--policy", "ICTX", "--seed", "1", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve(RunSummary.JSON).toFile());
        var perRule = json.get("coverage").get("casesPerRule");
        assertThat(perRule.get("G-1").get("ICTX").asLong()).isEqualTo(json.get("cases").asLong()).isPositive();
        assertThat(perRule.get("REQ-BTM").get("ICTX").isNull()).isTrue();
        assertThat(json.get("nestcheckVersion").asText()).doesNotContain("${");
        assertThat(json.get("rules").asText()).isEqualTo("RULES.md v2");
    }

    @Test
    void oneTryIsOneTry() {
        MainTest.Run r = run("check", "--tries", "1", "--policy", "ICTX", "--seed", "1");
        assertThat(r.out()).contains("1 try per policy").doesNotContain("1 tries");
    }

    @Test
    void aPlatformFileNeedsNoPolicy(@TempDir Path dir) throws IOException {
        String json = TraceCodec.writePlatform(Platforms.named("small", Policy.ICTX)).replaceAll("\"policy\": *\"ICTX\", *", "");
        assertThat(json).doesNotContain("policy");
        Path file = Files.writeString(dir.resolve("platform.json"), json);
        MainTest.Run r = run("check", "--platform", file.toString(), "--policy", "VIOMMU", "--tries", "5", "--seed", "1");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
    }

    @Test
    void replayOfAFolderReportsEachMalformedTraceAndGoesOn(@TempDir Path dir) throws IOException {
        Files.copy(MainTest.CORPUS.resolve("trace-md-example.json"), dir.resolve("a-good.json"));
        Files.writeString(dir.resolve("b-bad.json"), "{ not json");
        Files.writeString(dir.resolve("c-bad.json"), "[]");
        MainTest.Run r = run("replay", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).contains("ok      " + dir.resolve("a-good.json"), "1 of 3 traces conform", "2 could not be read");
        assertThat(r.err().lines().toList()).hasSize(2).allMatch(l -> l.startsWith("nestcheck: "));
        assertThat(r.err()).contains("b-bad.json", "c-bad.json");
    }

    /** As {@code cat a missing b}: a path that is not there is one line on stderr, and the others still run. */
    @Test
    void replayOfAMissingPathReportsItAndGoesOn(@TempDir Path dir) throws IOException {
        Path good = Files.copy(MainTest.CORPUS.resolve("trace-md-example.json"), dir.resolve("good.json"));
        Path missing = dir.resolve("missing.json");
        MainTest.Run r = run("replay", missing.toString(), good.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.out()).contains("ok      " + good, "1 of 2 traces conform", "1 could not be read");
        assertThat(r.err().lines().toList()).containsExactly("nestcheck: " + missing + ": no such file or folder");
        MainTest.Run none = run("replay", missing.toString());
        assertThat(none.code()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err().lines().toList()).containsExactly("nestcheck: " + missing + ": no such file or folder");
    }

    /** The tries-or-time group given twice: picocli's words for it ("expected only one match") are replaced. */
    @Test
    void aBudgetGivenTwiceIsOneReadableLine() {
        MainTest.Run r = run("check", "--tries", "3", "--tries", "4");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().strip()).isEqualTo("nestcheck: give --tries=N | --time=DURATION once (see: nestcheck check --help)");
    }

    /** A --report folder used again holds one run: the earlier run's own files go, anything else stays. */
    @Test
    void aReportFolderUsedAgainHoldsOnlyTheNewRun(@TempDir Path dir) throws IOException {
        MainTest.Run first = run("check", "--impl", "broken-throws", "--policy", "ICTX", "--tries", "20", "--seed", "1",
                "--report", dir.toString());
        assertThat(first.code()).as(first.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(dir.resolve("ICTX-crash")).isDirectory();
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.createDirectories(dir.resolve("S2_PARENT-old"));
        MainTest.Run second = run("check", "--impl", "broken-throws", "--policy", "S2_PARENT", "--tries", "20", "--seed", "1",
                "--report", dir.toString());
        assertThat(second.code()).as(second.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(second.err()).contains(dir + " held an earlier run's report: replaced by this run's");
        assertThat(dir.resolve("ICTX-crash")).doesNotExist();
        assertThat(dir.resolve("S2_PARENT-crash")).isDirectory();
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
        assertThat(dir.resolve("S2_PARENT-old")).isDirectory();   // not named by the earlier summary: not ours to remove
        assertThat(Files.readString(dir.resolve("summary.md"))).doesNotContain("ICTX");
    }

    @Test
    void oneBugUnderSeveralPoliciesIsShownAndWrittenOnce(@TempDir Path dir) throws IOException {
        MainTest.Run r = run("check", "--impl", "broken-throws", "--tries", "20", "--seed", "1", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.out()).contains("the same counterexample as S2_PARENT");
        assertThat(count(r.out(), "What differs at step")).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(Files::isDirectory).toList()).hasSize(1);
        }
    }

    @Test
    void helpIsACommandAndTheUsageDoesNotWrapMidPhrase() {
        MainTest.Run help = run("help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("check", "replay", "help");
        MainTest.Run check = run("help", "check");
        assertThat(check.code()).isZero();
        assertThat(check.out()).contains("--classpath", "--[no-]matrix");
        assertThat(Layout.widest(check.out())).isLessThanOrEqualTo(80);
    }

    @Test
    void theProgressLineFitsTheTerminalAndHasCasesAndAnEta() {
        Progress.Budget b = new Progress.Budget() {
            public long cases() { return 1000; }
            public long maxCases() { return 4000; }
            public long maxNanos() { return 0; }
        };
        String line = Progress.line("checking", () -> 50_000, b, () -> "1/4 policies, rules covered 33", 2_000_000_000L);
        assertThat(line).contains("1,000/4,000 cases", "25,000 steps/s", "ETA 6 s");
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    /** Shell words (single quotes only, as Layout.quote writes them). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'((?:[^']|'\\\\'')*)'|(\\S+)").matcher(line);
        while (m.find()) out.add(m.group(1) != null ? m.group(1).replace("'\\''", "'") : m.group(2));
        return out;
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
