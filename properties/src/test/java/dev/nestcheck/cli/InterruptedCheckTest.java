package dev.nestcheck.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C or SIGTERM while a counterexample is being shrunk (a hang costs the timeout per attempt,
 * so that takes minutes) keeps the failing case found so far: its replay command goes to stderr and
 * to interrupted.md in the report folder, and it replays as the same crash.
 */
class InterruptedCheckTest {
    static Path misbehave;

    @BeforeAll
    static void build() {
        ExecCliTest.build();
        misbehave = ExecCliTest.misbehave;
    }

    /** {@code nestcheck} in a JVM of its own (a signal goes to it alone), its output in {@code dir}/out.txt and err.txt. */
    static Process check(Path dir, Path workingDir, String... args) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "dev.nestcheck.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    /** Waits until {@code starts} has {@code n} lines (children started), then sends SIGTERM; returns the exit code. */
    static int interruptAfter(Process check, Path starts, int n) throws Exception {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while ((!Files.exists(starts) || Files.readAllLines(starts).size() < n) && System.nanoTime() < deadline) {
                assertThat(check.isAlive()).as("the check ended before it was interrupted").isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.readAllLines(starts)).hasSizeGreaterThanOrEqualTo(n);
            check.destroy();   // SIGTERM, as a CI runner's timeout or kill sends it
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            check.destroyForcibly();
        }
        return check.exitValue();
    }

    @Test
    void anInterruptedCheckKeepsTheFailingCaseItFound(@TempDir Path dir) throws Exception {
        Path starts = dir.resolve("starts.log");
        Path report = dir.resolve("report");
        String impl = "exec:sh -c 'echo started >> " + starts + "; exec " + misbehave + " --full hang 1'";
        Process check = check(dir, dir, "check", "--impl", impl, "--policy", "S2_PARENT", "--seed", "1",
                "--timeout", "1s", "--shrink-time", "5m", "--report", report.toString());
        // the handshake probe is child 1, case 1's child 2; child 3 starts only after child 2 hung:
        // by then the failure is found and the run goes on
        int code = interruptAfter(check, starts, 3);
        assertThat(code).isEqualTo(128 + 15);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertThat(err).contains("nestcheck: interrupted; the failing cases found so far are in "
                + report.resolve("interrupted.md"), "S2_PARENT: a counterexample found at case 1");
        String md = Files.readString(report.resolve("interrupted.md"));
        assertThat(md).contains("was interrupted", "S2_PARENT: a counterexample found at case 1", "replay");
        Matcher token = Pattern.compile("(nc1\\.[A-Za-z0-9_-]+)").matcher(md.replace("\\\n", "").replaceAll("\\s+", " "));
        assertThat(token.find()).as(md).isTrue();

        ExecCliTest.Run replay = ExecCliTest.run(List.of("replay", token.group(1), "--policy", "S2_PARENT", "--impl",
                "exec:" + misbehave + " --full hang 1", "--timeout", "1s").toArray(String[]::new));
        assertThat(replay.code()).as(replay.toString()).isEqualTo(ExitCode.CRASH);
        assertThat(replay.out()).contains("hung");
    }

    /** SIGTERM with nothing failing yet: one line, and a given report folder is not left empty. */
    @Test
    void anInterruptedCleanRunSaysSoAndLeavesANote(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report");
        Process check = check(dir, dir, "check", "--time", "5m", "--seed", "5", "--no-matrix", "--report", report.toString());
        try {
            Thread.sleep(3000);   // the search runs; no counterexample exists in the bundled implementation
            assertThat(check.isAlive()).isTrue();
            check.destroy();
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            check.destroyForcibly();
        }
        assertThat(check.exitValue()).isEqualTo(128 + 15);
        assertThat(Files.readString(dir.resolve("err.txt"))).containsPattern("nestcheck: interrupted after [\\d,]+ cases?, no"
                + " counterexample so far \\(not a result: the run was cut short\\)");
        assertThat(Files.readString(report.resolve("interrupted.md"))).contains("was interrupted", "no counterexample so far");
    }

    /** The default report folder not writable: the counterexample is still shown and counted, the report's loss said in one line. */
    @Test
    void anUnwritableDefaultReportFolderLosesTheFilesNotTheResult(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("nestcheck-reports"), "a file where the default report folder would go");
        Process check = check(dir, dir, "check", "--impl", "exec:" + misbehave + " --full crash 2", "--policy", "S2_PARENT",
                "--seed", "1", "--tries", "5");
        assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out.txt")), err = Files.readString(dir.resolve("err.txt"));
        assertThat(check.exitValue()).as(out + err).isEqualTo(ExitCode.CRASH);
        assertThat(out).contains("replay: ", "result: the implementation crashed");
        assertThat(err).contains("nestcheck: report not written: cannot write ", "Not a directory", "nestcheck: summary not written: ")
                .doesNotContain("Exception");
    }

    /** The same for a child of components only (the KVM allocator): the search that finds it again is kept. */
    @Test
    void anInterruptedComponentCheckKeepsTheSearchThatFindsItAgain(@TempDir Path dir) throws Exception {
        Path starts = dir.resolve("starts.log");
        Path report = dir.resolve("report");
        String impl = "exec:sh -c 'echo started >> " + starts + "; exec " + misbehave + " hang 3'";
        Process check = check(dir, dir, "check", "--impl", impl, "--seed", "1", "--tries", "30", "--timeout", "1s",
                "--shrink-time", "5m", "--report", report.toString());
        // a child is started per case and per shrink attempt after a hang: six starts are past the first hang
        assertThat(interruptAfter(check, starts, 6)).isEqualTo(128 + 15);
        String md = Files.readString(report.resolve("interrupted.md"));
        assertThat(md).contains("was interrupted", "kvm: a counterexample found at case ", "not shrunk yet",
                " check --impl ", " --seed 1 --tries 30 --timeout 1s");
        assertThat(Files.readString(dir.resolve("err.txt"))).contains("nestcheck: interrupted; the failing cases found so far");
    }
}
