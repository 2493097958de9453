package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Prints the engine's own throughput counters on a simple property (no timing assertions: the machine is
 * shared). Run alone with: mvn -o -q -pl properties -am test -Dtest='dev.nestcheck.engine.ThroughputTest'
 * -Dsurefire.failIfNoSpecifiedTests=false
 */
class ThroughputTest {

    @Test
    void printThroughput() {
        Generator<List<Integer>> lists = Generators.lists(Generators.integers(0, 1000), 0, 50);
        Property simple = tc -> {
            List<Integer> xs = lists.generate(tc);
            long sum = 0;
            for (int x : xs) {
                sum += x;
            }
            assertThat(sum).isGreaterThanOrEqualTo(0);
        };
        Engine.run(simple, Settings.defaults().withSeed(1).withTries(5_000));   // warm-up
        RunResult r = Engine.run(simple, Settings.defaults().withSeed(2).withTries(50_000));
        assertThat(r.passed()).isTrue();
        System.out.println(String.format(Locale.ROOT,
                "nestcheck throughput: %d cases, %d draws in %d ms = %.0f cases/s, %.0f draws/s",
                r.casesRun(), r.totalDraws(), r.elapsed().toMillis(),
                r.counters().casesPerSecond(), r.counters().drawsPerSecond()));
    }
}
