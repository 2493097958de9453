package dev.nestcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.tck.TraceReplay;
import dev.nestcheck.trace.TraceCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end, in process: exit codes, messages, reports, determinism. */
@org.junit.jupiter.api.extension.ExtendWith(dev.nestcheck.cli.BrokenProviders.Armed.class)
class MainTest {
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final Path CORPUS = Paths.get("src", "test", "resources", "corpus");

    // ------------------------------------------------------------------ exit code 0

    @Test
    void checkOfTheOptimizedImplementationIsConformant() {
        Run r = run("check", "--tries", "25", "--seed", "7");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("implementation optimized", "S2_PARENT", "VIOMMU", "ICTX", "KVM_PINNED",
                "rules covered:", "steps/s", "result: conformant");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aOnePolicyRunCountsOnlyTheRulesThatApplyUnderIt(@TempDir Path dir) throws Exception {
        Run r = run("check", "--policy", "S2_PARENT", "--tries", "200", "--seed", "7", "--no-matrix",
                "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        // VMID-6 is ICTX's and KVM_PINNED's, VMID-7, KVM-5 and KVM-6 KVM_PINNED's: not "not reached" here
        assertThat(r.out()).containsPattern("rules covered: (\\d+) of (\\d+) that apply under S2_PARENT")
                .contains("; VMID-6, VMID-7, KVM-5, KVM-6 apply only under other policies")
                .doesNotContainPattern("not reached:[^;]*(VMID-6|VMID-7|KVM-5|KVM-6)");
        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).containsPattern("VMID-6 +n/a").containsPattern("VMID-3 +\\d+");
        JsonNode cov = new ObjectMapper()
                .readTree(dir.resolve("summary.json").toFile()).path("coverage");
        assertThat(cov.path("notReached").toString()).doesNotContain("VMID-6", "KVM-5");
        assertThat(cov.path("casesPerRule").path("KVM-6").path("S2_PARENT").isNull()).isTrue();
    }

    @Test
    void anUnwritableJunitXmlFileIsRefusedBeforeTheRunNotAfterIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Run r = run("check", "--tries", "5", "--seed", "1", "--junit-xml", file.resolve("junit.xml").toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("nestcheck: cannot write " + file.resolve("junit.xml") + ": a file is in the way\n");
        assertThat(r.out()).as("nothing ran").doesNotContain("conformant");
        Run m = run("merge", dir.toString(), "-o", dir.resolve("merged").toString(), "--junit-xml", file.resolve("j.xml").toString());
        assertThat(m.code()).as(m.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(m.err()).isEqualTo("nestcheck: cannot write " + file.resolve("j.xml") + ": a file is in the way\n");
    }

    /** Seed 42 draws one ICTX case past the choice limit: the row says why it shows 1,001 cases for 1,000 tries. */
    @Test
    void aRowWithMoreCasesThanTriesSaysWhy() {
        Run r = run("check", "--policy", "ICTX", "--seed", "42", "--no-matrix");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("1000 tries per policy",
                "1,001 cases (1 past the choice limit: discarded, not counted as tries)");
    }

    @Test
    void statisticsShowWhatTheCasesCoveredAsHypothesisDoes() {
        Run r = run("check", "--policy", "VIOMMU", "--tries", "50", "--seed", "3", "--no-matrix", "--statistics");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("statistics: cases per rule and policy", "VIOMMU: labels of 50 test cases:")
                .containsPattern("(?m)^  VMID-6 +.* n/a$").containsPattern("(?m)^  errno +\\| ok +\\|")
                .containsPattern("(?m)^  op +\\| OPEN +\\|").containsPattern("(?m)^  feature +\\|")
                .doesNotContainPattern("(?m)^  (pair|rule|exercised) +\\|");
        assertThat(run("check", "--policy", "VIOMMU", "--tries", "5", "--seed", "3", "--no-matrix").out())
                .as("only when asked").doesNotContain("statistics:");
    }

    /** Off a terminal (a CI log), a long run is not silent: a whole progress line now and then, on stderr only. */
    @Test
    void offATerminalALongRunSaysItIsAliveNowAndThen() {
        long before = Progress.heartbeatMillis;
        Progress.heartbeatMillis = 300;   // a minute in real runs
        try {
            Run r = run("check", "--policy", "S2_PARENT", "--time", "2s", "--seed", "1", "--no-matrix");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
            assertThat(r.err()).containsPattern("(?m)^nestcheck: checking: \\d+ s, [\\d,]+ steps/s").doesNotContain("\r");
            assertThat(r.out()).doesNotContain("nestcheck: checking");
        } finally {
            Progress.heartbeatMillis = before;
        }
    }

    @Test
    void aTokenOfAnotherFormatIsNotMistakenForAMissingFile() {
        Run r = run("replay", "nc2.AAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("nestcheck: nc2.AAAAAAAAAAAA...: not a replay token of this nestcheck, which reads nc1."
                + " tokens, nor a file\n");
    }

    @Test
    void everyCommandPrintsTheVersionWithDashV() {
        String version = run("-V").out();
        assertThat(version).startsWith("nestcheck ");
        for (String command : List.of("check", "replay", "export", "merge", "explore", "rules")) {
            Run r = run(command, "-V");
            assertThat(r.code()).as(command).isEqualTo(ExitCode.CONFORMANT);
            assertThat(r.out()).as(command).isEqualTo(version);
        }
    }

    @Test
    void replayOfTheCorpusConforms() {
        Run r = run("replay", CORPUS.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("trace-md-example.json (9 steps)").containsPattern("result: (\\d+) of \\1 traces conform");
    }

    /** Runs the CLI with {@code stdin} as standard input. */
    static Run runWithInput(byte[] stdin, String... args) {
        java.io.InputStream before = System.in;
        System.setIn(new java.io.ByteArrayInputStream(stdin));
        try {
            return run(args);
        } finally {
            System.setIn(before);
        }
    }

    @Test
    void aDashReadsOneTraceFromStandardInputBesideFiles() throws Exception {
        byte[] att = Files.readAllBytes(CORPUS.resolve("att.json"));
        Run r = runWithInput(att, "replay", CORPUS.resolve("hwpt.json").toString(), "-");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("hwpt.json (26 steps)", "ok      (standard input) (32 steps)", "result: 2 of 2 traces conform");

        Run c = runWithInput(att, "export", "--kselftest", "-");
        assertThat(c.code()).as(c.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(c.out()).contains("from (standard input)", "int main(");

        Run empty = runWithInput(new byte[0], "replay", "-");
        assertThat(empty.code()).as(empty.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.err()).isEqualTo("nestcheck: (standard input): empty: expected one trace (nestcheck-trace/1)\n");
        Run broken = runWithInput("{\"format\":".getBytes(StandardCharsets.UTF_8), "export", "--kselftest", "-");
        assertThat(broken.code()).as(broken.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(broken.err()).startsWith("nestcheck: (standard input): malformed JSON").doesNotContain("\tat ");
    }

    @Test
    void exploreReportsTheStatesItExplored() {
        Run r = run("explore", "--max-steps", "2", "--max-value", "2", "--policy", "S2_PARENT");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).containsPattern("S2_PARENT +no counterexample +[\\d,]+ states explored")
                .contains("every sequence within the bounds ran", "bounds: sequences of at most 2 operations",
                        "rules reached within the bounds:", "result: no counterexample within the bounds")
                .doesNotContain("conformant");
    }

    @Test
    void matrixPrintsThePolicyByRequirementTableAndItsReport(@TempDir Path dir) throws IOException {
        Run r = run("matrix", "--tries", "15", "--seed", "3", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("| policy | REQ-VCMDQ | REQ-BTM | REQ-ECONOMY | REQ-NOKVM |", "| KVM_PINNED |");
        String md = Files.readString(dir.resolve(RunSummary.MARKDOWN));
        assertThat(md).contains("## Policy x requirement matrix", "S2_PARENT   ").doesNotContain("nothing was checked");
        assertThat(dev.nestcheck.report.Layout.widest(md)).as(md).isLessThanOrEqualTo(80);
        JsonNode json = new ObjectMapper().readTree(dir.resolve(RunSummary.JSON).toFile());
        assertThat(json.get("matrix")).hasSize(20); // 4 policies x 5 requirements (REQ-UNMAP1 since rules v2)
    }

    @Test
    void implsListsTheRegisteredImplementations() {
        Run r = run("impls");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("model ", "optimized ", "broken-vmid-zero ");
    }

    @Test
    void rulesListsEveryRuleIdWithATitle() {
        Run r = run("rules");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("(?m)^VMID-5 +\\S").containsPattern("(?m)^REQ-ECONOMY +\\S")
                .containsPattern("(?m)^G-8 +\\S").containsPattern("(?m)^S2INV-3 +\\S").contains("84 rules");
    }

    // ------------------------------------------------------------------ exit code 1, reports

    /** The replay token of a VIOMMU counterexample of broken-vmid-zero. */
    static String viommuToken(Path dir) {
        Run r = run("check", "--impl", "broken-vmid-zero", "--policy", "VIOMMU", "--tries", "200", "--seed", "1",
                "--report", dir.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("replay (nc1\\.[A-Za-z0-9_-]+)").matcher(r.out().replace("\\\n", ""));
        assertThat(m.find()).as(r.toString()).isTrue();
        return m.group(1);
    }

    @Test
    void aReplayTokenNamesItsPolicy(@TempDir Path dir) {
        Run again = run("replay", viommuToken(dir), "--impl", "broken-vmid-zero");   // no --policy: the token has it
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(again.out()).contains("policy VIOMMU", "  The implementation diverges from the model at step ",
                "result: counterexample (implementation broken-vmid-zero, policy VIOMMU)");
    }

    @Test
    void aReplayTokenUnderOtherSettingsIsRefusedInOneLineThatSaysWhichSettingsItNeeds(@TempDir Path dir) {
        String token = viommuToken(dir);
        Run platform = run("replay", token, "--impl", "broken-vmid-zero", "--platform", "linux-8bit");
        assertThat(platform.code()).as(platform.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(platform.out()).isEmpty();
        assertThat(platform.err()).matches("nestcheck: replay token nc1\\.\\S+\\.\\.\\. was found under policy VIOMMU on random small"
                + " platforms, not policy VIOMMU on platform linux-8bit: replay it with --policy VIOMMU and no --platform\n");
        Run policy = run("replay", token, "--impl", "broken-vmid-zero", "--policy", "ICTX");
        assertThat(policy.code()).as(policy.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(policy.err()).contains("not policy ICTX on random small platforms: replay it with --policy VIOMMU and no --platform")
                .doesNotContain("Platform[");
    }

    @Test
    void aBrokenImplementationGivesACounterexampleReportThatReplays(@TempDir Path dir) throws IOException {
        Run r = run("check", "--impl", "broken-vmid-zero", "--policy", "S2_PARENT", "--tries", "200", "--seed", "1",
                "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("S2_PARENT   counterexample", "What differs at step", "VMID 0",
                "replay: ./nestcheck replay nc1.", "--impl broken-vmid-zero --policy S2_PARENT")
                .doesNotContain("policy x requirement matrix");   // a plugged implementation: no model-only matrix

        Path folder = dir.resolve("S2_PARENT-divergence");
        String md = Files.readString(folder.resolve(CounterexampleReport.MARKDOWN));
        assertThat(md).contains("## Platform", "Platform (policy S2_PARENT):", "## Minimal sequence", "model", "impl",
                "## First divergence", "## Snapshot difference", "- model ", "+ impl ", "## Rules involved",
                "The search: seed 1.", "./nestcheck replay", "nc1.", "## Legend", "nestcheck 0.1.0", "RULES.md v2");
        // an operation's dev is the DEVICE object's ID, which a reader takes for the platform's device number
        assertThat(md).containsPattern("bind\\(ctx=1, device=0\\)[^\\n]*\\n[^\\n]*ok 1").contains("dev=1 is device 0");
        assertThat(md).doesNotContain("<", "\t");
        assertThat(dev.nestcheck.report.Layout.widest(md)).as(md).isLessThanOrEqualTo(80);
        assertThat(dev.nestcheck.report.Layout.widest(Files.readString(dir.resolve(RunSummary.MARKDOWN))))
                .isLessThanOrEqualTo(80);

        // the trace expects the model's outcomes: it fails against the broken one at the failing step
        String trace = Files.readString(folder.resolve(CounterexampleReport.TRACE));
        int failing = failingStep(r.out());
        TraceReplay.Result broken = TraceReplay.replay(TraceCodec.parse(trace, "t"), "t",
                dev.nestcheck.conformance.Implementations.named("broken-vmid-zero")::create, null, null);
        assertThat(broken.status()).isEqualTo(TraceReplay.Status.FAILED);
        assertThat(broken.failingStep()).isEqualTo(failing - 1);
        assertThat(run("replay", folder.resolve("trace.json").toString(), "--impl", "broken-vmid-zero").code())
                .isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(run("replay", folder.resolve("trace.json").toString()).code()).isEqualTo(ExitCode.CONFORMANT);
        // a whole report folder replays too (its summary.json is not taken for a trace)
        assertThat(run("replay", dir.toString()).code()).isEqualTo(ExitCode.CONFORMANT);

        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .anyMatch(n -> n.matches("Regression_S2_PARENT_divergence_[0-9a-f]{8}Test\\.java"))
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
        JsonNode summary = new ObjectMapper().readTree(dir.resolve(RunSummary.JSON).toFile());
        assertThat(summary.get("result").asText()).isEqualTo("counterexample");
        assertThat(summary.get("runs").get(0).get("report").asText()).isEqualTo("S2_PARENT-divergence");
        assertThat(summary.get("coverage").get("casesPerRule").has("VMID-5")).isTrue();
        assertThat(Files.readString(dir.resolve(RunSummary.MARKDOWN))).contains("## Coverage per rule", "S2_PARENT-divergence/");

        // the token re-runs exactly that case
        String token = token(r.out());
        Run replay = run("replay", token, "--impl", "broken-vmid-zero", "--policy", "S2_PARENT");
        assertThat(replay.code()).as(replay.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(replay.out()).contains("What differs at step " + failing);
        assertThat(run("replay", token, "--policy", "S2_PARENT").code()).isEqualTo(ExitCode.CONFORMANT);
    }

    static int failingStep(String out) {
        Matcher m = Pattern.compile("What differs at step (\\d+)").matcher(out);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static String token(String out) {
        Matcher m = Pattern.compile("token: +(nc1\\.[A-Za-z0-9_-]+)").matcher(out);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void fixedPlatformsByPresetAndByFile(@TempDir Path dir) throws IOException {
        Run preset = run("check", "--platform", "linux-8bit", "--policy", "ICTX", "--tries", "10", "--seed", "1");
        assertThat(preset.code()).as(preset.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(preset.out()).contains("platform: linux-8bit;", "policies ICTX");
        Path file = dir.resolve("platform.json");
        Files.writeString(file, TraceCodec.writePlatform(
                dev.nestcheck.trace.Platforms.named("small", dev.nestcheck.spec.Policy.ICTX)));
        Run fromFile = run("check", "--platform", file.toString(), "--policy", "s2-parent,VIOMMU", "--tries", "10");
        assertThat(fromFile.code()).as(fromFile.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(fromFile.out()).contains("platform: from " + file, "policies S2_PARENT, VIOMMU");
    }

    @Test
    void aTokenFoundOnAFixedPlatformReplaysWithThatPlatform(@TempDir Path dir) {
        Run r = run("check", "--impl", "broken-vmid-zero", "--platform", "small", "--policy", "VIOMMU", "--tries", "300",
                "--seed", "4", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("--impl broken-vmid-zero --policy VIOMMU --platform small");
        Run replay = run("replay", token(r.out()), "--impl", "broken-vmid-zero", "--policy", "VIOMMU", "--platform", "small");
        assertThat(replay.code()).as(replay.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(replay.out()).contains("What differs at step " + failingStep(r.out()));
    }

    @Test
    void exploreFindsAMinimalCrashAndSaysHowToFindItAgain(@TempDir Path dir) {
        Run r = run("explore", "--impl", "broken-throws", "--max-steps", "2", "--policy", "S2_PARENT", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.out()).contains("stopped at the first counterexample", ">  1  open()",
                "replay: ./nestcheck explore --impl broken-throws --policy S2_PARENT --platform small --max-steps 2");
        assertThat(dir.resolve("S2_PARENT-crash").resolve(CounterexampleReport.TRACE)).exists();
    }

    // ------------------------------------------------------------------ exit code 2

    @ParameterizedTest
    @ValueSource(strings = {
        "check --bogus",
        "check --impl nope",
        "check --policy NOPE",
        "check --tries 0",
        "check --tries 3 --time 1s",
        "check --time 5x",
        "check --seed abc",
        "check --workers 0",
        "check --platform no-such-platform",
        "replay",
        "replay nc1.AAAA --policy S2_PARENT",
        "replay nc1.EgAAAAAAAAAAAAAAAAABAAIAAIMaCUo",
        "replay no/such/trace.json",
        "replay --impl nope src/test/resources/corpus",
        "explore --max-steps -1",
        "matrix --tries 0",
        "frobnicate",
        "",
    })
    void usageErrorsAreOneLineOnStderrWithExitCode2(String line) {
        Run r = run(line.isEmpty() ? new String[0] : line.split(" "));
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertOneLine(r);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{ not json",
        "{\"format\": \"nestcheck-trace/1\", \"platform\": {}, \"steps\": [], \"extra\": 1}",
        "{\"format\": \"nestcheck-trace/1\", \"platform\": {\"policy\": \"S2_PARENT\", \"smmus\": [{\"id\": 0, \"vmidBits\": 8, "
                + "\"nesting\": true, \"s2fwb\": true, \"btm\": false}], \"devices\": []}, \"steps\": [{\"op\": \"open\", \"ctxx\": 1}]}",
        "[]",
    })
    void malformedTracesAreInputErrors(String json, @TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, json);
        Run r = run("replay", bad.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertOneLine(r);
        assertThat(r.err()).contains("bad.json");
    }

    static void assertOneLine(Run r) {
        assertThat(r.err()).as(r.toString()).startsWith("nestcheck: ").endsWith("\n");
        assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception:", "\tat ", "internal error");
    }

    // ------------------------------------------------------------------ exit code 3

    @Test
    void anImplementationThatThrowsIsACrash(@TempDir Path dir) {
        Run r = run("check", "--impl", "broken-throws", "--policy", "S2_PARENT", "--tries", "50", "--seed", "1",
                "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.out()).contains("crash: open threw java.lang.IllegalStateException: open is broken",
                "result: the implementation crashed");
        assertThat(dir.resolve("S2_PARENT-crash").resolve(CounterexampleReport.MARKDOWN)).exists();
        assertThat(dir.resolve(RunSummary.MARKDOWN)).exists();
    }

    @Test
    void anImplementationThatHangsIsACrashAndStillWritesItsReport(@TempDir Path dir) throws IOException {
        // every shrinking attempt that still hangs costs the timeout: bound the shrinking
        Run r = run("check", "--impl", "broken-hangs", "--tries", "50", "--seed", "1", "--timeout", "200ms",
                "--shrink-time", "2s", "--report", dir.toString(), "--junit-xml", dir.resolve("junit.xml").toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.out()).contains("The implementation hung in open for 200 ms (step 1).",
                "hang: the implementation did not return from open within 200 ms", "result: the implementation hung",
                "the remaining policies were not run").doesNotContain("ImplementationHung");
        assertThat(dir.resolve("S2_PARENT-crash").resolve(CounterexampleReport.MARKDOWN)).exists();
        // where the implementation was: its own stack, in the report
        assertThat(Files.readString(dir.resolve("S2_PARENT-crash").resolve(CounterexampleReport.STACK_TRACE)))
                .contains("Thread.sleep", "BrokenProviders$Hangs");
        assertThat(Files.readString(dir.resolve("S2_PARENT-crash").resolve(CounterexampleReport.MARKDOWN)))
                .contains("## Where the implementation was", "hung");
        // the policies not run are in the summary, for a CI job that reads it, not silently missing
        String json = Files.readString(dir.resolve(RunSummary.JSON));
        for (String p : new String[] {"S2_PARENT", "VIOMMU", "ICTX", "KVM_PINNED"}) assertThat(json).contains("\"" + p + "\"");
        assertThat(json).contains("\"not run\"");
        assertThat(Files.readString(dir.resolve(RunSummary.MARKDOWN))).contains("not run");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("<skipped message=\"not run: the implementation hung")
                .doesNotContain("skipped=\"0\"");
    }

    @Test
    void replayingATraceAgainstAThrowingImplementationIsACrash() {
        Run r = run("replay", CORPUS.resolve("trace-md-example.json").toString(), "--impl", "broken-throws");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.out()).contains("CRASH", "step 1 (steps[0]) open()");
    }

    // ------------------------------------------------------------------ determinism

    @Test
    void theSameSeedGivesTheSameOutputApartFromTimingLines() {
        String[] args = {"check", "--tries", "40", "--seed", "11"};
        assertThat(withoutTiming(run(args).out())).isEqualTo(withoutTiming(run(args).out()));
    }

    @Test
    void theSameSeedGivesTheSameCounterexampleAndReport(@TempDir Path a, @TempDir Path b) throws IOException {
        Run ra = run("check", "--impl", "broken-vmid-zero", "--tries", "100", "--seed", "5", "--report", a.toString());
        Run rb = run("check", "--impl", "broken-vmid-zero", "--tries", "100", "--seed", "5", "--report", b.toString());
        assertThat(withoutTiming(ra.out().replace(a.toString(), "DIR")))
                .isEqualTo(withoutTiming(rb.out().replace(b.toString(), "DIR")));
        Path md = Paths.get("S2_PARENT-divergence", CounterexampleReport.MARKDOWN);
        assertThat(Files.readString(a.resolve(md)).replace(a.toString(), "DIR"))
                .isEqualTo(Files.readString(b.resolve(md)).replace(b.toString(), "DIR"));
    }

    @Test
    void theResultDoesNotDependOnTheNumberOfWorkers(@TempDir Path a, @TempDir Path b) throws IOException {
        // each policy keeps its own seed and cases: running them at once changes the time, nothing else
        Run one = run("check", "--impl", "broken-vmid-zero", "--tries", "60", "--seed", "5", "--workers", "1",
                "--no-matrix", "--report", a.toString());
        Run four = run("check", "--impl", "broken-vmid-zero", "--tries", "60", "--seed", "5", "--workers", "4",
                "--no-matrix", "--report", b.toString());
        assertThat(one.code()).as(one.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(withoutTiming(four.out().replace(b.toString(), "DIR")))
                .isEqualTo(withoutTiming(one.out().replace(a.toString(), "DIR")));
        Path md = Paths.get("S2_PARENT-divergence", CounterexampleReport.MARKDOWN);
        assertThat(Files.readString(b.resolve(md)).replace(b.toString(), "DIR"))
                .isEqualTo(Files.readString(a.resolve(md)).replace(a.toString(), "DIR"));
    }

    static String withoutTiming(String out) {
        List<String> lines = out.lines().filter(l -> !l.startsWith("time:")).collect(Collectors.toList());
        return String.join("\n", lines);
    }
}
