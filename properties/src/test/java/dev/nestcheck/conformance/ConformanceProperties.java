package dev.nestcheck.conformance;

import dev.nestcheck.engine.Coverage;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.engine.Statistics;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default conformance run: the bundled optimized implementation against the model,
 * under every policy, on drawn platforms (mostly small, 1% realistic widths with long
 * sequences). Every rule of the covered sections must decide an outcome or be exercised
 * (RequiredRules), each rare multi-step state must come up in at least
 * {@link #MIN_RARE_FEATURE_CASES} cases, and the run must execute at least 25,000 steps per
 * policy (100,000 in all). Override with -Dnestcheck.seed, -Dnestcheck.tries,
 * -Dnestcheck.time, -Dnestcheck.replay; -Dnestcheck.impl=NAME checks another implementation.
 */
class ConformanceProperties {
    static final long DEFAULT_SEED = 20261124L;
    static final int DEFAULT_TRIES = 1000;
    static final long MIN_STEPS_PER_POLICY = 25_000;
    /** "Several times in the default budget" for the rare multi-step states (CombinationCoverage.rareFeatures). */
    static final int MIN_RARE_FEATURE_CASES = 3;
    private static final AtomicLong TOTAL_STEPS = new AtomicLong();
    private static final AtomicLong TOTAL_NANOS = new AtomicLong();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Policy.class)
    void implementationConformsToTheModel(Policy policy) {
        String impl = System.getProperty("nestcheck.impl", Implementations.OPTIMIZED);
        List<Coverage> coverage = new ArrayList<>(List.of(RequiredRules.requirements(policy)));
        for (String rare : CombinationCoverage.rareFeatures())
            coverage.add(Coverage.atLeastCases("feature", rare, MIN_RARE_FEATURE_CASES));
        Settings settings = Settings.defaults()
                // the name the engine's replay hint puts in -Dtest: it must match this test (issue 12 item 16)
                .withName("ConformanceProperties#implementationConformsToTheModel").withSeed(DEFAULT_SEED)
                .withTries(DEFAULT_TRIES).withCoverage(coverage.toArray(Coverage[]::new)).withSystemOverrides();
        // a plugged implementation may hang: guard it (2 s per operation); the bundled one runs unguarded, at full speed
        java.util.function.Function<dev.nestcheck.spec.Platform, dev.nestcheck.spec.NestingImplementation> factory =
                Implementations.named(impl)::create;
        if (!impl.equals(Implementations.OPTIMIZED) && !impl.equals(Implementations.MODEL))
            factory = TimeoutGuard.factory(factory, TimeoutGuard.DEFAULT_TIMEOUT);
        Conformance.Result result = Conformance.check(factory, policy, settings);
        TOTAL_STEPS.addAndGet(result.steps());
        TOTAL_NANOS.addAndGet(result.run().elapsed().toNanos());
        System.out.printf("%s %s: %d cases, %d steps, %.0f steps/s%n%s%n%s%n%s%n", impl, policy, result.run().casesRun(),
                result.steps(), result.stepsPerSecond(), result.fanOut().line(), result.combinations().line(),
                withoutRulePairs(result.run().statistics()));
        result.run().assertPassed();
        if (settings.replay().isEmpty() && settings.tries() >= DEFAULT_TRIES)
            assertThat(result.steps()).as("steps executed under " + policy).isGreaterThanOrEqualTo(MIN_STEPS_PER_POLICY);
    }

    /** The label statistics without the (hundreds of) rule pairs, which CombinationCoverage counts instead. */
    static String withoutRulePairs(Statistics s) {
        StringBuilder b = new StringBuilder("labels over " + s.cases() + " cases (rule pairs counted above):\n");
        s.counts().forEach((category, values) -> {
            if (category.equals("pair")) return;
            values.forEach((v, c) -> b.append(String.format(java.util.Locale.ROOT, "  %-9s %-45s %6d cases %8d times%n",
                    category, v, c.cases(), c.occurrences())));
        });
        return b.toString();
    }

    @AfterAll
    static void printThroughput() {
        System.out.printf("default conformance run: %d steps in %.1f s (%.0f steps/s)%n", TOTAL_STEPS.get(),
                TOTAL_NANOS.get() / 1e9, TOTAL_STEPS.get() / Math.max(1e-9, TOTAL_NANOS.get() / 1e9));
    }
}
