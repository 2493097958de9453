package dev.nestcheck.concurrency.tck;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/**
 * The concurrent TCK for the implementation named by {@code -Dnestcheck.impl=NAME} (default
 * {@code optimized}): thread-safety comes from its provider ({@link ImplementationProvider#threadSafe()}),
 * the mode from {@code -Dnestcheck.concurrent=model|stress} (default model).
 */
public class ConcurrentByNameVerification extends ConcurrentNestingVerification {
    private final ImplementationProvider provider =
            Implementations.named(System.getProperty("nestcheck.impl", Implementations.OPTIMIZED));

    @Override
    protected NestingImplementation create(Platform platform) {
        return provider.create(platform);
    }

    @Override
    protected boolean threadSafe() {
        return provider.threadSafe();
    }

    @Override
    protected dev.nestcheck.concurrency.nesting.NestingConcurrency.Mode mode() {
        return "stress".equals(System.getProperty("nestcheck.concurrent"))
                ? dev.nestcheck.concurrency.nesting.NestingConcurrency.Mode.STRESS
                : dev.nestcheck.concurrency.nesting.NestingConcurrency.Mode.MODEL_CHECKING;
    }
}
