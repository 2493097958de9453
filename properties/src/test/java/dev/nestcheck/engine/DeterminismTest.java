package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The same seed must give the same run: same cases, same shrink result, same report (bar timing). */
class DeterminismTest {

    private static String withoutTiming(String report) {
        return Arrays.stream(report.split("\n")).filter(l -> !l.startsWith("Time:")).collect(Collectors.joining("\n"));
    }

    @Test
    void sameSeedSameFailureAndReport() {
        for (Property p : new Property[] {Scenarios::sumStaysUnder1000, Scenarios::boundedQueue, Scenarios::threeInOrder}) {
            Settings s = Settings.defaults().withSeed(2024).withTries(1000).withName("determinism");
            Failure a = Engine.run(p, s).failure().orElseThrow();
            Failure b = Engine.run(p, s).failure().orElseThrow();
            assertThat(b.choices()).containsExactly(a.choices());
            assertThat(b.originalChoiceCount()).isEqualTo(a.originalChoiceCount());
            assertThat(b.casesBeforeFailure()).isEqualTo(a.casesBeforeFailure());
            assertThat(b.shrinkStats().attempts()).isEqualTo(a.shrinkStats().attempts());
            assertThat(withoutTiming(b.report())).isEqualTo(withoutTiming(a.report()));
            assertThat(a.report()).contains("Seed:    2024").contains("-Dnestcheck.replay=" + a.replayToken());
        }
    }

    @Test
    void sameSeedSameChoicesForPassingRuns() {
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        for (StringBuilder log : new StringBuilder[] {first, second}) {
            RunResult r = Engine.run(tc -> {
                log.append(tc.between(-5, 5)).append(',').append(tc.bits64()).append(',')
                        .append(Scenarios.INT_LISTS.generate(tc)).append(';');
                tc.label("sign", tc.bool() ? "+" : "-");
            }, Settings.defaults().withSeed(77).withTries(50));
            assertThat(r.passed()).isTrue();
            log.append(r.totalDraws()).append(r.statistics().table());
        }
        assertThat(second.toString()).isEqualTo(first.toString());
    }

    @Test
    void differentSeedsExploreDifferentCases() {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        Engine.run(tc -> a.append(tc.bits64()), Settings.defaults().withSeed(1).withTries(5));
        Engine.run(tc -> b.append(tc.bits64()), Settings.defaults().withSeed(2).withTries(5));
        assertThat(a.toString()).isNotEqualTo(b.toString());
    }

    @Test
    void aRandomSeedIsChosenAndReported() {
        RunResult r = Engine.run(Scenarios::sumStaysUnder1000, Settings.defaults().withTries(1000));
        Failure f = r.failure().orElseThrow();
        assertThat(f.seed()).isEqualTo(r.seed());
        assertThat(f.report()).contains("-Dnestcheck.seed=" + r.seed());
        Failure again = Engine.run(Scenarios::sumStaysUnder1000,
                Settings.defaults().withTries(1000).withSeed(r.seed())).failure().orElseThrow();
        assertThat(again.choices()).containsExactly(f.choices());
    }
}
