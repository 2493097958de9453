package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoverageTest {

    /** Labels parity once per case, and "digit" twice per case (once per drawn digit, possibly equal). */
    private static final Property DIGITS = tc -> {
        int a = tc.between(0, 9);
        int b = tc.between(0, 9);
        tc.label("parity", a % 2 == 0 ? "even" : "odd");
        tc.label("digit", Integer.toString(a));
        tc.label("digit", Integer.toString(b));
    };

    private static Settings settings(Coverage... c) {
        return Settings.defaults().withSeed(5).withTries(400).withName("digits").withCoverage(c);
    }

    @Test
    void metRequirementsPass() {
        RunResult r = Engine.run(DIGITS, settings(Coverage.atLeastPercent("parity", "even", 30),
                Coverage.atLeastCases("parity", "odd", 100)));
        assertThat(r.passed()).isTrue();
        assertThat(r.unmetCoverage()).isEmpty();
        r.assertPassed();
    }

    @Test
    void unmetRequirementsFailTheRunWithoutACounterexample() {
        RunResult r = Engine.run(DIGITS, settings(Coverage.atLeastCases("parity", "neither", 1),
                Coverage.atLeastPercent("parity", "even", 90), Coverage.atLeastPercent("parity", "odd", 10)));
        assertThat(r.passed()).isFalse();
        assertThat(r.failure()).isEmpty();
        assertThat(r.unmetCoverage()).hasSize(2);
        assertThat(r.unmetCoverage().get(0)).startsWith("parity=neither in at least 1 cases: got 0 of 400");
        assertThat(r.unmetCoverage().get(1)).startsWith("parity=even in at least 90.0% of cases");
        assertThatThrownBy(r::assertPassed)
                .isInstanceOf(PropertyFailedError.class)
                .hasMessageContaining("coverage requirements were not met")
                .hasMessageContaining("parity=neither")
                .hasMessageContaining(r.statistics().table());
    }

    @Test
    void tableCountsCasesOncePerDistinctLabelAndAllOccurrences() {
        RunResult r = Engine.run(DIGITS, settings());
        Statistics s = r.statistics();
        assertThat(s.cases()).isEqualTo(400);
        assertThat(s.cases("parity", "even") + s.cases("parity", "odd")).isEqualTo(400);
        long digitOccurrences = 0;
        long digitCases = 0;
        for (String d : s.values("digit")) {
            digitOccurrences += s.occurrences("digit", d);
            digitCases += s.cases("digit", d);
        }
        assertThat(digitOccurrences).isEqualTo(800);
        assertThat(digitCases).isLessThan(800).isGreaterThan(400);   // a == b counts once for that case
        String table = s.table();
        assertThat(table).contains("category").contains("occurrences").contains("parity").contains("even")
                .contains("digit").contains(" | ").doesNotContain("\t");
        assertThat(table.lines().filter(l -> l.contains("parity"))).hasSize(2);
        assertThat(s.counts().get("parity").get("even"))
                .isEqualTo(new Statistics.Count(s.cases("parity", "even"), s.occurrences("parity", "even")));
        assertThat(s.counts().keySet()).containsExactly("digit", "parity");
    }

    @Test
    void emptyStatisticsSayHowToLabel() {
        RunResult r = Engine.run(tc -> tc.bool(), Settings.defaults().withTries(10));
        assertThat(r.statistics().table()).contains("no labels recorded");
    }

    @Test
    void coverageIsNotCheckedWhenACounterexampleWasFound() {
        RunResult r = Engine.run(Scenarios::sumStaysUnder1000, Settings.defaults().withSeed(3).withTries(1000)
                .withCoverage(Coverage.atLeastCases("never", "seen", 1)));
        assertThat(r.failure()).isPresent();
        assertThat(r.unmetCoverage()).isEmpty();
    }
}
