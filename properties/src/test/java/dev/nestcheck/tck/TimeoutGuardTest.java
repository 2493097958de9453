package dev.nestcheck.tck;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.conformance.TimeoutGuard.ImplementationHung;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.trace.Platforms;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeoutGuardTest {
    static final Platform SMALL = Platforms.named("small", Policy.S2_PARENT);

    static NestingImplementation optimized() {
        return Implementations.named("optimized").create(SMALL);
    }

    /** An implementation that runs {@code body} for every call. */
    static NestingImplementation doing(Runnable body) {
        NestingImplementation d = optimized();
        return new NestingImplementation() {
            public Outcome execute(Op op) {
                body.run();
                return d.execute(op);
            }

            public Snapshot snapshot() {
                return d.snapshot();
            }
        };
    }

    static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted");
        }
    }

    @Test
    void resultsAndSnapshotsAreTheImplementations() {
        try (TimeoutGuard g = new TimeoutGuard(optimized())) {
            NestingImplementation plain = optimized();
            assertThat(g.snapshot()).isEqualTo(plain.snapshot());
            for (Op op : List.of(new Op.Open(), new Op.IoasAlloc(1), new Op.Bind(1, 0), new Op.IoasAlloc(1))) {
                assertThat(g.execute(op)).isEqualTo(plain.execute(op));
            }
            // two executes without a snapshot in between, then snapshots without an execute
            assertThat(g.snapshot()).isEqualTo(plain.snapshot());
            assertThat(g.snapshot()).isEqualTo(plain.snapshot());
        }
    }

    @Test
    void exceptionsPropagateUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        StackOverflowError error = new StackOverflowError("deep");
        AtomicInteger calls = new AtomicInteger();
        try (TimeoutGuard g = new TimeoutGuard(doing(() -> {
            int n = calls.incrementAndGet();
            if (n == 1) throw boom;
            if (n == 2) throw error;
        }))) {
            assertThatThrownBy(() -> g.execute(new Op.Open())).isSameAs(boom);
            assertThatThrownBy(() -> g.execute(new Op.Open())).isSameAs(error);
            assertThat(g.execute(new Op.Open()).isOk()).isTrue();   // the guard is still usable
        }
    }

    @Test
    void aHangThrowsImplementationHungWithinTheTimeoutAndLaterCallsFailAtOnce() {
        try (TimeoutGuard g = new TimeoutGuard(doing(TimeoutGuardTest::sleepForever), Duration.ofMillis(100))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> g.execute(new Op.Open()))
                    .isInstanceOf(ImplementationHung.class)
                    .hasMessage("implementation hung: execute(open) did not return within 100 ms (worker thread abandoned)");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(90L, 1_500L);
            long t1 = System.nanoTime();
            assertThatThrownBy(g::snapshot).isInstanceOf(ImplementationHung.class).hasMessageContaining("hung earlier");
            assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(50L);
        }
    }

    @Test
    void aHangingSnapshotIsNamed() {
        NestingImplementation d = optimized();
        NestingImplementation hangsInSnapshot = new NestingImplementation() {
            public Outcome execute(Op op) {
                return d.execute(op);
            }

            public Snapshot snapshot() {
                sleepForever();
                return null;
            }
        };
        try (TimeoutGuard g = new TimeoutGuard(hangsInSnapshot, Duration.ofMillis(100))) {
            assertThat(g.execute(new Op.Open()).isOk()).isTrue();
            assertThatThrownBy(g::snapshot).isInstanceOf(ImplementationHung.class)
                    .hasMessageContaining("snapshot() after open did not return within 100 ms");
        }
    }

    @Test
    void aFactoryStartsAFreshWorkerAfterAHangAndGuardsCreation() {
        AtomicInteger created = new AtomicInteger();
        Function<Platform, NestingImplementation> f = TimeoutGuard.factory(p -> {
            int n = created.incrementAndGet();
            if (n == 1) sleepForever();
            if (n == 2) return doing(TimeoutGuardTest::sleepForever);
            return Implementations.named("optimized").create(p);
        }, Duration.ofMillis(100));
        assertThatThrownBy(() -> f.apply(SMALL)).isInstanceOf(ImplementationHung.class)
                .hasMessageContaining("creating the implementation did not return within 100 ms");
        NestingImplementation hangs = f.apply(SMALL);
        assertThatThrownBy(() -> hangs.execute(new Op.Open())).isInstanceOf(ImplementationHung.class);
        NestingImplementation fine = f.apply(SMALL);
        assertThat(fine.execute(new Op.Open()).value()).isEqualTo(1);
        assertThat(fine.snapshot().contexts()).containsKey(1);
        assertThat(TimeoutGuard.factory(f, Duration.ZERO)).isSameAs(f);
    }

    @Test
    void closeStopsTheWorkerThread() throws InterruptedException {
        long before = guardThreads();
        TimeoutGuard g = new TimeoutGuard(optimized());
        g.execute(new Op.Open());
        g.close();
        g.close();
        for (int i = 0; i < 100 && guardThreads() > before; i++) Thread.sleep(10);
        assertThat(guardThreads()).isLessThanOrEqualTo(before);
    }

    static long guardThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("nestcheck-guard-")).count();
    }
}
