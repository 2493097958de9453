package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;

import java.time.Duration;
import java.util.Optional;

/**
 * The allocator-level concurrency property: our engine draws a {@link KvmScenario} from the model's state,
 * Lincheck's model checker explores its interleavings within a fixed budget ({@link KvmModelChecker}),
 * and a failing scenario is thrown as a {@link ConcurrencyFailure} for the engine to shrink. Because the
 * model checker is deterministic for a scenario and a budget, so is every case: the shrinker's re-runs
 * and a replay token's run see the same result.
 */
public final class KvmConcurrency {
    /** Interleavings explored per scenario (the model checker stops earlier when it has seen them all). */
    public static final int DEFAULT_INVOCATIONS = 200;
    /** Scenarios per search run by default (the nightly search; about 0.2-1 s each on 2 cores). */
    public static final int DEFAULT_TRIES = 150;

    private KvmConcurrency() {
    }

    /** The property: two branches (linearizability and invariants) or more (invariants only). */
    public static Property property(KvmAllocatorUnderTest.Factory factory, int threads, int invocations) {
        KvmScenarioGenerator generator = new KvmScenarioGenerator(threads);
        return tc -> {
            KvmScenario s = generator.draw(tc);
            tc.label("operations", Integer.toString(s.size()));
            if (tc.isFinal()) {
                tc.note("platform: " + s.platform());
                tc.note("scenario: " + s.oneLine());
            }
            Optional<Finding> f = KvmModelChecker.check(s, factory, invocations);
            if (f.isPresent()) {
                if (tc.isFinal()) tc.note("finding: " + f.get().summary());
                throw new ConcurrencyFailure(s, f.get(), f.get().summary() + "\n  scenario: " + s.oneLine());
            }
        };
    }

    /** Search settings: the seed, {@link #DEFAULT_TRIES}, and a shrink budget sized for 0.5-2 s per re-run. */
    public static Settings settings(String name, long seed) {
        return Settings.defaults().withName(name).withSeed(seed).withTries(DEFAULT_TRIES)
                .withShrinkMaxAttempts(300).withShrinkMaxTime(Duration.ofMinutes(5));
    }

    /** Runs the search (or the replay of {@code settings.replay()}). */
    public static RunResult run(KvmAllocatorUnderTest.Factory factory, int threads, int invocations, Settings settings) {
        return Engine.run(property(factory, threads, invocations), settings);
    }
}
