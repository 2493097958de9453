package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The concurrent conformance property of a thread-safe {@code NestingImplementation}: engine-drawn
 * scenarios ({@link NestingScenarioGenerator}), each checked for linearizability against the model in
 * one of two modes.
 */
public final class NestingConcurrency {
    /** Scenarios per policy by default. */
    public static final int DEFAULT_TRIES = 60;
    /** Model checking: interleavings per scenario. */
    public static final int DEFAULT_INVOCATIONS = 30;
    /** Stress: runs per scenario. */
    public static final int DEFAULT_STRESS_RUNS = 200;

    /** Which mode checks a scenario. */
    public enum Mode {
        /** Lincheck's model checker, a fixed budget of interleavings: deterministic, so shrinking and replay are exact. */
        MODEL_CHECKING,
        /**
         * Real threads, many runs, our own linearizability check over the outcomes: for implementations
         * whose critical sections make model checking cost seconds per interleaving. Not deterministic.
         */
        STRESS;

        public String describe() {
            return this == MODEL_CHECKING
                    ? "model checking (Lincheck), " + DEFAULT_INVOCATIONS + " interleavings per scenario"
                    : "stress, " + DEFAULT_STRESS_RUNS + " runs per scenario on real threads";
        }

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    private NestingConcurrency() {
    }

    public static Optional<Finding> check(NestingScenario s, Function<Platform, NestingImplementation> factory, Mode mode) {
        return mode == Mode.MODEL_CHECKING
                ? NestingModelChecker.check(s, factory, DEFAULT_INVOCATIONS)
                : NestingStress.check(s, factory, DEFAULT_STRESS_RUNS, Duration.ofSeconds(10));
    }

    public static Property property(Function<Platform, NestingImplementation> factory, Policy policy, Mode mode) {
        NestingScenarioGenerator generator = new NestingScenarioGenerator(policy);
        return tc -> {
            NestingScenario s = generator.draw(tc);
            if (tc.isFinal()) {
                tc.note("platform: " + s.platform().describe());
                tc.note("scenario: " + s.oneLine());
                tc.note("mode: " + mode.describe());
            }
            Optional<Finding> f = check(s, factory, mode);
            if (f.isPresent()) throw new ConcurrencyFailure(s, f.get(), f.get().summary() + "\n  scenario: " + s.oneLine());
        };
    }

    public static Settings settings(String name, long seed) {
        return Settings.defaults().withName(name).withSeed(seed).withTries(DEFAULT_TRIES)
                .withShrinkMaxAttempts(300).withShrinkMaxTime(Duration.ofMinutes(3));
    }

    public static RunResult run(Function<Platform, NestingImplementation> factory, Policy policy, Mode mode, Settings settings) {
        return Engine.run(property(factory, policy, mode), settings);
    }

    /** Model checking under S2_PARENT (the figures' default). */
    public static RunResult modelCheckRun(Function<Platform, NestingImplementation> factory, Settings settings) {
        return run(factory, Policy.S2_PARENT, Mode.MODEL_CHECKING, settings);
    }
}
