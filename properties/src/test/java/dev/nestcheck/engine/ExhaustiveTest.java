package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
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
                tc.fingerprint(x);
            }
            for (int i = 0; i < tc.maxSteps(); i++) {
                x = tc.bool() ? Math.min(x + 1, 3) : 0;
                tc.label("x", Integer.toString(x));
                if (withFingerprints) {
                    tc.fingerprint(x);
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
}
