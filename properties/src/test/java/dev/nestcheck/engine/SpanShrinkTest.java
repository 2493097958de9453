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
            } else if (kind == 1) {
                armed = true;
                steps.add("arm");
            } else {
                steps.add("fire");
                if (armed) {
                    if (tc.isFinal()) tc.note(String.join(",", steps));
                    throw new AssertionError("fired while armed: " + steps);
                }
            }
            if (spans) tc.endSpan();
        }
        return steps;
    }

    @Test
    void spansLetTheShrinkerDeleteLongStepsWhole() {
        for (long seed = 1; seed <= 20; seed++) {
            RunResult r = Engine.run(tc -> run(tc, true), Settings.defaults().withSeed(seed).withTries(1000));
            assertThat(r.failure()).as("seed " + seed).isPresent();
            assertThat(r.failure().get().notes()).as("seed " + seed).containsExactly("arm,fire");
        }
    }
}
