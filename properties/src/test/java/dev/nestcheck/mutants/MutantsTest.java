package dev.nestcheck.mutants;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nestcheck checks itself: each {@link Mutant}, the reference model with one rule broken, must be
 * caught by the default conformance search (fixed seed, {@link #TRIES} tries, the default shrink
 * budget) and shrunk to exactly its known minimal length, as a DIVERGENCE or INVARIANT (never a
 * CRASH: the mutant is a well-behaved implementation that is wrong). A {@link Witness} per mutant
 * shows that the known minimum is reachable at all.
 *
 * <p>The expected lengths are the true minima, argued in {@link Mutant}; when search or shrinking
 * falls short of one, the test fails and says by how much, rather than the expectation moving.
 */
class MutantsTest {
    static final long SEED = 20261124L;
    /** As many as the default conformance run's per-policy budget, or more; never fewer. */
    static final int TRIES = 2000;

    private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

    @TestFactory
    Stream<DynamicContainer> everyMutantIsCaughtAndShrunkToItsKnownMinimum() {
        return Arrays.stream(Mutant.values()).map(m -> DynamicContainer.dynamicContainer(
                m.rule + " " + m.name().toLowerCase().replace('_', ' ') + " (" + m.policy + ")", Stream.of(
                        DynamicTest.dynamicTest("a witness of the known minimal length " + m.knownMinimalLength + " fails",
                                () -> witnessFailsAtTheKnownMinimum(m)),
                        DynamicTest.dynamicTest("the search catches it and shrinks it to " + m.knownMinimalLength + " steps",
                                () -> searchCatchesAndShrinksToTheKnownMinimum(m)))));
    }

    private static void witnessFailsAtTheKnownMinimum(Mutant m) {
        Counterexample cx = Witness.of(m).run(m);
        assertThat(cx).as("the witness of %s must fail", m).isNotNull();
        assertThat(cx.kind()).as("kind").isIn(Counterexample.Kind.DIVERGENCE, Counterexample.Kind.INVARIANT);
        assertThat(cx.steps()).as("witness steps, closing ones included").hasSize(m.knownMinimalLength);
        assertThat(String.join("\n", cx.findings())).as("findings").contains(m.findingsMention);
    }

    private static void searchCatchesAndShrinksToTheKnownMinimum(Mutant m) {
        Settings settings = Settings.defaults().withName("mutant " + m).withSeed(SEED).withTries(TRIES);
        Conformance.Result result = Conformance.check(m::create, m.policy, settings);
        if (result.passed()) RESULTS.put(m.name(), "NOT CAUGHT in " + result.run().casesRun() + " cases");
        assertThat(result.passed()).as("%s must be caught within %d tries (seed %d)", m, TRIES, SEED).isFalse();
        Failure failure = result.run().failure().orElseThrow();
        Counterexample cx = result.counterexample().orElseThrow(
                () -> new AssertionError(m + ": the failure is not a conformance counterexample", failure.throwable()));
        RESULTS.put(m.name(), String.format("reached %d (known %d) after %d cases, %d shrink attempts%s",
                cx.steps().size(), m.knownMinimalLength, failure.casesBeforeFailure(), failure.shrinkStats().attempts(),
                failure.shrinkStats().budgetExhausted() ? ", shrink budget exhausted" : ""));
        assertThat(cx.kind()).as("kind of %s's counterexample", m)
                .isIn(Counterexample.Kind.DIVERGENCE, Counterexample.Kind.INVARIANT);
        assertThat(cx.steps().size()).as("%s shrinks to its known minimal length (or its documented local minimum)%n%s",
                m, failure.report()).isEqualTo(m.shrunkLength);
        if (m.shrunkLength == m.knownMinimalLength)
            assertThat(String.join("\n", cx.findings())).as("findings of %s", m).contains(m.findingsMention);
    }

    @AfterAll
    static void printTable() {
        RESULTS.forEach((m, r) -> System.out.printf("mutant %-40s %s%n", m, r));
    }
}
