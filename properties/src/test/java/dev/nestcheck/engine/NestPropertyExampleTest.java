package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.TestInfo;

/**
 * Examples of annotated properties, run by {@link NestPropertyExtension} (see the statistics tables on
 * stdout). The failing behaviour of the extension is tested in {@link NestPropertyExtensionTest}.
 */
class NestPropertyExampleTest {

    private static final Generator<List<Integer>> LISTS = Generators.lists(Generators.integers(-50, 50), 0, 20);

    @NestProperty(tries = 200, seed = 42)
    void reversingTwiceGivesTheOriginal(TestCase tc) {
        List<Integer> xs = LISTS.generate(tc);
        tc.label("size", xs.isEmpty() ? "empty" : xs.size() == 1 ? "one" : "many");
        List<Integer> ys = new ArrayList<>(xs);
        Collections.reverse(ys);
        Collections.reverse(ys);
        assertThat(ys).isEqualTo(xs);
    }

    /** A stateful property: ArrayDeque used as a stack agrees with a list model; other parameters work too. */
    @NestProperty(tries = 100)
    void dequeAsStackAgreesWithModel(TestCase tc, TestInfo info) {
        assertThat(info.getDisplayName()).isNotBlank();
        ArrayDeque<Integer> deque = new ArrayDeque<>();
        List<Integer> model = new ArrayList<>();
        while (tc.weighted(0.9)) {
            if (tc.bool()) {
                int v = tc.between(0, 9);
                tc.label("op", "push");
                deque.push(v);
                model.add(v);
            } else {
                tc.label("op", "pop");
                Integer expected = model.isEmpty() ? null : model.remove(model.size() - 1);
                assertThat(deque.poll()).isEqualTo(expected);
            }
        }
    }

    @NestProperty(mode = Mode.EXHAUSTIVE, maxSteps = 4, maxValue = 2)
    void exhaustiveSmallScope(TestCase tc) {
        int sum = 0;
        tc.completeFingerprint(List.of(0, sum));
        for (int i = 0; i < tc.maxSteps(); i++) {
            sum = Math.min(sum + tc.between(0, 5), 6);
            tc.completeFingerprint(List.of(i + 1, sum));
        }
        assertThat(sum).isBetween(0, 6);
    }
}
