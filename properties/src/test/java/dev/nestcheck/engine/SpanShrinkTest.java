package dev.nestcheck.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole-span deletion: noise steps that draw 12 to 30 choices each cannot be removed by block
 * deletion of at most 8 choices, but are removed at once when each step is a span.
 */
class SpanShrinkTest {
    /** Steps: 0 = noise (a long list of values), 1 = arm, 2 = fire; the bug is arm then fire. */
    private static List<String> run(TestCase tc, boolean spans) {
        List<String> steps = new ArrayList<>();
        boolean armed = false;
        for (int i = 0; i < 40; i++) {
            if (spans) tc.startSpan();
            if (!tc.weighted(0.9)) break;
            int kind = tc.pickWeighted(6, 1, 1);
            if (kind == 0) {
                int n = 12 + tc.between(0, 18);
                for (int k = 0; k < n; k++) tc.between(1, 50);
                steps.add("noise");
            } else {
                armed = armOrFire(tc, kind, steps, armed);
            }
            if (spans) tc.endSpan();
        }
        return steps;
    }

    /** Step kind 1 arms, 2 fires: firing while armed is the bug. Returns whether armed. */
    private static boolean armOrFire(TestCase tc, int kind, List<String> steps, boolean armed) {
        steps.add(kind == 1 ? "arm" : "fire");
        if (kind == 2 && armed) {
            if (tc.isFinal()) tc.note(String.join(",", steps));
            throw new AssertionError("fired while armed: " + steps);
        }
        return armed || kind == 1;
    }

    @Test
    void spansLetTheShrinkerDeleteLongStepsWhole() {
        for (long seed = 1; seed <= 20; seed++) {
            RunResult r = Engine.run(tc -> run(tc, true), Settings.defaults().withSeed(seed).withTries(1000));
            assertThat(r.failure()).as("seed " + seed).isPresent();
            assertThat(r.failure().get().notes()).as("seed " + seed).containsExactly("arm,fire");
        }
    }

    /**
     * A long case as a realistic platform draws it: hundreds of steps inside one span, each noise step
     * with spans of its own. The bug is again arm then fire, with rare arms and fires, so the first
     * failing case carries hundreds of noise steps. Deleting them one at a time, each step's inner spans
     * before the step, costs several runs per step (seed 1, 951 steps: the 10,000-run limit struck before
     * the minimum); deleting level by level and in doubling runs of siblings costs about as many runs
     * whatever the length.
     */
    private static void longRun(TestCase tc) {
        List<String> steps = new ArrayList<>();
        boolean armed = false;
        tc.startSpan();
        for (int i = 0; i < 1000; i++) {
            tc.startSpan();
            if (!tc.weighted(0.999)) break;
            int kind = tc.pickWeighted(2000, 1, 1);
            if (kind == 0) {
                for (int k = 0; k < 4; k++) {
                    tc.startSpan();
                    tc.between(1, 50);
                    tc.between(1, 50);
                    tc.endSpan();
                }
                steps.add("noise");
            } else {
                armed = armOrFire(tc, kind, steps, armed);
            }
            tc.endSpan();
        }
        tc.endSpan();
    }

    @Test
    void theIrrelevantStepsOfALongCaseGoInAFewRunsWhateverItsLength() {
        int longCases = 0;
        for (long seed = 1; seed <= 10; seed++) {
            RunResult r = Engine.run(SpanShrinkTest::longRun, Settings.defaults().withSeed(seed).withTries(1000));
            assertThat(r.failure()).as("seed " + seed).isPresent();
            Failure f = r.failure().get();
            int stepsAtFirst = f.originalChoiceCount() / 10;   // a noise step draws 10 choices, the others 2
            assertThat(f.notes()).as("seed " + seed).containsExactly("arm,fire");
            if (stepsAtFirst > 200) {
                longCases++;
            }
            // about 170 runs go to the last small case's passes, whatever the length: one run a step would be hundreds
            assertThat(f.shrinkStats().attempts()).as("seed " + seed + ", " + stepsAtFirst + " steps at first")
                    .isLessThan(250);
        }
        assertThat(longCases).as("seeds whose first failing case has more than 200 steps").isGreaterThanOrEqualTo(5);
    }
}
