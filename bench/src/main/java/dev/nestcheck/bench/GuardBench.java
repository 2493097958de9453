package dev.nestcheck.bench;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Platforms;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the timeout guard costs.
 *
 * <p>{@code run}: one conformance run of {@code tries} cases of the optimized implementation against
 * the model (search only: it passes), seeds 1 to 16 in turn, on {@code platforms}; the {@code steps} column is steps per
 * second. {@code mode}: {@code direct} (no guard), {@code perRun} (a {@link TimeoutGuard#factory}
 * through {@link Conformance#run}: the whole run on one watched worker thread, what {@code check}
 * and the TCK do), {@code perOperation} (the same factory run by the engine on the calling thread:
 * every call handed to the guard's worker thread and back, the guard before issue 17). {@code load}:
 * {@code none}, or {@code check}: a second conformance run, direct, loops on another thread
 * meanwhile (a second {@code check} beside this one).
 *
 * <p>{@code step}: one harness step (execute, then snapshot) of the optimized implementation on a
 * small platform, called directly or through a {@link TimeoutGuard#factory}'s implementation outside
 * a guarded run, i.e. per operation (so {@code perRun} and {@code perOperation} are the same here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GuardBench {
    @Param({"direct", "perRun", "perOperation"})
    public String mode;

    @Param({"none", "check"})
    public String load;

    @Param({"S2_PARENT"})
    public String policy;

    @Param({"200"})
    public int tries;

    /** {@code small}: the fixed small platform, cheap steps (the guard's worst case); {@code drawn}: the drawn ones, 1% realistic. */
    @Param({"small"})
    public String platforms;

    private Function<Platform, NestingImplementation> direct, guarded;
    private long seed = 1;
    private Thread loader;
    private volatile boolean stop;

    // step
    private Platform platform;
    private NestingImplementation impl;
    private int step;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long steps;
    }

    @Setup(Level.Trial)
    public void setUp() {
        direct = Implementations.named("optimized")::create;
        guarded = TimeoutGuard.factory(direct, Duration.ofSeconds(2));
        platform = Scenario.platform(Policy.S2_PARENT, 1, 3, 4);
        impl = (mode.equals("direct") ? direct : guarded).apply(platform);
        if (load.equals("check")) {
            stop = false;
            loader = new Thread(() -> {
                long s = 1L << 40;
                Policy p = Policy.valueOf(policy);
                Platform fixed = platforms.equals("small") ? Platforms.named("small", p) : null;
                while (!stop) Conformance.check(direct, p, fixed, null, Settings.defaults().withSeed(s++).withTries(tries));
            }, "second-check");
            loader.setDaemon(true);
            loader.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        stop = true;
        if (loader != null) loader.join();
    }

    @Benchmark
    public void run(Counters c) {
        // 16 seeds over and over: every iteration runs the same mix of cases
        Settings s = Settings.defaults().withSeed(1 + seed++ % 16).withTries(tries);
        Policy p = Policy.valueOf(policy);
        Platform fixed = platforms.equals("small") ? Platforms.named("small", p) : null;
        ConformanceProperty property = new ConformanceProperty(mode.equals("direct") ? direct : guarded, p, fixed, null,
                ConformanceProperty.DEFAULT_MAX_STEPS);
        if (mode.equals("perOperation")) {
            RunResult r = Engine.run(property, s);   // not through Conformance.run: the per-operation hand-offs
            if (!r.passed()) throw new IllegalStateException(r.message());
        } else {
            Conformance.Result r = Conformance.run(property, s);
            if (!r.passed()) throw new IllegalStateException(r.run().message());
        }
        c.steps += property.stepsExecuted();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void step(Blackhole bh) {
        int k = step++ % 50;
        if (k == 0) impl = (mode.equals("direct") ? direct : guarded).apply(platform);
        Op op = k == 0 ? new Op.Open() : k % 3 == 0 ? new Op.Bind(1, k % 4) : new Op.IoasAlloc(1);
        bh.consume(impl.execute(op));
        bh.consume(impl.snapshot());
    }
}
