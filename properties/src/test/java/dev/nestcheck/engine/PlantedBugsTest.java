package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each planted bug must shrink to exactly its known minimal counterexample, for every one of 50 seeds:
 * shrinking that only sometimes reaches the minimum would make reports depend on luck.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlantedBugsTest {

    private static final int SEEDS = 50;

    private static Failure failureFor(Property p, long seed) {
        RunResult r = Engine.run(p, Settings.defaults().withSeed(seed).withTries(1000));
        assertThat(r.passed()).as("seed %d must find the bug", seed).isFalse();
        Failure f = r.failure().orElseThrow();
        assertThat(f.shrinkStats().budgetExhausted()).as("seed %d shrink budget", seed).isFalse();
        return f;
    }

    @Test
    void sumOfListShrinksToTheSingleElement1000() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Failure f = failureFor(Scenarios::sumStaysUnder1000, seed);
            List<Integer> xs = Scenarios.INT_LISTS.generate(TestCase.ofChoices(f.choices()));
            assertThat(xs).as("seed %d", seed).containsExactly(1000);
            assertThat(f.choices()).as("seed %d", seed).containsExactly(1, 1000, 0);
            assertThat(f.notes()).as("seed %d", seed).containsExactly("xs = [1000]");
            assertThat(f.throwable()).hasMessage("sum 1000 >= 1000");
        }
    }

    @Test
    void boundedQueueShrinksToFourOffersOfZero() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Failure f = failureFor(Scenarios::boundedQueue, seed);
            assertThat(f.notes()).as("seed %d", seed).containsExactlyElementsOf(Collections.nCopies(4, "offer(0)"));
            // continue flag, op index, value; four times; the failing offer ends the case
            assertThat(f.choices()).as("seed %d", seed).containsExactly(1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0);
        }
    }

    @Test
    void threeOperationsInOrderShrinkToExactlyABC() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Failure f = failureFor(Scenarios::threeInOrder, seed);
            assertThat(f.notes()).as("seed %d", seed).containsExactly("A", "B", "C");
            assertThat(f.choices()).as("seed %d", seed).containsExactly(1, 3, 1, 4, 1, 5);
        }
    }
    @Test
    void useAfterDeleteShrinksToCreateDeleteUse() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Failure f = failureFor(Scenarios::useAfterDelete, seed);
            assertThat(f.notes()).as("seed %d", seed).containsExactly("create -> h0", "delete(h0)", "use(h0)");
            assertThat(f.choices()).as("seed %d", seed).containsExactly(1, 1, 1, 3, 0, 1, 2, 0);
        }
    }
}
