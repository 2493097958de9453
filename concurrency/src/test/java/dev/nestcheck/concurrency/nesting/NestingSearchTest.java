package dev.nestcheck.concurrency.nesting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.mutants.ConcurrencyMutant;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The random search (profile {@code concurrency}) finds OptimizedNesting without its lock, and shrinks it. */
@Tag("search")
class NestingSearchTest {
    @Test
    void theSearchFindsOptimizedNestingWithoutItsLock() {
        RunResult r = NestingConcurrency.modelCheckRun(ConcurrencyMutant.NESTING_WITHOUT_LOCK::createNesting,
                NestingConcurrency.settings("nesting without lock", 20261203L).withShrinkMaxTime(Duration.ofMinutes(3)));
        assertThat(r.failure()).as(r.summary()).isPresent();
        Failure f = r.failure().get();
        NestingScenario s = (NestingScenario) ((ConcurrencyFailure) f.throwable()).scenario();
        System.out.println("NESTING_WITHOUT_LOCK: found after " + f.casesBeforeFailure() + " cases, shrunk to " + s.size()
                + " operations in " + f.shrinkStats().attempts() + " attempts: " + s.oneLine());
        assertThat(s.branches()).allSatisfy(b -> assertThat(b).isNotEmpty());
    }
}
