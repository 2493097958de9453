package dev.nestcheck.component;

import dev.nestcheck.process.ChildFailed;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays a component trace: each op on the oracle and on the implementation, compared as the
 * property compares them, and each given expectation checked against the implementation's answer.
 */
public final class ComponentReplay {
    private ComponentReplay() {
    }

    public enum Status { PASSED, FAILED, CRASHED }

    public record Result(Status status, String message, ComponentCounterexample counterexample) {
    }

    public static Result replay(ComponentTrace t, ComponentProperty.Target target) {
        ComponentImplementation oracle = Oracles.of(t.component(), t.platform());
        boolean stateful = t.component().stateful();
        List<ComponentCounterexample.Step> done = new ArrayList<>();
        ComponentImplementation impl;
        try {
            impl = target.open(t.component(), t.platform());
        } catch (ChildFailed e) {
            return crash(t, done, e);
        }
        dev.nestcheck.spec.Snapshot.Kvm before = null;
        for (int i = 0; i < t.steps().size(); i++) {
            ComponentTrace.Step s = t.steps().get(i);
            ComponentAnswer model = oracle.execute(s.op(), stateful);
            ComponentAnswer got;
            try {
                got = impl.execute(s.op(), stateful);
            } catch (ChildFailed e) {
                done.add(new ComponentCounterexample.Step(s.op(), model, null));
                return crash(t, done, e);
            }
            done.add(new ComponentCounterexample.Step(s.op(), model, got));
            List<String> findings = new ArrayList<>();
            String mismatch = s.expect() == null ? null : s.expect().check(got.outcome());
            if (mismatch != null) findings.add("expectation of step " + (i + 1) + ": " + mismatch);
            findings.addAll(ComponentComparator.compare(model, got));
            ComponentCounterexample.Kind kind = ComponentCounterexample.Kind.DIVERGENCE;
            if (findings.isEmpty() && got.kvm() != null) {
                findings.addAll(ComponentComparator.g6(before, got.kvm()));
                kind = ComponentCounterexample.Kind.INVARIANT;
                before = got.kvm();
            }
            if (!findings.isEmpty()) {
                ComponentCounterexample cx = new ComponentCounterexample(t.component(), t.platform(), done, kind, findings);
                return new Result(Status.FAILED, "step " + (i + 1) + " (" + s.op().op() + "): " + findings.get(0), cx);
            }
        }
        return new Result(Status.PASSED, t.steps().size() + " steps", null);
    }

    private static Result crash(ComponentTrace t, List<ComponentCounterexample.Step> done, ChildFailed e) {
        ComponentCounterexample cx = new ComponentCounterexample(t.component(), t.platform(), done,
                ComponentCounterexample.Kind.CRASH, List.of("crash: " + e.getMessage()));
        return new Result(Status.CRASHED, "crash at step " + Math.max(1, done.size()) + ": " + e.getMessage(), cx);
    }
}
