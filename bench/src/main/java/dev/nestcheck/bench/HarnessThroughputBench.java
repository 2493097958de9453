package dev.nestcheck.bench;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Policy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * Conformance harness throughput on the small drawn platforms (PlatformGenerator): each
 * invocation is one {@code Conformance.check} of {@code tries} cases of the optimized
 * implementation against the model, with its own seed (thread index and invocation count), so
 * workers never share a case. The {@code steps} column is steps per second (the harness's own
 * counter, closing steps included), summed over threads; divide {@code allCores} by the thread
 * count for the per-core figure. {@code wideShare} is the share of realistic-width platforms among
 * the drawn ones (0.01 as in a check; {@code -p wideShare=0,1} measures the two kinds apart: a
 * realistic case runs about a thousand steps on a state of hundreds of objects, a small one tens).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HarnessThroughputBench {
    @Param({"S2_PARENT", "VIOMMU", "ICTX", "KVM_PINNED"})
    public String policy;

    @Param({"100"})
    public int tries;

    @Param({"optimized"})
    public String impl;

    @Param({"0.01"})
    public double wideShare;

    ImplementationProvider provider;
    Policy pol;

    @Setup(Level.Trial)
    public void setUp() {
        provider = Implementations.named(impl);
        pol = Policy.valueOf(policy);
    }

    /** Per-thread seed stream and counters; JMH reports OPERATIONS counters as rates per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Worker {
        public long steps;
        public long cases;
        private long seed;

        @Setup(Level.Trial)
        public void setUp(ThreadParams t) {
            seed = 0x5EED_0000_0000L * (t.getThreadIndex() + 1);
        }
    }

    private void run(Worker w) {
        Settings s = Settings.defaults().withSeed(w.seed++).withTries(tries);
        Conformance.Result r = Conformance.run(ConformanceProperty.of(provider, pol).withWideShare(wideShare), s);
        if (!r.passed()) throw new IllegalStateException("conformance failed during the benchmark: " + r.run().message());
        w.steps += r.steps();
        w.cases += r.run().casesRun();
    }

    @Benchmark
    @Threads(1)
    public void oneThread(Worker w) {
        run(w);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void allCores(Worker w) {
        run(w);
    }
}
