package dev.nestcheck.bench;

import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the per-operation timeout guard costs: one harness step (execute, then snapshot, as the
 * harness calls them) of the optimized implementation on a small platform, called directly or
 * through {@link TimeoutGuard} (hand-off to its worker thread and back). A fresh implementation
 * every 50 steps, as the harness creates one per case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardBench {
    @Param({"direct", "guarded"})
    public String mode;

    private Function<Platform, NestingImplementation> factory;
    private Platform platform;
    private NestingImplementation impl;
    private int step;

    @Setup(Level.Trial)
    public void setUp() {
        platform = Scenario.platform(Policy.S2_PARENT, 1, 3, 4);
        Function<Platform, NestingImplementation> direct = p -> Scenario.create("optimized", p);
        factory = mode.equals("guarded") ? TimeoutGuard.factory(direct, Duration.ofSeconds(2)) : direct;
        impl = factory.apply(platform);
    }

    @Benchmark
    public void step(Blackhole bh) {
        int k = step++ % 50;
        if (k == 0) impl = factory.apply(platform);
        Op op = k == 0 ? new Op.Open() : k % 3 == 0 ? new Op.Bind(1, k % 4) : new Op.IoasAlloc(1);
        bh.consume(impl.execute(op));
        bh.consume(impl.snapshot());
    }
}
