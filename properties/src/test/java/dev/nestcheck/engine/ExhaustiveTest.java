package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExhaustiveTest {

    private static Settings exhaustive(int maxSteps, long maxValue) {
        return Settings.defaults().withMode(Mode.EXHAUSTIVE).withMaxSteps(maxSteps).withMaxValuePerDraw(maxValue);
    }

    @Test
    void findsTheQueueBugWithAMinimalLengthCase() {
        RunResult r = Engine.run(Scenarios::boundedQueue, exhaustive(5, 1));
        Failure f = r.failure().orElseThrow();
        assertThat(f.notes()).containsExactlyElementsOf(Collections.nCopies(4, "offer(0)"));
        assertThat(f.choices()).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0);
        assertThat(f.shrinkStats().attempts()).isZero();
        assertThat(f.report()).contains("exhaustive").contains("Replay:  " + f.replayToken());
        assertThat(r.statesExplored()).isPositive();

        // the token replays in exhaustive settings too
        RunResult replayed = Engine.run(Scenarios::boundedQueue, exhaustive(5, 1).withReplay(f.replayToken()));
        assertThat(replayed.failure()).get().extracting(Failure::notes).isEqualTo(f.notes());
    }

    @Test
    void exhaustiveQueueSearchWithoutTheBugSlotIsComplete() {
        RunResult r = Engine.run(Scenarios::boundedQueue, exhaustive(3, 1));   // 3 offers cannot trigger it
        assertThat(r.passed()).isTrue();
        assertThat(r.exhaustiveComplete()).isTrue();
        assertThat(r.statistics().cases("op", "offer")).isPositive();
    }

    /**
     * A saturating counter 0..3: each step draws a bit, 1 increments (up to 3), 0 resets to 0. Reachable
     * states: {0, 1, 2, 3}. With fingerprints, BFS runs: [] (frontier), [0] (back to 0: pruned), [1]
     * (state 1, frontier), [1,0] (pruned), [1,1] (state 2, frontier), [1,1,0] (pruned), [1,1,1] (state 3,
     * frontier), [1,1,1,0] (pruned), [1,1,1,1] (3 again: pruned) = 9 runs, 5 pruned, 4 states.
     * Without fingerprints, the full binary tree of depth 5: 1+2+4+8+16+32 = 63 runs, 32 complete.
     */
    private static Property counter(boolean withFingerprints) {
        return tc -> {
            int x = 0;
            if (withFingerprints) {
                tc.completeFingerprint(x);
            }
            for (int i = 0; i < tc.maxSteps(); i++) {
                x = tc.bool() ? Math.min(x + 1, 3) : 0;
                tc.label("x", Integer.toString(x));
                if (withFingerprints) {
                    tc.completeFingerprint(x);
                }
            }
        };
    }

    @Test
    void statesExploredMatchesAHandCount() {
        RunResult r = Engine.run(counter(true), exhaustive(5, 3));
        assertThat(r.passed()).isTrue();
        assertThat(r.exhaustiveComplete()).isTrue();
        assertThat(r.statesExplored()).isEqualTo(4);
        assertThat(r.casesRun()).isEqualTo(9);
        assertThat(r.counters().pruned()).isEqualTo(5);
        assertThat(r.validCases()).isZero();
        assertThat(r.summary()).contains("9 sequences run").contains("5 pruned").contains("4 states explored, complete");
    }

    @Test
    void pruningCutsDuplicates() {
        RunResult unpruned = Engine.run(counter(false), exhaustive(5, 3));
        assertThat(unpruned.passed()).isTrue();
        assertThat(unpruned.statesExplored()).isZero();
        assertThat(unpruned.casesRun()).isEqualTo(63);
        assertThat(unpruned.validCases()).isEqualTo(32);
        // labels come from complete sequences only: every one of the 32 ends in some state
        assertThat(unpruned.statistics().cases()).isEqualTo(32);
        assertThat(unpruned.statistics().cases("x", "0")).isEqualTo(31);   // all but 11111
    }

    @Test
    void maxValuePerDrawClampsRangesAndMaxStepsBoundsTheProperty() {
        RunResult r = Engine.run(tc -> {
            for (int i = 0; i < tc.maxSteps(); i++) {
                tc.label("v", Integer.toString(tc.between(0, 100)));
            }
        }, exhaustive(2, 2));
        assertThat(r.validCases()).isEqualTo(9);                  // 3 values per draw, 2 draws
        assertThat(r.statistics().values("v")).containsExactlyInAnyOrder("0", "1", "2");
    }

    @Test
    void runLimitLeavesTheSearchIncomplete() {
        RunResult r = Engine.run(counter(false), exhaustive(5, 3).withMaxRuns(10));
        assertThat(r.exhaustiveComplete()).isFalse();
        assertThat(r.casesRun()).isEqualTo(10);
        assertThat(r.summary()).contains("INCOMPLETE");
    }

    @Test
    void maxStepsIsUnboundedInRandomMode() {
        RunResult r = Engine.run(tc -> assertThat(tc.maxSteps()).isEqualTo(Integer.MAX_VALUE),
                Settings.defaults().withTries(3));
        assertThat(r.passed()).isTrue();
    }

    @Test
    void picksAndFlagsAreEnumeratedInFullAndOnlyIntegersClamped() {
        List<String> items = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        RunResult r = Engine.run(tc -> {
            tc.label("item", tc.pick(items));
            tc.label("kind", Integer.toString(tc.pickWeighted(0, 5, 1, 1)));
            tc.label("flag", Boolean.toString(tc.weighted(0.01)));
            tc.label("v", Integer.toString(tc.between(0, 100)));
        }, exhaustive(1, 1).withMaxPickAlternatives(Integer.MAX_VALUE));
        assertThat(r.exhaustiveComplete()).isTrue();
        assertThat(r.validCases()).isEqualTo(10 * 3 * 2 * 2);   // the weight-0 kind is not enumerated
        assertThat(r.statistics().values("item")).hasSize(10);
        assertThat(r.statistics().values("kind")).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(r.statistics().values("v")).containsExactlyInAnyOrder("0", "1");
        RunResult.Exhaustive bounds = r.exhaustiveBounds().orElseThrow();
        assertThat(bounds.widestClamped()).isEqualTo(100);
        assertThat(bounds.clampedDraws()).isPositive();
        assertThat(r.summary()).contains("complete: covered every sequence of up to 1 steps with every alternative of"
                + " each flag, every alternative of each pick, and integer draws limited to 0..1 (")
                .contains("integer draws had wider ranges, up to 0..100, and were clamped)");
    }

    @Test
    void nothingClampedIsSaid() {
        RunResult r = Engine.run(tc -> tc.between(0, 2), exhaustive(1, 3));
        assertThat(r.summary()).contains("nothing was clamped");
    }

    /**
     * A hidden cursor: every step returns to the same visible state, but the third step that moves the
     * hidden cursor fails. A fingerprint of the visible state alone is incomplete: pruning on it would
     * report "complete" without the bug, which is why {@code fingerprint} no longer prunes.
     */
    @SuppressWarnings("deprecation")
    private static Property hiddenCursor(boolean complete) {
        return tc -> {
            int visible = 0;
            int hidden = 0;
            for (int i = 0; i < tc.maxSteps(); i++) {
                if (tc.bool()) {
                    hidden++;
                }
                if (hidden == 3) {
                    throw new AssertionError("the hidden cursor reached 3");
                }
                if (complete) {
                    tc.completeFingerprint(List.of(visible, hidden));
                } else {
                    tc.fingerprint(visible);
                }
            }
        };
    }

    @Test
    void onlyACompleteFingerprintPrunes() {
        RunResult incomplete = Engine.run(hiddenCursor(false), exhaustive(4, 1));
        assertThat(incomplete.failure()).get().extracting(Failure::choices).isEqualTo(new long[] {1, 1, 1});
        assertThat(incomplete.counters().pruned()).isZero();
        RunResult complete = Engine.run(hiddenCursor(true), exhaustive(4, 1));
        assertThat(complete.failure()).get().extracting(Failure::choices).isEqualTo(new long[] {1, 1, 1});
        assertThat(complete.counters().pruned()).isPositive();
        assertThat(complete.casesRun()).isLessThan(incomplete.casesRun());
    }

    @Test
    void picksCanBeCutWhenTheyNestTooDeep() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        RunResult r = Engine.run(tc -> tc.label("item", tc.pick(items)), exhaustive(1, 3).withMaxPickAlternatives(2));
        assertThat(r.statistics().values("item")).containsExactlyInAnyOrder("a", "b");
        assertThat(r.exhaustiveBounds().orElseThrow().describe())
                .contains("the first 2 alternatives of each pick (2 picks had more, up to 5)");   // one per sequence
    }

    @Test
    void byDefaultPicksAreBoundLikeIntegers() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        RunResult r = Engine.run(tc -> tc.label("item", tc.pick(items)), exhaustive(1, 2));
        assertThat(r.statistics().values("item")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(r.summary()).contains("the first 3 alternatives of each pick (3 picks had more, up to 5)");
    }

    /**
     * Steps of three draws, each with 10 alternatives: 1,000 sequences per step in full. With at most
     * one deviation from the simplest choice per step, 1 + 3 * 9 = 28 per step remain (784 for two steps
     * against a million), and every value
     * of every single draw is still reached.
     */
    @Test
    void deviationsPerStepKeepEveryAlternativeReachableAtPolynomialCost() {
        List<Integer> ten = java.util.stream.IntStream.range(0, 10).boxed().collect(java.util.stream.Collectors.toList());
        Property steps = tc -> {
            for (int i = 0; i < tc.maxSteps(); i++) {
                tc.startSpan();
                for (int d = 0; d < 3; d++) {
                    tc.label("draw " + d, Integer.toString(tc.pick(ten)));
                }
                tc.endSpan();
            }
        };
        RunResult all = Engine.run(steps, exhaustive(1, 3).withMaxPickAlternatives(Integer.MAX_VALUE));
        assertThat(all.validCases()).isEqualTo(1000);
        Settings full = exhaustive(2, 3).withMaxPickAlternatives(Integer.MAX_VALUE);
        RunResult one = Engine.run(steps, full.withMaxDeviationsPerStep(1));
        assertThat(one.exhaustiveComplete()).isTrue();
        assertThat(one.validCases()).isEqualTo(28 * 28);
        for (int d = 0; d < 3; d++) {
            assertThat(one.statistics().values("draw " + d)).hasSize(10);
        }
        assertThat(one.summary()).contains("in which each step makes at most 1 choices other than the simplest");
    }
}
