package dev.nestcheck.conformance;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The share of realistic-width platforms a benchmark may set (HarnessThroughputBench's wideShare). */
class ConformancePropertyTest {
    private static Conformance.Result run(double share, int tries) {
        return Conformance.run(ConformanceProperty.of(Implementations.named("optimized"), Policy.S2_PARENT).withWideShare(share),
                Settings.defaults().withSeed(7).withTries(tries));
    }

    @Test
    void allRealisticCasesRunLongSequencesAndNoneRunShortOnes() {
        Conformance.Result wide = run(1, 2), small = run(0, 20);
        assertThat(wide.passed()).isTrue();
        assertThat(small.passed()).isTrue();
        // a realistic case runs up to 1,100 steps and mostly all of them; a small one at most 80 before closing
        assertThat(wide.steps()).isGreaterThan(2 * 300);
        assertThat(small.steps() / 20.0).isLessThan(80 + 40);
    }

    @Test
    void theDefaultShareKeepsTheDefaultIdentityAndAnotherNamesIt() {
        ConformanceProperty p = ConformanceProperty.of(Implementations.named("optimized"), Policy.ICTX);
        assertThat(p.withWideShare(PlatformGenerator.WIDE).identity()).isEqualTo(p.identity());
        assertThat(p.withWideShare(1).identity()).isNotEqualTo(p.identity()).endsWith("realistic platforms 1.0");
        assertThatThrownBy(() -> p.withWideShare(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.withWideShare(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
