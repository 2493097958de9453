package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.LincheckRuns;
import dev.nestcheck.concurrency.Linearizability;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionResult;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.execution.ResultWithClock;
import org.jetbrains.kotlinx.lincheck.util.ExceptionResult;
import org.jetbrains.kotlinx.lincheck.util.LincheckResult;
import org.jetbrains.kotlinx.lincheck.util.ValueResult;
import org.jetbrains.lincheck.datastructures.verifier.Verifier;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Model checking of a {@link NestingScenario} by Lincheck, decided by {@link NestingVerdicts}. */
public final class NestingModelChecker {
    private static final Method PREFIX, BRANCH, SNAPSHOT;

    static {
        try {
            PREFIX = NestingHarness.class.getMethod("prefix", int.class);
            BRANCH = NestingHarness.class.getMethod("branch", int.class, int.class);
            SNAPSHOT = NestingHarness.class.getMethod("snapshot");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static volatile NestingScenario current;
    private static volatile Finding verdict;

    private NestingModelChecker() {
    }

    public static synchronized Optional<Finding> check(NestingScenario s, Function<Platform, NestingImplementation> factory,
                                                       int invocations) {
        NestingHarness.configure(s, factory);
        current = s;
        verdict = null;
        List<Actor> prefix = new ArrayList<>();
        for (int i = 0; i < s.prefix().size(); i++) prefix.add(new Actor(PREFIX, List.of(i)));
        List<List<Actor>> parallel = new ArrayList<>();
        for (int t = 0; t < s.branches().size(); t++) {
            List<Actor> branch = new ArrayList<>();
            for (int i = 0; i < s.branches().get(t).size(); i++) branch.add(new Actor(BRANCH, List.of(t, i)));
            parallel.add(branch);
        }
        ExecutionScenario scenario = new ExecutionScenario(prefix, parallel, List.of(new Actor(SNAPSHOT, List.of())), null);
        Optional<String> failure = LincheckRuns.modelCheck(NestingHarness.class, scenario, NestingVerifier.class, invocations);
        if (failure.isEmpty()) return Optional.empty();
        Finding v = verdict;
        if (v == null) v = Finding.fromLincheck(failure.get());
        return Optional.of(v.withLincheckReport(failure.get()));
    }

    static NestingVerdicts.Recorded recorded(LincheckResult r) {
        if (r instanceof ValueResult && ((ValueResult) r).getValue() instanceof Outcome)
            return new NestingVerdicts.Recorded((Outcome) ((ValueResult) r).getValue(), null);
        if (r instanceof ExceptionResult) {
            Throwable t = ((ExceptionResult) r).getThrowable();
            return new NestingVerdicts.Recorded(null, t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        return new NestingVerdicts.Recorded(null, "returned " + LincheckRuns.outcome(r) + " instead of an outcome");
    }

    /** Lincheck's verifier for {@link NestingHarness}. */
    public static final class NestingVerifier implements Verifier {
        public NestingVerifier(Class<?> sequentialSpecification) {
        }

        @Override
        public boolean verifyResults(ExecutionScenario scenario, ExecutionResult result) {
            NestingScenario s = current;
            List<NestingVerdicts.Recorded> prefix = new ArrayList<>();
            for (LincheckResult r : result.getInitResults()) prefix.add(recorded(r));
            List<List<NestingVerdicts.Recorded>> branches = new ArrayList<>();
            List<List<Linearizability.Event>> events = new ArrayList<>();
            List<List<ResultWithClock>> parallel = result.getParallelResultsWithClock();
            for (int t = 0; t < parallel.size(); t++) {
                List<NestingVerdicts.Recorded> outs = new ArrayList<>();
                List<Linearizability.Event> evs = new ArrayList<>();
                for (int i = 0; i < parallel.get(t).size(); i++) {
                    ResultWithClock r = parallel.get(t).get(i);
                    outs.add(recorded(r.getResult()));
                    evs.add(new Linearizability.Event(t, i, r.getClockOnStart().getClock().clone()));
                }
                branches.add(outs);
                events.add(evs);
            }
            Snapshot post = null;
            String postThrew = null;
            if (!result.getPostResults().isEmpty()) {
                LincheckResult r = result.getPostResults().get(0);
                if (r instanceof ValueResult && ((ValueResult) r).getValue() instanceof Snapshot) post = (Snapshot) ((ValueResult) r).getValue();
                else postThrew = LincheckRuns.outcome(r);
            }
            Finding f = NestingVerdicts.decide(s, prefix, branches, events, post, postThrew);
            if (f != null) verdict = f;
            return f == null;
        }
    }
}
