package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.LincheckRuns;
import dev.nestcheck.concurrency.Linearizability;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionResult;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.execution.ResultWithClock;
import org.jetbrains.lincheck.datastructures.verifier.Verifier;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hands one {@link KvmScenario} to Lincheck's model checker as a custom scenario with a fixed invocation
 * budget, and decides each explored interleaving with {@link KvmVerifier}: the G-6/KVM-6 invariants
 * always, and linearizability against the model's {@code KvmVmids} when two CPUs run branches. With
 * the same scenario and budget the model checker explores the same interleavings, so a case passes or
 * fails deterministically and the engine can shrink it.
 */
public final class KvmModelChecker {
    private static final Method LOAD, PUT, PIN, UNPIN, STATE;

    static {
        try {
            LOAD = KvmHarness.class.getMethod("load", int.class, int.class);
            PUT = KvmHarness.class.getMethod("put", int.class);
            PIN = KvmHarness.class.getMethod("pin", int.class, int.class);
            UNPIN = KvmHarness.class.getMethod("unpin", int.class, int.class);
            STATE = KvmHarness.class.getMethod("state");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong INVOCATIONS = new java.util.concurrent.atomic.AtomicLong();
    private static volatile KvmScenario current;
    private static volatile Finding verdict;

    private KvmModelChecker() {
    }

    /** Model-checks the scenario within {@code invocations} interleavings; a finding if one fails. */
    public static synchronized Optional<Finding> check(KvmScenario s, KvmAllocatorUnderTest.Factory factory, int invocations) {
        KvmHarness.configure(s.cpus(), s.vmidBits(), s.vms(), factory);
        current = s;
        verdict = null;
        ExecutionScenario scenario = new ExecutionScenario(actors(s.prefix()), parallel(s), List.of(new Actor(STATE, List.of())), null);
        Optional<String> failure = LincheckRuns.modelCheck(KvmHarness.class, scenario, KvmVerifier.class, invocations,
                KvmHarness.BOOKKEEPING);
        if (failure.isEmpty()) return Optional.empty();
        Finding v = verdict;
        if (v == null) v = Finding.fromLincheck(failure.get());
        return Optional.of(v.withLincheckReport(failure.get()));
    }

    /** Interleavings verified so far in this JVM (the suite's own counter, for throughput figures). */
    public static long invocations() {
        return INVOCATIONS.get();
    }

    private static List<List<Actor>> parallel(KvmScenario s) {
        List<List<Actor>> out = new ArrayList<>();
        for (List<KvmOp> branch : s.branches()) out.add(actors(branch));
        return out;
    }

    private static List<Actor> actors(List<KvmOp> ops) {
        List<Actor> out = new ArrayList<>();
        for (KvmOp op : ops) {
            switch (op.kind()) {
                case LOAD: out.add(new Actor(LOAD, List.of(op.vm(), op.cpu()))); break;
                case PUT: out.add(new Actor(PUT, List.of(op.cpu()))); break;
                case PIN: out.add(new Actor(PIN, List.of(op.vm(), op.cpu()))); break;
                default: out.add(new Actor(UNPIN, List.of(op.vm(), op.cpu()))); break;
            }
        }
        return out;
    }

    /** Lincheck's verifier for {@link KvmHarness}: invariants, then linearizability (2 CPUs). */
    public static final class KvmVerifier implements Verifier {
        public KvmVerifier(Class<?> sequentialSpecification) {
        }

        @Override
        public boolean verifyResults(ExecutionScenario scenario, ExecutionResult result) {
            INVOCATIONS.incrementAndGet();
            KvmScenario s = current;
            List<String> prefix = LincheckRuns.outcomes(result.getInitResults());
            List<List<String>> branches = new ArrayList<>();
            List<List<Linearizability.Event>> events = new ArrayList<>();
            List<List<ResultWithClock>> parallel = result.getParallelResultsWithClock();
            for (int t = 0; t < parallel.size(); t++) {
                List<String> outs = new ArrayList<>();
                List<Linearizability.Event> evs = new ArrayList<>();
                for (int i = 0; i < parallel.get(t).size(); i++) {
                    ResultWithClock r = parallel.get(t).get(i);
                    outs.add(LincheckRuns.outcome(r.getResult()));
                    evs.add(new Linearizability.Event(t, i, r.getClockOnStart().getClock().clone()));
                }
                branches.add(outs);
                events.add(evs);
            }
            List<String> post = LincheckRuns.outcomes(result.getPostResults());
            Finding f = KvmVerdicts.decide(s, prefix, branches, events, post.isEmpty() ? null : post.get(0));
            if (f != null) verdict = f;
            return f == null;
        }
    }
}
