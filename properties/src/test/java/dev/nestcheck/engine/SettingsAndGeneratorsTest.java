package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingsAndGeneratorsTest {

    private static final List<String> KEYS = List.of("nestcheck.seed", "nestcheck.tries", "nestcheck.time",
            "nestcheck.replay", "nestcheck.mode");

    @AfterEach
    void clearProperties() {
        KEYS.forEach(System::clearProperty);
    }

    @Test
    void systemPropertiesOverrideSettings() {
        System.setProperty("nestcheck.seed", "42");
        System.setProperty("nestcheck.tries", "7");
        System.setProperty("nestcheck.replay", "nc1.AwHoBwDRjv13");
        System.setProperty("nestcheck.mode", "exhaustive");
        Settings s = Settings.defaults().withSeed(1).withTries(100).withSystemOverrides();
        assertThat(s.seed()).hasValue(42);
        assertThat(s.tries()).isEqualTo(7);
        assertThat(s.replay()).hasValue("nc1.AwHoBwDRjv13");
        assertThat(s.mode()).isEqualTo(Mode.EXHAUSTIVE);
    }

    @Test
    void aTimeWithoutTriesMeansRunForThatLong() {
        System.setProperty("nestcheck.time", "2m");
        Settings s = Settings.defaults().withSystemOverrides();
        assertThat(s.timeBudget()).hasValue(Duration.ofMinutes(2));
        assertThat(s.tries()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void timeBudgetStopsGeneration() {
        RunResult r = Engine.run(tc -> Thread.sleep(5),
                Settings.defaults().withTries(Integer.MAX_VALUE).withTimeBudget(Duration.ofMillis(100)));
        assertThat(r.passed()).isTrue();
        assertThat(r.casesRun()).isBetween(1L, 25L);
    }

    @Test
    void durationsParse() {
        assertThat(Settings.parseDuration("t", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.parseDuration("t", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("t", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Settings.parseDuration("t", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Settings.parseDuration("t", "PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> Settings.parseDuration("nestcheck.time", "3 fortnights"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("nestcheck.time:");
    }

    @Test
    void badSystemPropertiesNameTheProperty() {
        System.setProperty("nestcheck.tries", "many");
        assertThatThrownBy(() -> Settings.defaults().withSystemOverrides())
                .hasMessage("nestcheck.tries: 'many' is not a number");
    }

    @Test
    void betweenCoversTheRangeAndShrinksTowardZero() {
        List<Integer> order = new ArrayList<>();
        for (long c = 0; c <= 8; c++) {
            order.add(TestCase.ofChoices(c).between(-3, 5));
        }
        assertThat(order).containsExactly(0, 1, -1, 2, -2, 3, -3, 4, 5);
        assertThat(TestCase.ofChoices(0).between(-9, -4)).isEqualTo(-4);
        assertThat(TestCase.ofChoices(0).between(10, 20)).isEqualTo(10);
        assertThat(TestCase.ofChoices(0, 0).between(Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
    }

    @Test
    void drawsStayInRangeUnderRandomGeneration() {
        Set<Integer> seen = new HashSet<>();
        RunResult r = Engine.run(tc -> {
            int v = tc.between(-2, 2);
            assertThat(v).isBetween(-2, 2);
            seen.add(v);
            assertThat(tc.between(Long.MIN_VALUE, Long.MAX_VALUE)).isNotNull();
            assertThat(tc.pick(List.of("a", "b"))).isIn("a", "b");
            assertThat(tc.pickWeighted(0, 5, 1)).isIn(1, 2);
            assertThat(tc.weighted(0)).isFalse();
            assertThat(tc.weighted(1)).isTrue();
            List<Integer> xs = Generators.lists(Generators.integers(0, 3), 2, 4).generate(tc);
            assertThat(xs).hasSizeBetween(2, 4);
        }, Settings.defaults().withSeed(3).withTries(300));
        r.assertPassed();
        assertThat(seen).containsExactlyInAnyOrder(-2, -1, 0, 1, 2);
    }

    @Test
    void bits64ShrinksTowardZeroAndCombinesHalves() {
        assertThat(TestCase.ofChoices(0, 0).bits64()).isZero();
        assertThat(TestCase.ofChoices(1, 2).bits64()).isEqualTo((1L << 32) | 2);
        assertThat(TestCase.ofChoices(0xFFFF_FFFFL, 0xFFFF_FFFFL).bits64()).isEqualTo(-1L);
    }

    @Test
    void outOfRangeReplayedChoicesFallBackToZero() {
        TestCase tc = TestCase.ofChoices(9);
        assertThat(tc.choice(3)).isZero();
        assertThat(tc.choice(3)).isZero();   // past the end: zero
        assertThat(tc.draws()).isEqualTo(2);
    }

    @Test
    void combinatorsWork() {
        Generator<String> g = Generators.oneOf(Generators.constant("c"), Generators.integers(1, 3).map(i -> "i" + i));
        assertThat(g.generate(TestCase.ofChoices(0))).isEqualTo("c");
        assertThat(g.generate(TestCase.ofChoices(1, 2))).isEqualTo("i3");
        Generator<List<Integer>> dependent = Generators.integers(0, 3).flatMap(n -> Generators.lists(
                Generators.constant(n), n, n));
        assertThat(dependent.generate(TestCase.ofChoices(2))).containsExactly(2, 2);
        Generator<Integer> freq = Generators.frequency(new int[] {1, 9},
                List.of(Generators.constant(0), Generators.integers(10, 20)));
        assertThat(freq.generate(TestCase.ofChoices(1, 4))).isEqualTo(14);
        assertThat(Generators.elements(List.of("x", "y")).generate(TestCase.ofChoices(1))).isEqualTo("y");

        RunResult rejected = Engine.run(tc -> Generators.integers(0, 10).filter(i -> i > 100).generate(tc),
                Settings.defaults().withTries(10));
        assertThat(rejected.passed()).isFalse();
        assertThat(rejected.failure()).isEmpty();
        assertThat(rejected.rejectedCases()).isEqualTo(100);
        assertThat(rejected.unsatisfied()).get().asString().contains("no valid test case");
    }

    @Test
    void overrunsAreInvalidNotFailures() {
        RunResult r = Engine.run(tc -> {
            while (true) {
                tc.bool();
            }
        }, Settings.defaults().withTries(5).withMaxChoices(100));
        assertThat(r.failure()).isEmpty();
        assertThat(r.overruns()).isEqualTo(50);
        assertThat(r.unsatisfied()).isPresent();
    }

    @Test
    void assumeRejectsWithoutFailing() {
        RunResult r = Engine.run(tc -> tc.assume(tc.between(0, 3) != 0), Settings.defaults().withSeed(8).withTries(100));
        assertThat(r.passed()).isTrue();
        assertThat(r.validCases()).isEqualTo(100);
        assertThat(r.rejectedCases()).isPositive();
        assertThat(r.casesRun()).isEqualTo(r.validCases() + r.rejectedCases());
    }

    @Test
    void notesAreKeptOnlyForTheFinalRun() {
        List<Boolean> finals = new ArrayList<>();
        Failure f = Engine.run(tc -> {
            finals.add(tc.isFinal());
            tc.note("n");
            throw new IllegalStateException("boom");
        }, Settings.defaults().withTries(10)).failure().orElseThrow();
        assertThat(f.notes()).containsExactly("n");
        assertThat(finals).endsWith(true).containsOnlyOnce(true);
    }
}
