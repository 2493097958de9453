package dev.nestcheck.stats;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.function.Function;

/**
 * One implementation to time, usually a deliberately broken one: its name, the policy it is
 * checked under, how to create it, and the length (in steps, closing steps included) of the
 * shortest counterexample the generator can produce, or -1 when not known.
 */
public record Subject(String name, Policy policy, Function<Platform, NestingImplementation> factory,
                      int knownMinimalLength) {
    public Subject {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("subject name is required");
        if (policy == null) throw new IllegalArgumentException(name + ": policy is required");
        if (factory == null) throw new IllegalArgumentException(name + ": factory is required");
    }
}
