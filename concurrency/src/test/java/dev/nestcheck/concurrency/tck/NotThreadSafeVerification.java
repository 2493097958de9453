package dev.nestcheck.concurrency.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** An implementation that does not declare itself thread-safe is skipped, saying why; it is never run. */
class NotThreadSafeVerification {
    @Test
    void theModelIsNotThreadSafeSoItsConcurrentTestsAreSkipped() {
        ConcurrentNestingVerification v = new ConcurrentNestingVerification() {
            @Override
            protected NestingImplementation create(Platform platform) {
                throw new AssertionError("must not be created");
            }
        };
        assertThatThrownBy(() -> v.verify(Policy.S2_PARENT)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("does not declare itself thread-safe");
        org.assertj.core.api.Assertions.assertThat(Implementations.model().threadSafe()).isFalse();
        org.assertj.core.api.Assertions.assertThat(Implementations.named("optimized").threadSafe()).isTrue();
    }
}
