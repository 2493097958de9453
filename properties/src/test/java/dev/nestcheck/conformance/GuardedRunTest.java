package dev.nestcheck.conformance;

import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.report.CounterexampleText;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run-level guard of {@link Conformance#run}: the whole run on one watched worker thread, and a
 * hang reported exactly as the per-operation guard reports it (same counterexample, same text, same
 * replay token), in search and in shrinking.
 */
class GuardedRunTest {
    static final Duration TIMEOUT = Duration.ofMillis(100);

    /** The optimized implementation, hanging (an interruptible sleep) in execute when {@code hangsOn} holds. */
    static Function<Platform, NestingImplementation> hangingOn(Predicate<Op> hangsOn, boolean inSnapshot) {
        return p -> {
            NestingImplementation d = Implementations.named("optimized").create(p);
            return new NestingImplementation() {
                boolean armed;

                public Outcome execute(Op op) {
                    if (hangsOn.test(op)) {
                        if (!inSnapshot) sleepForever();
                        armed = true;
                    }
                    return d.execute(op);
                }

                public Snapshot snapshot() {
                    if (armed) sleepForever();
                    return d.snapshot();
                }
            };
        };
    }

    static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Every shrinking attempt that still hangs costs the timeout: an attempt limit (not a time limit,
     * which would make the two runs differ) keeps a hang's run to a few seconds.
     */
    static Settings settings() {
        return Settings.defaults().withSeed(5).withTries(300).withShrinkMaxAttempts(25);
    }

    /** The same property through Conformance.run (guarded per run) and straight through the engine (per operation). */
    static void assertSameAsPerOperation(Function<Platform, NestingImplementation> impl, String expectedHang) {
        Function<Platform, NestingImplementation> guarded = TimeoutGuard.factory(impl, TIMEOUT);
        Conformance.Result perRun = Conformance.run(new ConformanceProperty(guarded, Policy.VIOMMU, null, null,
                ConformanceProperty.DEFAULT_MAX_STEPS), settings());
        ConformanceProperty perOpProperty = new ConformanceProperty(TimeoutGuard.factory(impl, TIMEOUT), Policy.VIOMMU,
                null, null, ConformanceProperty.DEFAULT_MAX_STEPS);
        RunResult perOp = Engine.run(perOpProperty, settings());   // on this thread: per-operation hand-offs

        Counterexample cx = perRun.counterexample().orElseThrow();
        assertThat(CounterexampleText.hung(cx)).isTrue();
        assertThat(String.join("\n", cx.findings())).contains(expectedHang);
        Counterexample cxPerOp = perOp.failure().map(f -> ((ConformanceFailure) f.throwable()).counterexample()).orElseThrow();
        assertThat(CounterexampleText.text(cx)).isEqualTo(CounterexampleText.text(cxPerOp));
        assertThat(perRun.run().failure().orElseThrow().replayToken())
                .isEqualTo(perOp.failure().orElseThrow().replayToken());
        assertThat(perRun.run().casesRun()).isEqualTo(perOp.casesRun());
        // the abandoned attempt's steps do not count: the same steps as the per-operation run
        assertThat(perRun.steps()).isEqualTo(perOpProperty.stepsExecuted());
    }

    @Test
    void aHangInExecuteIsTheSameCounterexampleAsUnderThePerOperationGuard() {
        assertSameAsPerOperation(hangingOn(op -> op instanceof Op.ViommuAlloc, false),
                "did not return within 100 ms");
    }

    @Test
    void aHangInSnapshotIsNamedAsThePerOperationGuardNamesIt() {
        assertSameAsPerOperation(hangingOn(op -> op instanceof Op.ViommuAlloc, true),
                "snapshot() after viommu_alloc did not return within 100 ms");
    }

    @Test
    void aHangWhileCreatingTheImplementationIsACrashAtCreation() {
        AtomicInteger created = new AtomicInteger();
        Function<Platform, NestingImplementation> impl = p -> {
            if (created.incrementAndGet() == 7) sleepForever();
            return Implementations.named("optimized").create(p);
        };
        Conformance.Result r = Conformance.run(new ConformanceProperty(TimeoutGuard.factory(impl, TIMEOUT), Policy.S2_PARENT,
                null, null, ConformanceProperty.DEFAULT_MAX_STEPS), settings());
        Counterexample cx = r.counterexample().orElseThrow();
        assertThat(cx.kind()).isEqualTo(Counterexample.Kind.CRASH);
        assertThat(cx.findings()).anySatisfy(f -> assertThat(f)
                .contains("creating the implementation", "did not return within 100 ms"));
    }

    @Test
    void aPassingRunCallsTheImplementationOnOneWorkerThreadAndCountsTheSameSteps() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Function<Platform, NestingImplementation> impl = p -> {
            threads.add(Thread.currentThread());
            NestingImplementation d = Implementations.named("optimized").create(p);
            return new NestingImplementation() {
                public Outcome execute(Op op) {
                    threads.add(Thread.currentThread());
                    return d.execute(op);
                }

                public Snapshot snapshot() {
                    threads.add(Thread.currentThread());
                    return d.snapshot();
                }
            };
        };
        Conformance.Result guarded = Conformance.check(TimeoutGuard.factory(impl, TIMEOUT), Policy.ICTX, settings());
        assertThat(guarded.passed()).isTrue();
        assertThat(threads).hasSize(1);
        Thread worker = threads.iterator().next();
        assertThat(worker).isNotSameAs(Thread.currentThread());
        assertThat(worker.getName()).startsWith("nestcheck-run-");
        Conformance.Result direct = Conformance.check(impl, Policy.ICTX, settings());
        assertThat(guarded.steps()).isEqualTo(direct.steps()).isPositive();
        assertThat(guarded.run().casesRun()).isEqualTo(direct.run().casesRun());
    }
}
