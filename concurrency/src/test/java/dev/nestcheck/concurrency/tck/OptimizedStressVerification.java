package dev.nestcheck.concurrency.tck;

import dev.nestcheck.concurrency.nesting.NestingConcurrency;
import dev.nestcheck.impl.OptimizedNesting;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/** The concurrent TCK on the bundled implementation, stress mode, a few scenarios (the default build). */
class OptimizedStressVerification extends ConcurrentNestingVerification {
    @Override
    protected NestingImplementation create(Platform platform) {
        return new OptimizedNesting(platform);
    }

    @Override
    protected boolean threadSafe() {
        return true;
    }

    @Override
    protected NestingConcurrency.Mode mode() {
        return NestingConcurrency.Mode.STRESS;
    }

    @Override
    protected int defaultTries() {
        return 5;
    }
}
