package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecursiveGeneratorTest {

    /** A binary tree: a leaf (null) or a node of two trees. */
    record Node(Node left, Node right) { }

    private static int depth(Node n) {
        return n == null ? 0 : 1 + Math.max(depth(n.left()), depth(n.right()));
    }

    private static final Generator<Node> TREES = Generators.recursive(tc -> null,
            self -> tc -> new Node(self.generate(tc), self.generate(tc)), 3);

    @Test
    void theDepthStaysWithinTheBoundAndReachesIt() {
        int[] deepest = {0};
        Engine.run(tc -> {
            int d = depth(tc.draw(TREES));
            assertThat(d).isLessThanOrEqualTo(3);
            deepest[0] = Math.max(deepest[0], d);
        }, Settings.defaults().withSeed(1).withTries(2000)).assertPassed();
        assertThat(deepest[0]).isEqualTo(3);
    }

    @Test
    void depthZeroDrawsLeavesOnly() {
        Generator<List<Integer>> leaves = Generators.recursive(tc -> List.of(tc.between(0, 9)),
                self -> tc -> List.of(-1), 0);
        Engine.run(tc -> assertThat(tc.draw(leaves)).doesNotContain(-1), Settings.defaults().withSeed(2)).assertPassed();
    }

    /** Recursion without a bound half the time: the generator overflows the stack. */
    private static int deep(int n) {
        return n == 0 ? 0 : 1 + deep(n - 1);
    }

    @Test
    void aStackOverflowWhileGeneratingRejectsTheCaseAndWarns() {
        Generator<Integer> unbounded = tc -> tc.bool() ? deep(Integer.MAX_VALUE) : tc.between(0, 9);
        RunResult r = Engine.run(tc -> tc.draw(unbounded), Settings.defaults().withSeed(3).withTries(50));
        assertThat(r.failure()).isEmpty();
        assertThat(r.passed()).isTrue();
        assertThat(r.validCases()).isEqualTo(50);
        assertThat(r.rejectedCases()).isPositive();
        assertThat(r.healthWarnings()).anySatisfy(w -> assertThat(w).contains("overflowed the stack"));
    }

    @Test
    void aStackOverflowInTheCodeUnderTestIsAFailure() {
        RunResult r = Engine.run(tc -> deep(tc.between(0, 1) * Integer.MAX_VALUE),
                Settings.defaults().withSeed(4).withTries(50));
        Failure f = r.failure().orElseThrow();
        assertThat(f.throwable()).isInstanceOf(StackOverflowError.class);
        assertThat(f.choices()).containsExactly(1);
    }
}
