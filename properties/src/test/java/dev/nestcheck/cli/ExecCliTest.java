package dev.nestcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nestcheck.process.CBuild;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line with exec: implementations: the C allocator as a kvm component (exit 0, and 1
 * with a report for its buggy build), and children that crash, hang, write garbage or exit early
 * (exit 3, one clear line, the child's stderr in the report, never a stack trace).
 */
class ExecCliTest {
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path allocator, buggy, misbehave;

    @BeforeAll
    static void build() {
        allocator = CBuild.kvmAllocator(null);
        buggy = CBuild.kvmAllocator("ROLLOVER_FORGETS_RUNNING");
        misbehave = CBuild.compile(Paths.get("target", "c-kvm-allocator", "misbehave"), List.of("-I" + CBuild.EXAMPLE),
                Paths.get("src", "test", "resources", "process", "misbehave.c"), CBuild.EXAMPLE.resolve("nestcheck_protocol.c"),
                CBuild.EXAMPLE.resolve("kvm_vmid.c"));
    }

    @Test
    void theCAllocatorConformsAsAKvmComponent() {
        Run r = run("check", "--impl", "exec:" + allocator, "--tries", "200", "--seed", "7");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(r.out()).contains("(c-kvm-allocator), components kvm", "requests pipelined", "kvm         conformant",
                "result: conformant");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void itsBuggyBuildGivesAReportWhoseComponentTraceReplays(@TempDir Path dir) throws Exception {
        Run r = run("check", "--impl", "exec:" + buggy, "--seed", "7", "--report", dir.toString(), "--junit-xml",
                dir.resolve("junit.xml").toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("kvm         counterexample", "The kvm component diverges from the model after 8 steps",
                "kvm vm4: model (generation 2, index 2", "replay: ./nestcheck replay");
        Path folder = dir.resolve("kvm-divergence");
        assertThat(folder.resolve("counterexample.md")).exists();
        Path trace = folder.resolve("component-trace.json");
        assertThat(Files.readString(trace)).startsWith("{\n  \"format\": \"nestcheck-component-trace/1\",\n  \"component\": \"kvm\"");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.path("runs").get(0).path("component").asText()).isEqualTo("kvm");
        assertThat(summary.path("runs").get(0).path("report").asText()).isEqualTo("kvm-divergence");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("<testcase", "name=\"kvm\"", "<failure", "Minimal sequence");

        Run bad = run("replay", trace.toString(), "--impl", "exec:" + buggy);
        assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(bad.out()).contains("FAILED", "result: 0 of 1 component traces conform");
        Run good = run("replay", folder.toString(), "--impl", "exec:" + allocator);
        assertThat(good.code()).as(good.toString()).isEqualTo(ExitCode.CONFORMANT);
        assertThat(good.out()).contains("ok      ", "(8 steps)");
    }

    @ParameterizedTest
    @CsvSource({
            "crash, was killed by signal 6 (SIGABRT)",
            "hang, hung: no answer within 500 ms",
            "garbage, with something that is not a nestcheck-protocol/1 answer: not JSON",
            "exit, exited with status 3",
            "silent-exit, exited with status 0"})
    void aChildThatMisbehavesIsACrashCounterexampleWithItsStderr(String mode, String what, @TempDir Path dir) throws Exception {
        // a hang costs the timeout per shrink attempt: short for it, roomy for the others (a loaded machine)
        Run r = run("check", "--impl", "exec:" + misbehave + " " + mode + " 3", "--seed", "1", "--tries", "30", "--timeout",
                mode.equals("hang") ? "500ms" : "5s", "--shrink-time", "30s", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.err()).as(r.toString()).isEmpty();
        assertThat(r.out()).contains("kvm         crash", "The kvm component crashed at step 3.", what,
                "result: the implementation crashed");
        String md = Files.readString(dir.resolve("kvm-crash").resolve("counterexample.md"));
        assertThat(md).contains(what, "misbehave: doing '" + mode + "' at operation 3");
    }

    @Test
    void aWholeContractChildThatCrashesIsACrashUnderEveryPolicy(@TempDir Path dir) throws Exception {
        Run r = run("check", "--impl", "exec:" + misbehave + " --full crash 1", "--seed", "1", "--tries", "20", "--no-matrix",
                "--shrink-time", "10s", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(r.err()).as(r.toString()).isEmpty();
        // reports wrap at 80 columns: compare the words
        assertThat(r.out().replaceAll("\\s+", " ")).contains("The implementation crashed at step 1.",
                "was killed by signal 6 (SIGABRT)");
        // one bug, although the child's stderr names the policy of each case: shown and written once
        for (String p : new String[] {"VIOMMU", "ICTX", "KVM_PINNED"})
            assertThat(r.out()).containsPattern(p + " +crash +at case \\d+: the same counterexample as S2_PARENT");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).contains("S2_PARENT-crash");
        }
        assertThat(Files.readString(dir.resolve("S2_PARENT-crash").resolve("counterexample.md")))
                .contains("misbehave: doing 'crash' at operation 1");
        assertThat(dir.resolve("S2_PARENT-crash").resolve("repro.c")).exists();
    }

    /** A child that does not answer a step is a hang, titled as in-process hangs are, and the run goes on. */
    @Test
    void aWholeContractChildThatHangsIsTitledAHang(@TempDir Path dir) throws Exception {
        Run r = run("check", "--impl", "exec:" + misbehave + " --full hang 1", "--policy", "ICTX,KVM_PINNED", "--seed", "1",
                "--tries", "5", "--timeout", "300ms", "--shrink-time", "5s", "--report", dir.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.CRASH);
        // reports wrap at 80 columns, where a long path may break a line: compare the words
        assertThat(r.out().replaceAll("\\s+", " ")).contains("The implementation hung in open for 300 ms (step 1).",
                "open failed: ", "result: the implementation hung").doesNotContain("ChildFailed", "remaining policies were not run");
        assertThat(r.out()).containsPattern("KVM_PINNED +crash +at case \\d+: the same counterexample as ICTX");
    }

    @Test
    void aChildWithoutAProperHandshakeOrCommandIsOneLine() {
        Run garbage = run("check", "--impl", "exec:" + misbehave + " --hello garbage", "--timeout", "500ms");
        assertThat(garbage.code()).as(garbage.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(garbage.err().strip()).doesNotContain("\n").startsWith("nestcheck: the implementation failed its handshake")
                .contains("answered its handshake with something that is not a nestcheck-protocol/1 answer: not JSON",
                        "the line: \"garbage\"", "logs go to stderr");
        Run folder = run("check", "--impl", "exec:" + misbehave.getParent());
        assertThat(folder.code()).isEqualTo(ExitCode.USAGE);
        assertThat(folder.err()).contains("is a folder");
        Run version = run("check", "--impl", "exec:" + misbehave
                + " --hello '{\"protocol\": \"nestcheck-protocol/2\", \"name\": \"future\"}'");
        assertThat(version.code()).as(version.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(version.err()).contains("speaks \"nestcheck-protocol/2\"; this nestcheck speaks \"nestcheck-protocol/1\"");
        Run missing = run("check", "--impl", "exec:./no-such-implementation");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err().strip()).doesNotContain("\n").startsWith("nestcheck: cannot run ./no-such-implementation");
        Run noCommand = run("check", "--impl", "exec:");
        assertThat(noCommand.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noCommand.err()).contains("needs a command");
    }

    /** As check: a child that cannot run or fails its handshake is one line for the whole replay, not a crash per trace. */
    @Test
    void replayOfAChildWithoutAProperHandshakeOrCommandIsOneLine() {
        String corpus = Paths.get("src", "test", "resources", "corpus").toString();
        Run missing = run("replay", corpus, "--impl", "exec:./no-such-implementation");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err().strip()).doesNotContain("\n").startsWith("nestcheck: cannot run ./no-such-implementation");
        assertThat(missing.out()).doesNotContain("CRASH");
        Run garbage = run("replay", corpus, "--impl", "exec:" + misbehave + " --hello garbage", "--timeout", "500ms");
        assertThat(garbage.code()).as(garbage.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(garbage.err().strip()).doesNotContain("\n").startsWith("nestcheck: the implementation failed its handshake");
        assertThat(garbage.out()).doesNotContain("CRASH");
        Run component = run("replay", corpus, "--impl", "exec:" + allocator);
        assertThat(component.code()).as(component.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(component.err().strip()).doesNotContain("\n").contains("implements components [kvm] only");
    }

    @Test
    void aComponentChildRefusesPolicyAndPlatformFlags() {
        Run r = run("check", "--impl", "exec:" + allocator, "--policy", "ICTX");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--policy does not apply");
    }
}
