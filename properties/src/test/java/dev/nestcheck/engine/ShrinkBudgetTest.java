package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShrinkBudgetTest {

    @Test
    void aTinyAttemptBudgetIsReportedAsExhausted() {
        RunResult r = Engine.run(Scenarios::boundedQueue,
                Settings.defaults().withSeed(11).withTries(1000).withShrinkMaxAttempts(3));
        Failure f = r.failure().orElseThrow();
        assertThat(f.shrinkStats().budgetExhausted()).isTrue();
        assertThat(f.shrinkStats().attempts()).isEqualTo(3);
        assertThat(f.report()).contains("Shrink:  3 attempts (limit 3), BUDGET EXHAUSTED");
        // still a genuine failing case, with a token that reproduces it
        RunResult replayed = Engine.run(Scenarios::boundedQueue, Settings.defaults().withReplay(f.replayToken()));
        assertThat(replayed.failure()).isPresent();
    }

    @Test
    void aZeroTimeBudgetIsReportedAsExhausted() {
        Failure f = Engine.run(Scenarios::sumStaysUnder1000,
                Settings.defaults().withSeed(11).withTries(1000).withShrinkMaxTime(Duration.ZERO))
                .failure().orElseThrow();
        assertThat(f.shrinkStats().budgetExhausted()).isTrue();
        assertThat(f.report()).contains("BUDGET EXHAUSTED");
    }

    @Test
    void anAmpleBudgetIsReportedAsNotExhausted() {
        Failure f = Engine.run(Scenarios::boundedQueue, Settings.defaults().withSeed(11).withTries(1000))
                .failure().orElseThrow();
        assertThat(f.shrinkStats().budgetExhausted()).isFalse();
        assertThat(f.shrinkStats().reachedFixpoint()).isTrue();
        assertThat(f.shrinkStats().attempts()).isPositive();
        assertThat(f.report()).contains("fixpoint: no shrink pass makes it smaller")
                .containsPattern("Time: +shrinking took \\d+ ms \\(no time limit\\)");
    }

    @Test
    void shrinkingStaysOnTheOriginalBug() {
        // Two bugs: any 3-element list fails at one line, any list containing 7 at another. Starting from a
        // failure of the first kind the shrinker must not slip to the simpler second one, or vice versa.
        Property p = tc -> {
            var xs = Scenarios.INT_LISTS.generate(tc);
            if (xs.size() >= 3) {
                throw new IllegalStateException("three or more");
            }
            if (xs.contains(7)) {
                throw new AssertionError("seven");
            }
        };
        for (long seed = 1; seed <= 20; seed++) {
            Failure f = Engine.run(p, Settings.defaults().withSeed(seed).withTries(1000)).failure().orElseThrow();
            if (f.throwable() instanceof IllegalStateException) {
                assertThat(f.choices()).containsExactly(1, 0, 1, 0, 1, 0, 0);
            } else {
                assertThat(f.choices()).containsExactly(1, 7, 0);
            }
        }
    }
}
