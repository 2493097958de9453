package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Prints the engine's own throughput counters (no timing assertions: the machine is shared). Run alone:
 * {@code mvn -o -q -pl properties -am test -Dtest='dev.nestcheck.engine.ThroughputTest'
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ThroughputTest {

    private static final Generator<List<Integer>> LISTS = Generators.lists(Generators.integers(0, 1000), 0, 50);

    /** A list of ints and a trivial check: measures the engine's own overhead per case and per draw. */
    private static final Property SIMPLE = tc -> {
        long sum = 0;
        for (int x : LISTS.generate(tc)) {
            sum += x;
        }
        if (sum < 0) {
            throw new AssertionError("negative sum");
        }
    };

    /** A small model-based stateful test (deque as a stack vs a list model), about 10 steps per case. */
    private static final Property STATEFUL = tc -> {
        ArrayDeque<Integer> deque = new ArrayDeque<>();
        List<Integer> model = new ArrayList<>();
        while (tc.weighted(0.9)) {
            if (tc.pickWeighted(3, 2) == 0) {
                int v = tc.between(-100, 100);
                deque.push(v);
                model.add(v);
                tc.label("op", "push");
            } else {
                Integer expected = model.isEmpty() ? null : model.remove(model.size() - 1);
                if (!java.util.Objects.equals(deque.poll(), expected)) {
                    throw new AssertionError("pop disagrees");
                }
                tc.label("op", "pop");
            }
        }
    };

    /**
     * Best of 5 runs of 100,000 cases, per second of wall time and per second of this thread's CPU time
     * (the latter holds up on a machine shared with other work).
     */
    private static void measure(String name, Property p) {
        Engine.run(p, Settings.defaults().withSeed(1).withTries(20_000));   // warm-up
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double wall = 0;
        double perCpu = 0;
        double drawsPerCpu = 0;
        for (int i = 0; i < 5; i++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            RunResult r = Engine.run(p, Settings.defaults().withSeed(2 + i).withTries(100_000));
            double seconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
            assertThat(r.passed()).isTrue();
            wall = Math.max(wall, r.counters().casesPerSecond());
            if (r.casesRun() / seconds > perCpu) {
                perCpu = r.casesRun() / seconds;
                drawsPerCpu = r.totalDraws() / seconds;
            }
        }
        System.out.println(String.format(Locale.ROOT,
                "nestcheck throughput (%s): %.2f million cases/s of CPU time (%.1f million draws/s), %.2f million"
                        + " cases/s of wall time, best of 5 runs of 100,000 cases", name, perCpu / 1e6,
                drawsPerCpu / 1e6, wall / 1e6));
    }

    @Test
    void printThroughput() {
        measure("simple list property", SIMPLE);
        measure("stateful deque model", STATEFUL);
    }
}
