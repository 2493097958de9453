package dev.nestcheck.concurrency.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.mutants.ConcurrencyMutant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fast regression scenarios of the default build: each is model-checked by Lincheck within
 * {@link KvmConcurrency#DEFAULT_INVOCATIONS} interleavings. The bundled allocator passes all of them
 * (linearizable against KvmVmids with 2 CPUs, G-6 and KVM-6 with 3); each allocator mutant fails the
 * one named for it, with the finding stated.
 */
class KvmRegressionTest {
    /**
     * CPU 0 has never run anything (active 0) and loads a current VM while CPU 1 rolls over: the
     * rollover's swap must make CPU 0's fast path fail. 3 indices, 3 in use.
     */
    static final KvmScenario ROLLOVER_RACES_FIRST_LOAD = new KvmScenario(2, 2, 4,
            List.of(KvmOp.load(1, 1), KvmOp.load(2, 1), KvmOp.load(3, 1)),
            List.of(List.of(KvmOp.load(1, 0)), List.of(KvmOp.load(4, 1))));

    /** As above, but CPU 0 runs VM 2, so its fast path starts from a non-zero active word. */
    static final KvmScenario ROLLOVER_RACES_FAST_PATH = new KvmScenario(2, 2, 4,
            List.of(KvmOp.load(1, 1), KvmOp.load(2, 0), KvmOp.load(3, 1)),
            List.of(List.of(KvmOp.load(1, 0)), List.of(KvmOp.load(4, 1))));

    /** KVM-6: pins from both CPUs while CPU 0 loads the pinned VM and CPU 1 rolls over (3-bit VMIDs). */
    static final KvmScenario PINS_ACROSS_A_ROLLOVER = new KvmScenario(2, 3, 5,
            List.of(KvmOp.pin(1, 0), KvmOp.load(2, 1), KvmOp.load(3, 1), KvmOp.load(4, 1), KvmOp.pin(5, 1)),
            List.of(List.of(KvmOp.load(1, 0), KvmOp.unpin(1, 0)), List.of(KvmOp.load(2, 1), KvmOp.put(1))));

    /** Three CPUs: not linearizable by design, so only G-6 and KVM-6 are checked. */
    static final KvmScenario THREE_CPUS = new KvmScenario(3, 3, 4,
            List.of(KvmOp.load(1, 0), KvmOp.load(2, 1), KvmOp.load(3, 2)),
            List.of(List.of(KvmOp.load(4, 0)), List.of(KvmOp.put(1)), List.of(KvmOp.load(1, 2))));

    static final List<KvmScenario> ALL = List.of(ROLLOVER_RACES_FIRST_LOAD, ROLLOVER_RACES_FAST_PATH,
            PINS_ACROSS_A_ROLLOVER, THREE_CPUS);

    private static Optional<Finding> check(KvmScenario s, KvmAllocatorUnderTest.Factory f) {
        return KvmModelChecker.check(s, f, KvmConcurrency.DEFAULT_INVOCATIONS);
    }

    @Test
    void theBundledAllocatorPassesEveryRegressionScenario() {
        for (KvmScenario s : ALL)
            assertThat(check(s, GenerationalAllocatorAdapter::new)).as(s.oneLine()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ConcurrencyMutant.class, names = {"ACTIVE_CHECK_NEGATED", "CAS_NEGATED", "GET_THEN_SET", "ROLLOVER_WITHOUT_LOCK"})
    void everyAllocatorMutantIsKilledByARegressionScenario(ConcurrencyMutant m) {
        KvmScenario s = m == ConcurrencyMutant.ACTIVE_CHECK_NEGATED ? ROLLOVER_RACES_FIRST_LOAD : ROLLOVER_RACES_FAST_PATH;
        Optional<Finding> f = check(s, m.allocatorFactory());
        assertThat(f).as(m + " on " + s.oneLine()).isPresent();
        if (m == ConcurrencyMutant.ROLLOVER_WITHOUT_LOCK) {
            assertThat(f.get().kind()).isEqualTo(Finding.Kind.NOT_LINEARIZABLE);
        } else {
            // a CPU runs a VMID of the old generation whose index the rollover gave CPU 1's VM
            assertThat(f.get().kind()).isEqualTo(Finding.Kind.INVARIANT);
            assertThat(f.get().title()).isEqualTo("G-6: cpu0 runs vm1 and cpu1 runs vm4, both with index 1");
            assertThat(f.get().interleaving()).contains("switch");
        }
    }
}
