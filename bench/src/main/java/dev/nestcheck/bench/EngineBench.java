package dev.nestcheck.bench;

import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.Generator;
import dev.nestcheck.engine.Generators;
import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The property engine alone (no conformance harness): generation throughput and the cost of shrinking.
 * Written against the engine's first public API only (Engine.run, Settings, TestCase draws, Generators),
 * so the same source measures an older engine too.
 *
 * <ul>
 *   <li>{@code generateList}, {@code generateStateful}: one run of 1,000 passing cases of a list property
 *       and of a small model-based deque test; the {@code cases} and {@code draws} columns are rates per
 *       second.</li>
 *   <li>{@code shrinkSum}, {@code shrinkQueue}: one failing run, search and shrinking, of a planted bug
 *       (a list whose sum reaches 1000; a bounded queue accepting a fourth element), a new seed per call;
 *       the score is failing runs per second, the {@code shrinkCalls} column property runs spent shrinking
 *       per second (divided by the score: shrink calls per failure).</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class EngineBench {

    private static final Generator<List<Integer>> LISTS = Generators.lists(Generators.integers(0, 1000), 0, 50);

    private static final Property LIST = tc -> {
        long sum = 0;
        for (int x : LISTS.generate(tc)) {
            sum += x;
        }
        if (sum < 0) {
            throw new AssertionError("negative sum");
        }
    };

    private static final Property STATEFUL = tc -> {
        ArrayDeque<Integer> deque = new ArrayDeque<>();
        List<Integer> model = new ArrayList<>();
        while (tc.weighted(0.9)) {
            if (tc.pickWeighted(3, 2) == 0) {
                int v = tc.between(-100, 100);
                deque.push(v);
                model.add(v);
            } else {
                Integer expected = model.isEmpty() ? null : model.remove(model.size() - 1);
                if (!Objects.equals(deque.poll(), expected)) {
                    throw new AssertionError("pop disagrees");
                }
            }
        }
    };

    private static final Generator<List<Integer>> SUM_LISTS = Generators.lists(Generators.integers(0, 1000), 0, 100);

    private static final Property SUM = tc -> {
        int sum = 0;
        for (int x : SUM_LISTS.generate(tc)) {
            sum += x;
        }
        if (sum >= 1000) {
            throw new AssertionError("sum " + sum);
        }
    };

    /** A ring buffer of 3 whose offer accepts a fourth element: found by four offers. */
    private static final Property QUEUE = tc -> {
        int[] buf = new int[3];
        int head = 0;
        int size = 0;
        ArrayDeque<Integer> model = new ArrayDeque<>();
        while (tc.weighted(0.9)) {
            if (tc.pickWeighted(3, 2) == 0) {
                int v = tc.between(0, 100);
                boolean expected = model.size() < 3;
                if (expected) {
                    model.add(v);
                }
                boolean accepted = size <= buf.length;   // BUG: should be <
                if (accepted) {
                    buf[(head + size) % buf.length] = v;
                    size++;
                }
                if (accepted != expected) {
                    throw new AssertionError("offer");
                }
            } else {
                Integer got = size == 0 ? null : buf[head];
                if (size > 0) {
                    head = (head + 1) % buf.length;
                    size--;
                }
                if (!Objects.equals(got, model.poll())) {
                    throw new AssertionError("poll");
                }
            }
        }
    };

    /** Counters reported as rates per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long cases;
        public long draws;
        public long shrinkCalls;
        long seed;

        @Setup(Level.Trial)
        public void setUp() {
            seed = 1;
        }
    }

    private static RunResult passing(Property p, Counts c) {
        RunResult r = Engine.run(p, Settings.defaults().withSeed(c.seed++).withTries(1000));
        if (!r.passed()) {
            throw new IllegalStateException(r.message());
        }
        c.cases += r.casesRun();
        c.draws += r.totalDraws();
        return r;
    }

    private static Failure failing(Property p, Counts c) {
        RunResult r = Engine.run(p, Settings.defaults().withSeed(c.seed++).withTries(1000));
        Failure f = r.failure().orElseThrow(() -> new IllegalStateException("the planted bug was not found"));
        c.cases += r.casesRun();
        c.shrinkCalls += f.shrinkStats().attempts();
        return f;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public RunResult generateList(Counts c) {
        return passing(LIST, c);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public RunResult generateStateful(Counts c) {
        return passing(STATEFUL, c);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Failure shrinkSum(Counts c) {
        return failing(SUM, c);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Failure shrinkQueue(Counts c) {
        return failing(QUEUE, c);
    }
}
