package dev.nestcheck.mutants;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.engine.Mode;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.impl.OptimizedNesting;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.trace.Platforms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exhaustive exploration prunes only on complete state (issue 13 item 7): hidden cursors that the
 * snapshot does not show tell states apart, and pruning never changes the length of the first
 * counterexample found, so "minimal by construction" stays true.
 */
class ExploreFingerprintTest {
    private static final Platform SMALL = Platforms.named("small", Policy.S2_PARENT);

    /** A VM created and destroyed leaves the snapshot as it was, but not the next VM number (KVM-1). */
    @Test
    void hiddenCursorsTellStatesApartThatSnapshotsDoNot() {
        for (Function<Platform, NestingImplementation> make : List.<Function<Platform, NestingImplementation>>of(
                ReferenceModel::new, OptimizedNesting::new)) {
            NestingImplementation fresh = make.apply(SMALL);
            NestingImplementation after = make.apply(SMALL);
            Outcome created = after.execute(new Op.KvmVmCreate());
            assertThat(after.execute(new Op.KvmVmDestroy((int) created.value())).isOk()).isTrue();
            Snapshot a = fresh.snapshot(), b = after.snapshot();
            assertThat(b).as("the snapshots are equal: only hidden state differs").isEqualTo(a);
            assertThat(after.stateFingerprint()).as(after.getClass().getSimpleName())
                    .isNotEqualTo(fresh.stateFingerprint());
            NestingImplementation same = make.apply(SMALL);
            same.execute(new Op.KvmVmDestroy((int) created.value())); // ENOENT: no state change
            assertThat(same.stateFingerprint()).isEqualTo(fresh.stateFingerprint());
        }
    }

    /**
     * With pruning, exploration still finds the mutant at its known minimal length (argued in
     * {@link Mutant}), at the CLI's default bounds: pruning skips only futures already explored.
     */
    @ParameterizedTest
    @EnumSource(names = {"VMID_ZERO_HANDED_OUT", "VMID_RELEASED_WITHOUT_TLBI"})
    void pruningKeepsTheFirstCounterexampleMinimal(Mutant m) {
        Settings explore = Settings.defaults().withSeed(0).withMode(Mode.EXHAUSTIVE).withMaxSteps(4).withMaxValuePerDraw(3)
                .withMaxPickAlternatives(Integer.MAX_VALUE).withMaxDeviationsPerStep(2).withName("explore " + m);
        Conformance.Result pruned = Conformance.check(m::create, m.policy, SMALL.withPolicy(m.policy), null, explore);
        Counterexample cx = pruned.counterexample().orElseThrow(() -> new AssertionError(pruned.run().summary()));
        assertThat(pruned.run().counters().pruned()).as("states reached twice were pruned").isPositive();
        assertThat(cx.steps()).as("closing steps included").hasSize(m.knownMinimalLength);
        assertThat(String.join("\n", cx.findings())).contains(m.findingsMention);
        assertThat(pruned.run().exhaustiveBounds()).isPresent();
    }

    /** An implementation without a fingerprint is explored without pruning. */
    @org.junit.jupiter.api.Test
    void noFingerprintNoPruning() {
        Settings explore = Settings.defaults().withSeed(0).withMode(Mode.EXHAUSTIVE).withMaxSteps(2).withMaxValuePerDraw(1)
                .withMaxPickAlternatives(Integer.MAX_VALUE).withMaxDeviationsPerStep(2).withName("explore plain");
        Conformance.Result r = Conformance.check(p -> hideFingerprint(new OptimizedNesting(p)), Policy.S2_PARENT, SMALL,
                null, explore);
        assertThat(r.passed()).as(r.run().summary()).isTrue();
        assertThat(r.run().exhaustiveComplete()).isTrue();
        assertThat(r.run().counters().pruned()).isZero();
        Conformance.Result withPruning = Conformance.check(OptimizedNesting::new, Policy.S2_PARENT, SMALL, null, explore);
        assertThat(withPruning.run().counters().pruned()).isPositive();
        assertThat(withPruning.run().casesRun()).isLessThan(r.run().casesRun());
    }

    private static NestingImplementation hideFingerprint(NestingImplementation impl) {
        return new NestingImplementation() {
            @Override
            public Outcome execute(Op op) {
                return impl.execute(op);
            }

            @Override
            public Snapshot snapshot() {
                return impl.snapshot();
            }
        };
    }
}
