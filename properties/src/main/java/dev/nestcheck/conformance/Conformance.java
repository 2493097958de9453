package dev.nestcheck.conformance;

import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.Optional;
import java.util.function.Function;

/** Runs the conformance property for one implementation and policy, and returns the outcome as data. */
public final class Conformance {
    private Conformance() {
    }

    /** What one conformance run found: the engine's result, the steps it executed, and the counterexample if any. */
    public record Result(Policy policy, RunResult run, long steps) {
        public boolean passed() {
            return run.passed();
        }

        /** The shrunk counterexample, when the run failed with one. */
        public Optional<Counterexample> counterexample() {
            return run.failure().map(f -> f.throwable() instanceof ConformanceFailure
                    ? ((ConformanceFailure) f.throwable()).counterexample() : null);
        }

        public double stepsPerSecond() {
            double s = run.elapsed().toNanos() / 1e9;
            return s <= 0 ? 0 : steps / s;
        }
    }

    /**
     * Checks an implementation under a policy.
     *
     * @param fixedPlatform a platform to use for every case, or null to draw small ones
     * @param requirement   a REQ rule ID to search a violation of instead, or null
     */
    public static Result check(Function<Platform, NestingImplementation> impl, Policy policy, Platform fixedPlatform,
                               String requirement, Settings settings) {
        return run(new ConformanceProperty(impl, policy, fixedPlatform, requirement, ConformanceProperty.DEFAULT_MAX_STEPS),
                settings);
    }

    /** Runs a conformance property (one the caller keeps, e.g. to watch its step count) to a result. */
    public static Result run(ConformanceProperty property, Settings settings) {
        RunResult run = Engine.run(property, settings);
        return new Result(property.policy(), run, property.stepsExecuted());
    }

    public static Result check(Function<Platform, NestingImplementation> impl, Policy policy, Settings settings) {
        return check(impl, policy, null, null, settings);
    }
}
