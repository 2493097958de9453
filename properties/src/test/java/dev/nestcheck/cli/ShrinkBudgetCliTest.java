package dev.nestcheck.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * check's shrinking budget: attempts (--shrink-attempts, the same on every machine), with a
 * wall-clock safety net (--shrink-time) that says plainly when it stopped shrinking.
 */
@ExtendWith(BrokenProviders.Armed.class)
class ShrinkBudgetCliTest {
    static final String[] CASE = {"check", "--impl", "broken-vmid-zero", "--policy", "S2_PARENT", "--tries", "200",
            "--seed", "1"};

    @TempDir
    Path reports;

    /** The case with {@code extra} options; its report goes to a temporary folder (a counterexample writes one). */
    MainTest.Run run(String... extra) {
        List<String> args = new ArrayList<>(List.of(CASE));
        args.addAll(List.of(extra));
        args.addAll(List.of("--report", reports.resolve("run" + (++runs)).toString()));
        return MainTest.run(args.toArray(new String[0]));
    }

    private int runs;

    @Test
    void theDefaultBudgetIsAttemptsAndTheSafetyNetDoesNotStrike() {
        MainTest.Run r = run();
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).doesNotContain("note:");
        // the default attempt limit, given explicitly, is the same run
        assertThat(MainTest.withoutTiming(run("--shrink-attempts", "10000").out()).replace("run2", "run1"))
                .isEqualTo(MainTest.withoutTiming(r.out()));
    }

    @Test
    void theSafetyNetSaysThatItStoppedShrinkingAndThatTheResultDependsOnTheMachine() {
        MainTest.Run r = run("--shrink-time", "1ms");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("note:   shrinking stopped at the wall-clock safety net (--shrink-time 1 ms) after ",
                "of 10000 attempts", "depends on this machine's speed and load");
    }

    @Test
    void theAttemptLimitSaysSoWhenItStopsProgress() {
        MainTest.Run r = run("--shrink-attempts", "0");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).contains("note:   shrinking stopped at its attempt limit (--shrink-attempts 0)")
                .doesNotContain("safety net");
        assertThat(MainTest.run(CASE[0], "--shrink-attempts", "-1").code()).isEqualTo(ExitCode.USAGE);
    }
}
