package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import org.jetbrains.lincheck.datastructures.Operation;

import java.util.function.Function;

/**
 * The object Lincheck drives for a {@link NestingScenario}: one implementation instance; operation
 * {@code prefix(i)} or {@code branch(t, i)} executes the scenario's operation, {@code snapshot()} reads
 * the state after the branches. Lincheck creates one instance per invocation with the no-argument
 * constructor, so the scenario and the factory come from {@link #configure}.
 */
public final class NestingHarness {
    record Config(NestingScenario scenario, Function<Platform, NestingImplementation> factory) {
    }

    private static volatile Config config;

    static void configure(NestingScenario scenario, Function<Platform, NestingImplementation> factory) {
        config = new Config(scenario, factory);
    }

    private final NestingScenario scenario;
    private final NestingImplementation impl;

    public NestingHarness() {
        Config c = config;
        this.scenario = c.scenario();
        this.impl = c.factory().apply(scenario.platform());
    }

    @Operation
    public Outcome prefix(int i) {
        return impl.execute(scenario.prefix().get(i));
    }

    @Operation
    public Outcome branch(int thread, int i) {
        return impl.execute(scenario.branches().get(thread).get(i));
    }

    @Operation
    public Snapshot snapshot() {
        return impl.snapshot();
    }
}
