package dev.nestcheck.component;

import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.TestCase;
import dev.nestcheck.process.ChildFailed;
import dev.nestcheck.process.ExecProvider;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The conformance property of one component: draw a case (platform, fixed fields), draw its
 * operations from the oracle's state, run them on the implementation and compare answer by
 * answer ({@link ComponentComparator}); for {@code kvm} also the KVM state after every step
 * and G-6. A failure is a {@link ComponentFailure}; the engine shrinks it on the choices.
 *
 * <p>A child process runs pipelined by default: the whole case in one write, since the
 * operations depend on the oracle only. The first failing answer is still the failing step.
 */
public final class ComponentProperty implements Property {
    static final double CONTINUE = 0.96;
    public static final int DEFAULT_MAX_STEPS = 80;

    /** Where the implementation side of a case comes from. */
    public interface Target {
        /** The implementation for one case, in its initial state. */
        ComponentImplementation open(Component c, Platform platform);

        /** A child process (its name for reports), or an implementation in this JVM. */
        String name();
    }

    /** A child process: this thread's child of the provider. */
    public static Target exec(ExecProvider provider) {
        return new Target() {
            public ComponentImplementation open(Component c, Platform p) {
                return new ComponentClient(provider.child(), c, p, provider.timeout());
            }

            public String name() {
                return provider.name();
            }
        };
    }

    private final Component component;
    private final Target target;
    private final boolean pipelined;
    private final int maxSteps;
    private final LongAdder steps = new LongAdder();

    public ComponentProperty(Component component, Target target, boolean pipelined, int maxSteps) {
        this.component = component;
        this.target = target;
        this.pipelined = pipelined;
        this.maxSteps = maxSteps;
    }

    public Component component() {
        return component;
    }

    /** Steps run on the implementation so far, over every case (a throughput counter). */
    public long stepsExecuted() {
        return steps.sum();
    }

    @Override
    public void check(TestCase tc) {
        ComponentCases.Case k = ComponentCases.draw(component, tc);
        boolean stateful = component.stateful();
        List<ComponentOp> ops = new ArrayList<>();
        List<ComponentAnswer> expected = new ArrayList<>();
        int limit = Math.min(maxSteps, tc.maxSteps());
        for (int i = 0; i < limit; i++) {
            tc.startSpan();
            if (!tc.weighted(CONTINUE)) break;
            ComponentOp op = ComponentCases.next(k, tc);
            ComponentAnswer a = k.oracle.execute(op, stateful);
            if (stateful) k.kvm = a.kvm();
            if (a.outcome().rule() != null) tc.label("rule", a.outcome().rule());
            tc.label("errno", a.outcome().isOk() ? "ok" : a.outcome().errno().name());
            ops.add(op);
            expected.add(a);
            tc.endSpan();
        }
        new Run(k, ops, expected).run(tc);
    }

    /** The implementation side of one case. */
    private final class Run {
        final ComponentCases.Case k;
        final List<ComponentOp> ops;
        final List<ComponentAnswer> expected;
        final List<ComponentCounterexample.Step> done = new ArrayList<>();
        Snapshot.Kvm implBefore;

        Run(ComponentCases.Case k, List<ComponentOp> ops, List<ComponentAnswer> expected) {
            this.k = k;
            this.ops = ops;
            this.expected = expected;
        }

        void run(TestCase tc) {
            ComponentImplementation impl;
            try {
                impl = target.open(component, k.platform);
            } catch (ChildFailed e) {
                throw crash(e, null);
            }
            boolean stateful = component.stateful();
            try {
                if (pipelined && impl instanceof ComponentClient c) {
                    c.runAll(ops, stateful, this::compare);
                } else {
                    for (int i = 0; i < ops.size(); i++) compare(i, impl.execute(ops.get(i), stateful));
                }
            } catch (ChildFailed e) {
                throw crash(e, done.size() < ops.size() ? ops.get(done.size()) : null);
            } finally {
                steps.add(done.size());
            }
        }

        void compare(int i, ComponentAnswer got) {
            done.add(new ComponentCounterexample.Step(ops.get(i), expected.get(i), got));
            List<String> diffs = ComponentComparator.compare(expected.get(i), got);
            if (!diffs.isEmpty()) throw divergence(diffs);
            if (got.kvm() != null) {
                List<String> broken = ComponentComparator.g6(implBefore, got.kvm());
                if (!broken.isEmpty()) throw invariant(broken);
                implBefore = got.kvm();
            }
        }

        ComponentFailure divergence(List<String> findings) {
            return new ComponentFailure(new ComponentCounterexample(component, k.platform, done,
                    ComponentCounterexample.Kind.DIVERGENCE, findings));
        }

        ComponentFailure invariant(List<String> findings) {
            return new ComponentFailure(new ComponentCounterexample(component, k.platform, done,
                    ComponentCounterexample.Kind.INVARIANT, findings));
        }

        ComponentFailure crash(ChildFailed e, ComponentOp at) {
            List<ComponentCounterexample.Step> steps = new ArrayList<>(done);
            if (at != null) steps.add(new ComponentCounterexample.Step(at, expected.get(done.size()), null));
            return new ComponentFailure(new ComponentCounterexample(component, k.platform, steps,
                    ComponentCounterexample.Kind.CRASH, List.of("crash: " + e.getMessage())));
        }
    }
}
