package dev.nestcheck.concurrency.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.mutants.ConcurrencyMutant;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The random search (profile {@code concurrency}: {@code mvn verify -Pconcurrency}): engine-generated
 * scenarios, model-checked, shrunk. Every allocator mutant is found within the default budget and shrunk
 * to a small scenario; the bundled allocator passes the whole budget.
 */
@Tag("search")
class KvmSearchTest {
    static final long SEED = 20261203L;

    @ParameterizedTest
    @EnumSource(value = ConcurrencyMutant.class, names = {"ACTIVE_CHECK_NEGATED", "CAS_NEGATED", "GET_THEN_SET", "ROLLOVER_WITHOUT_LOCK"})
    void theSearchFindsAndShrinksEveryAllocatorMutant(ConcurrencyMutant m) {
        RunResult r = KvmConcurrency.run(m.allocatorFactory(), 2, KvmConcurrency.DEFAULT_INVOCATIONS,
                KvmConcurrency.settings("kvm " + m, SEED));
        assertThat(r.failure()).as(m + ": " + r.summary()).isPresent();
        Failure f = r.failure().get();
        KvmScenario s = (KvmScenario) ((ConcurrencyFailure) f.throwable()).scenario();
        System.out.println(m + ": found after " + f.casesBeforeFailure() + " cases, shrunk to " + s.size()
                + " operations in " + f.shrinkStats().attempts() + " attempts: " + s.oneLine() + "  -> "
                + ((ConcurrencyFailure) f.throwable()).finding().summary());
        // two-CPU races need a rollover: the prefix fills the indices, then one operation per CPU
        assertThat(s.size()).as(s.oneLine()).isLessThanOrEqualTo(7);
    }

    @Test
    void theBundledAllocatorPassesTheSearch() {
        RunResult r = KvmConcurrency.run(GenerationalAllocatorAdapter::new, 2, KvmConcurrency.DEFAULT_INVOCATIONS,
                KvmConcurrency.settings("kvm optimized", SEED));
        assertThat(r.passed()).as(r.message()).isTrue();
        assertThat(r.validCases()).isEqualTo(KvmConcurrency.DEFAULT_TRIES);
    }

    @Test
    void threeCpusKeepTheInvariants() {
        RunResult r = KvmConcurrency.run(GenerationalAllocatorAdapter::new, 3, KvmConcurrency.DEFAULT_INVOCATIONS,
                KvmConcurrency.settings("kvm optimized 3 cpus", SEED).withTries(50));
        assertThat(r.passed()).as(r.message()).isTrue();
    }
}
