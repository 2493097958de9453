package dev.nestcheck.stats;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.IntervalUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Confidence bounds on inputs whose intervals are known in closed form or from R. */
class BinomialIntervalTest {
    private static final double EPS = 5e-5;

    @Test
    void wilsonAtTheEdgesHasTheClosedForm() {
        double z2 = 3.841458820694124; // qnorm(0.975)^2
        BinomialInterval none = BinomialInterval.wilson(0, 30, 0.95);
        assertThat(none.lower()).isEqualTo(0.0);
        assertThat(none.upper()).isCloseTo(z2 / (30 + z2), within(1e-12)); // 0.11351
        BinomialInterval all = BinomialInterval.wilson(30, 30, 0.95);
        assertThat(all.lower()).isCloseTo(30 / (30 + z2), within(1e-12)); // 0.88649
        assertThat(all.upper()).isEqualTo(1.0);
    }

    /** R: prop.test(x, n, correct = FALSE)$conf.int. */
    @ParameterizedTest
    @CsvSource({"15, 30, 0.33154, 0.66846", "29, 30, 0.83330, 0.99409", "1, 30, 0.00591, 0.16670",
            "27, 30, 0.74378, 0.96540"})
    void wilsonMatchesR(long x, long n, double lower, double upper) {
        BinomialInterval w = BinomialInterval.wilson(x, n, 0.95);
        assertThat(w.lower()).isCloseTo(lower, within(EPS));
        assertThat(w.upper()).isCloseTo(upper, within(EPS));
        assertThat(w.method()).isEqualTo("Wilson");
    }

    @Test
    void clopperPearsonAtTheEdgesHasTheClosedForm() {
        // x = 0: upper = 1 - (alpha/2)^(1/n); x = n: lower = (alpha/2)^(1/n)
        BinomialInterval none = BinomialInterval.clopperPearson(0, 30, 0.95);
        assertThat(none.lower()).isEqualTo(0.0);
        assertThat(none.upper()).isCloseTo(1 - Math.pow(0.025, 1.0 / 30), within(1e-9)); // 0.11570
        BinomialInterval all = BinomialInterval.clopperPearson(30, 30, 0.95);
        assertThat(all.lower()).isCloseTo(Math.pow(0.025, 1.0 / 30), within(1e-9)); // 0.88430
        assertThat(all.upper()).isEqualTo(1.0);
    }

    /** R: binom.test(x, n)$conf.int. */
    @ParameterizedTest
    @CsvSource({"15, 30, 0.31297, 0.68703", "29, 30, 0.82783, 0.99916", "1, 30, 0.00084, 0.17217",
            "5, 10, 0.18709, 0.81291"})
    void clopperPearsonMatchesR(long x, long n, double lower, double upper) {
        BinomialInterval cp = BinomialInterval.clopperPearson(x, n, 0.95);
        assertThat(cp.lower()).isCloseTo(lower, within(EPS));
        assertThat(cp.upper()).isCloseTo(upper, within(EPS));
    }

    @ParameterizedTest
    @CsvSource({"3, 30", "15, 30", "28, 30", "7, 11", "50, 200"})
    void interiorValuesAgreeWithCommonsMath(long x, long n) {
        ConfidenceInterval w = IntervalUtils.getWilsonScoreInterval((int) n, (int) x, 0.95);
        assertThat(BinomialInterval.wilson(x, n, 0.95).lower()).isCloseTo(w.getLowerBound(), within(1e-9));
        assertThat(BinomialInterval.wilson(x, n, 0.95).upper()).isCloseTo(w.getUpperBound(), within(1e-9));
        ConfidenceInterval cp = IntervalUtils.getClopperPearsonInterval((int) n, (int) x, 0.95);
        assertThat(BinomialInterval.clopperPearson(x, n, 0.95).lower()).isCloseTo(cp.getLowerBound(), within(1e-7));
        assertThat(BinomialInterval.clopperPearson(x, n, 0.95).upper()).isCloseTo(cp.getUpperBound(), within(1e-7));
    }

    @Test
    void clopperPearsonIsWiderThanWilsonAndBothContainTheEstimate() {
        for (int x = 0; x <= 30; x++) {
            BinomialInterval w = BinomialInterval.wilson(x, 30, 0.95);
            BinomialInterval cp = BinomialInterval.clopperPearson(x, 30, 0.95);
            assertThat(cp.upper() - cp.lower()).as("x=%d", x).isGreaterThan(w.upper() - w.lower());
            assertThat(w.proportion()).isBetween(w.lower(), w.upper());
            assertThat(cp.proportion()).isBetween(cp.lower(), cp.upper());
            assertThat(w.lower()).isBetween(0.0, 1.0);
            assertThat(w.upper()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void higherConfidenceWidens() {
        BinomialInterval w95 = BinomialInterval.wilson(20, 30, 0.95);
        BinomialInterval w99 = BinomialInterval.wilson(20, 30, 0.99);
        assertThat(w99.lower()).isLessThan(w95.lower());
        assertThat(w99.upper()).isGreaterThan(w95.upper());
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> BinomialInterval.wilson(31, 30, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinomialInterval.wilson(0, 0, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinomialInterval.clopperPearson(-1, 30, 0.95)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinomialInterval.wilson(1, 30, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void briefShowsCountsAndBounds() {
        assertThat(BinomialInterval.wilson(30, 30, 0.95).brief()).isEqualTo("30/30 = 1.000 [0.886, 1.000]");
    }
}
