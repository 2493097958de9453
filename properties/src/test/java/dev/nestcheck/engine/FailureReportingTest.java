package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a failed run tells: flaky failures, distinct failures, drawn values, health warnings. */
class FailureReportingTest {

    @Test
    void aFailureThatDoesNotReproduceIsFlakyWithItsRealCause() {
        AtomicInteger calls = new AtomicInteger();
        RunResult r = Engine.run(tc -> {
            tc.between(0, 10);
            if (calls.getAndIncrement() == 3) {
                throw new IllegalStateException("only the fourth call");
            }
        }, Settings.defaults().withSeed(1).withName("flaky"));
        Failure f = r.failure().orElseThrow();
        assertThat(f.isFlaky()).isTrue();
        assertThat(f.throwable()).isInstanceOf(IllegalStateException.class).hasMessage("only the fourth call");
        assertThat(f.report()).contains("failed FLAKILY")
                .contains("FLAKY: this case failed with java.lang.IllegalStateException: only the fourth call, then passed");
        assertThatThrownBy(r::assertPassed).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMinimalCaseThatPassesOnItsFinalRunIsFlakyToo() {
        RunResult r = Engine.run(tc -> {
            if (tc.between(0, 1000) >= 10 && !tc.isFinal()) {
                throw new IllegalArgumentException("big");
            }
        }, Settings.defaults().withSeed(2));
        Failure f = r.failure().orElseThrow();
        assertThat(f.isFlaky()).isTrue();
        assertThat(f.throwable()).isInstanceOf(IllegalArgumentException.class).hasMessage("big");
        assertThat(f.report()).contains("FLAKY: the minimal case failed with java.lang.IllegalArgumentException: big"
                + " while shrinking, then passed");
    }

    @Test
    void distinctFailuresAreKeptAndShrunkSeparately() {
        Property twoBugs = tc -> {
            int x = tc.between(0, 1000);
            if (x >= 900) {
                throw new IllegalStateException("big: " + x);
            }
            if (x % 7 == 3) {
                throw new IllegalArgumentException("three mod seven: " + x);
            }
        };
        for (long seed = 1; seed <= 10; seed++) {
            RunResult r = Engine.run(twoBugs, Settings.defaults().withSeed(seed).withTries(1000));
            assertThat(r.failures()).as("seed %d", seed).hasSize(2);
            for (Failure f : r.failures()) {
                if (f.throwable() instanceof IllegalStateException) {
                    assertThat(f.choices()).containsExactly(900);
                } else {
                    assertThat(f.choices()).containsExactly(3);
                }
            }
            assertThat(r.failures()).extracting(Failure::origin).doesNotHaveDuplicates();
            assertThat(r.message()).contains("2 distinct failures").contains("=== Failure 1 of 2 ===")
                    .contains("=== Failure 2 of 2 ===");
            assertThatThrownBy(r::assertPassed).satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        }
    }

    @Test
    void aPropertyThatNotesNothingIsReportedAsTheValuesItDrew() {
        Failure f = Engine.run(tc -> {
            int n = tc.between(0, 1000);
            List<Integer> xs = tc.draw("xs", Generators.lists(Generators.integers(0, 9), 0, 5));
            String s = tc.pick(List.of("a", "b", "c"));
            if (n >= 500 && s.equals("b")) {
                throw new AssertionError(n + " " + xs + " " + s);
            }
        }, Settings.defaults().withSeed(3).withTries(1000)).failure().orElseThrow();
        assertThat(f.drawnValues()).containsExactly("between(0, 1000) = 500", "xs = []", "pick(a, b, c) = b");
        assertThat(f.report()).contains("the values drawn (the property noted nothing)")
                .contains("  draw 1: between(0, 1000) = 500\n  draw 2: xs = []\n  draw 3: pick(a, b, c) = b\n");
    }

    @Test
    void longDrawListsAreCut() {
        Failure f = Engine.run(tc -> {
            for (int i = 0; i < 100; i++) {
                tc.bool();
            }
            throw new AssertionError("always");
        }, Settings.defaults().withSeed(4)).failure().orElseThrow();
        assertThat(f.drawnValues()).hasSize(13).endsWith("... and 88 more (tc.note(...) can tell the case's story instead)");
    }

    @Test
    void mostlyRejectedCasesGiveAHealthWarning() {
        RunResult r = Engine.run(tc -> tc.assume(tc.between(0, 9) == 0), Settings.defaults().withSeed(5).withTries(50));
        assertThat(r.passed()).isTrue();
        assertThat(r.healthWarnings()).singleElement().asString().contains("were rejected by assume/filter");
        assertThat(r.message()).contains("Health warning: ");
    }

    @Test
    void casesHittingTheLengthCapGiveAHealthWarning() {
        RunResult r = Engine.run(tc -> {
            while (tc.weighted(0.99)) {
                tc.bool();
            }
        }, Settings.defaults().withSeed(6).withTries(200).withMaxChoices(100));
        assertThat(r.overruns()).isPositive();
        assertThat(r.healthWarnings()).anySatisfy(w -> assertThat(w).contains("hit the length cap of 100 choices"));
    }

    @Test
    void aHealthyRunHasNoWarnings() {
        RunResult r = Engine.run(tc -> tc.between(0, 9), Settings.defaults().withSeed(7));
        assertThat(r.healthWarnings()).isEmpty();
        RunResult ok = Engine.run(tc -> tc.assume(tc.between(0, 9) != 0), Settings.defaults().withSeed(7));
        assertThat(ok.healthWarnings()).isEmpty();
    }
}
