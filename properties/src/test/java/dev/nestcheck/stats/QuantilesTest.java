package dev.nestcheck.stats;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Type-7 quantiles, as R's quantile() and numpy.quantile() compute them. */
class QuantilesTest {
    @Test
    void oneToTen() {
        List<Integer> x = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(Quantiles.median(x)).isEqualTo(5.5);
        assertThat(Quantiles.p95(x)).isCloseTo(9.55, within(1e-12)); // 1 + 0.95 * 9
    }

    @Test
    void unsortedOddCount() {
        List<Integer> x = List.of(3, 1, 2);
        assertThat(Quantiles.median(x)).isEqualTo(2.0);
        assertThat(Quantiles.p95(x)).isCloseTo(2.9, within(1e-12)); // h = 1.9: 2 + 0.9 * (3 - 2)
    }

    @Test
    void thirtyValuesLikeASummaryColumn() {
        double[] x = new double[30];
        for (int i = 0; i < 30; i++) x[i] = (i + 1) * 10; // 10..300
        assertThat(Quantiles.of(x, 0.5)).isEqualTo(155.0);
        assertThat(Quantiles.of(x, 0.95)).isCloseTo(285.5, within(1e-9)); // h = 27.55: 280 + 0.55 * 10
        assertThat(Quantiles.of(x, 1.0)).isEqualTo(300.0);
    }

    @Test
    void emptyIsNaNAndOneValueIsItself() {
        assertThat(Quantiles.median(List.of())).isNaN();
        assertThat(Quantiles.p95(List.of(7L))).isEqualTo(7.0);
    }

    @Test
    void rejectsProbabilitiesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> Quantiles.of(new double[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantiles.of(new double[] {1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
