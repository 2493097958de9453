package dev.nestcheck.extension;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.Policy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without the concurrency module on the class path, --concurrent says how to get it, in one line. */
class ConcurrentChecksTest {
    @Test
    void withoutTheConcurrencyModuleTheCheckSaysWhatIsMissing() {
        ConcurrentCheck.Request r = new ConcurrentCheck.Request(Implementations.named("optimized"), List.of(Policy.S2_PARENT),
                1L, 1, null, null, "model");
        assertThatThrownBy(() -> ConcurrentChecks.run(r, new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--concurrent needs the nestcheck-concurrency module on the class path"
                        + " (./nestcheck adds concurrency/target/nestcheck-concurrency-all.jar for --concurrent)");
    }
}
