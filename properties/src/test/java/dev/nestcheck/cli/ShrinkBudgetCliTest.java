package dev.nestcheck.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * check's shrinking budget: attempts (--shrink-attempts, the same on every machine), with a
 * wall-clock safety net (--shrink-time) that says plainly when it stopped shrinking.
 */
@ExtendWith(BrokenProviders.Armed.class)
class ShrinkBudgetCliTest {
    static final String[] CASE = {"check", "--impl", "broken-vmid-zero", "--policy", "S2_PARENT", "--tries", "200",
            "--seed", "1"};

    static MainTest.Run run(String... extra) {
        String[] args = java.util.Arrays.copyOf(CASE, CASE.length + extra.length);
        System.arraycopy(extra, 0, args, CASE.length, extra.length);
        return MainTest.run(args);
    }

    @Test
    void theDefaultBudgetIsAttemptsAndTheSafetyNetDoesNotStrike() {
        MainTest.Run r = run();
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COUNTEREXAMPLE);
        assertThat(r.out()).doesNotContain("note:");
        // the default attempt limit, given explicitly, is the same run
        assertThat(MainTest.withoutTiming(run("--shrink-attempts", "10000").out())).isEqualTo(MainTest.withoutTiming(r.out()));
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
