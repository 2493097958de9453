package dev.nestcheck.component;

import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.ExecProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs component properties and returns what they found as data (the component analogue of {@code Conformance}). */
public final class ComponentConformance {
    private ComponentConformance() {
    }

    /** One component's run: the engine's result, the steps run on the implementation, the counterexample if any. */
    public record Result(Component component, RunResult run, long steps) {
        public boolean passed() {
            return run.passed();
        }

        public Optional<ComponentCounterexample> counterexample() {
            return run.failure().map(f -> f.throwable() instanceof ComponentFailure cf ? cf.counterexample() : null);
        }

        public double stepsPerSecond() {
            double s = run.elapsed().toNanos() / 1e9;
            return s <= 0 ? 0 : steps / s;
        }
    }

    public static Result check(ComponentProperty.Target target, Component c, Settings settings, boolean pipelined) {
        ComponentProperty p = new ComponentProperty(c, target, pipelined, ComponentProperty.DEFAULT_MAX_STEPS);
        return run(p, settings);
    }

    public static Result run(ComponentProperty p, Settings settings) {
        RunResult r = Engine.run(p, settings);
        return new Result(p.component(), r, p.stepsExecuted());
    }

    /** The components a child declares, in the order of {@link Component}. */
    public static List<Component> declared(ExecProvider provider) {
        List<String> ids = provider.handshake().components();
        List<Component> out = new ArrayList<>();
        for (Component c : Component.values()) if (ids.contains(c.id())) out.add(c);
        return out;
    }
}
