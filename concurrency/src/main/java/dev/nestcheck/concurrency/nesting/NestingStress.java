package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.Linearizability;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;

/**
 * Stress mode, for implementations whose critical sections are too heavy to model-check (seconds per
 * interleaving): the scenario runs {@code runs} times on real threads (the prefix on the caller, then
 * one thread per branch released together), each run's outcomes recorded with the real-time order
 * (how many operations of each thread had finished when an operation started), and decided by the same
 * check as model checking ({@link NestingVerdicts}). Not deterministic: the interleavings are the
 * machine's, so a replay token reproduces the scenario, not necessarily the failure.
 */
public final class NestingStress {
    private NestingStress() {
    }

    public static Optional<Finding> check(NestingScenario s, Function<Platform, NestingImplementation> factory, int runs,
                                          Duration timeout) {
        for (int run = 0; run < runs; run++) {
            Finding f = once(s, factory, timeout);
            if (f != null) return Optional.of(f.withInterleaving(f.interleaving() + "\n(stress run " + (run + 1) + " of " + runs + ")"));
        }
        return Optional.empty();
    }

    private static Finding once(NestingScenario s, Function<Platform, NestingImplementation> factory, Duration timeout) {
        NestingImplementation impl = factory.apply(s.platform());
        List<NestingVerdicts.Recorded> prefix = new ArrayList<>();
        for (var op : s.prefix()) prefix.add(exec(impl, op));
        int n = s.branches().size();
        AtomicIntegerArray done = new AtomicIntegerArray(n);
        List<List<NestingVerdicts.Recorded>> outcomes = new ArrayList<>();
        List<List<Linearizability.Event>> events = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            outcomes.add(new ArrayList<>());
            events.add(new ArrayList<>());
        }
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[n];
        for (int t = 0; t < n; t++) {
            final int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                List<dev.nestcheck.spec.Op> ops = s.branches().get(thread);
                for (int i = 0; i < ops.size(); i++) {
                    int[] clock = new int[n];
                    for (int u = 0; u < n; u++) clock[u] = done.get(u);
                    NestingVerdicts.Recorded r = exec(impl, ops.get(i));
                    outcomes.get(thread).add(r);
                    events.get(thread).add(new Linearizability.Event(thread, i, clock));
                    done.incrementAndGet(thread);
                }
            }, "nestcheck-stress-T" + t);
            threads[t].setDaemon(true);
            threads[t].start();
        }
        start.countDown();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread th : threads) {
            try {
                th.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (th.isAlive())
                return new Finding(Finding.Kind.HANG, null, th.getName() + " did not finish within " + timeout.toMillis() + " ms",
                        "a branch hung (deadlock or livelock?) in " + s.oneLine(), "stress run");
        }
        Snapshot post = null;
        String postThrew = null;
        try {
            post = impl.snapshot();
        } catch (RuntimeException | Error e) {
            postThrew = e.toString();
        }
        Finding f = NestingVerdicts.decide(s, prefix, outcomes, events, post, postThrew);
        return f == null ? null : f.withInterleaving(recorded(s, outcomes, events));
    }

    private static NestingVerdicts.Recorded exec(NestingImplementation impl, dev.nestcheck.spec.Op op) {
        try {
            Outcome o = impl.execute(op);
            return o == null ? new NestingVerdicts.Recorded(null, "returned null") : new NestingVerdicts.Recorded(o, null);
        } catch (RuntimeException | Error e) {
            return new NestingVerdicts.Recorded(null, e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** The recorded run: each operation, its outcome, and what it had seen finished when it started. */
    private static String recorded(NestingScenario s, List<List<NestingVerdicts.Recorded>> outcomes, List<List<Linearizability.Event>> events) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < outcomes.size(); t++)
            for (int i = 0; i < outcomes.get(t).size(); i++)
                sb.append("T").append(t).append(' ').append(Describe.op(s.branches().get(t).get(i))).append(" = ")
                        .append(outcomes.get(t).get(i).text()).append("   started after ")
                        .append(java.util.Arrays.toString(events.get(t).get(i).startedAfter())).append(" finished\n");
        return sb.toString();
    }
}
