package dev.nestcheck.concurrency.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nestcheck.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code nestcheck check --concurrent} as the user runs it: the CLI finds this module by ServiceLoader. */
class CheckConcurrentTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    @Test
    void theBundledImplementationIsCheckedConcurrentlyAndTheModeIsSaid() {
        int code = run("check", "--concurrent=stress", "--policy", "S2_PARENT", "--tries", "2", "--seed", "1");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("implementation optimized, seed 1",
                "KVM allocator linearizable", "[model checking (Lincheck), 200 interleavings per scenario]",
                "S2_PARENT", "[stress, 200 runs per scenario on real threads]", "result: linearizable, no counterexample");
        assertThat(err.toString(StandardCharsets.UTF_8)).as("progress, on stderr")
                .contains("nestcheck: checking the KVM allocator, model checking...", "nestcheck: checking S2_PARENT, stress...");
    }

    @Test
    void anImplementationThatIsNotThreadSafeGetsOneLineAndExitCode2() {
        int code = run("check", "--concurrent", "--impl", "model", "--tries", "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("nestcheck: implementation model does not declare itself thread-safe"
                        + " (ImplementationProvider.threadSafe() is false): it is checked sequentially only");
    }

    @Test
    void anUnknownModeGetsOneLineAndExitCode2() {
        assertThat(run("check", "--concurrent=fast", "--tries", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--concurrent takes model or stress, got 'fast'");
    }

    @Test
    void theReplayCommandKeepsTheModeTheClassPathAndTheLaunchersPath() {
        dev.nestcheck.extension.ConcurrentCheck.Request r = new dev.nestcheck.extension.ConcurrentCheck.Request(
                dev.nestcheck.conformance.Implementations.named("optimized"), java.util.List.of(dev.nestcheck.spec.Policy.ICTX), 1L,
                2, null, null, "stress", java.util.List.of("/home/me/nestcheck/nestcheck", "check", "--concurrent=stress",
                        "--impl", "mine", "--classpath", "/home/me/my impl/target/classes"));
        assertThat(ConcurrentCheckCommand.replay("nc1.TOKEN", r, "ICTX")).isEqualTo("NESTCHECK_JAVA_OPTS=-Dnestcheck.replay=nc1.TOKEN"
                + " /home/me/nestcheck/nestcheck check --concurrent=stress --impl mine"
                + " --classpath '/home/me/my impl/target/classes' --policy ICTX");
    }

    /** What the shutdown hook keeps on Ctrl-C or SIGTERM while a failing scenario is shrunk. */
    @Test
    void anInterruptedCheckKeepsTheFailingScenarioInInterruptedMd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.nestcheck.extension.ConcurrentCheck.Request r = new dev.nestcheck.extension.ConcurrentCheck.Request(
                dev.nestcheck.conformance.Implementations.named("optimized"), java.util.List.of(dev.nestcheck.spec.Policy.ICTX), 7L,
                2, null, dir, "model");
        java.io.StringWriter captured = new java.io.StringWriter();
        java.io.PrintWriter err = new java.io.PrintWriter(captured, true);
        ConcurrentCheckCommand.keepFailingScenarios(r, java.util.Map.of(), err);
        assertThat(dir.resolve("interrupted.md")).as("nothing failing, nothing written").doesNotExist();
        ConcurrentCheckCommand.keepFailingScenarios(r, java.util.Map.of("ICTX", ConcurrentCheckCommand.replay("nc1.T", r, "ICTX")), err);
        String md = java.nio.file.Files.readString(dir.resolve("interrupted.md"));
        assertThat(md).contains("interrupted before the end of its run (seed 7)", "ICTX: a failing scenario, not minimal yet",
                "NESTCHECK_JAVA_OPTS=-Dnestcheck.replay=nc1.T ./nestcheck check --concurrent=model --impl optimized --policy ICTX");
        assertThat(captured.toString()).contains("nestcheck: interrupted; the failing scenarios found so far are in "
                + dir.resolve("interrupted.md"), "--policy ICTX");
    }
}
