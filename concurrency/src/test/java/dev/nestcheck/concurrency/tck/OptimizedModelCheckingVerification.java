package dev.nestcheck.concurrency.tck;

import dev.nestcheck.impl.OptimizedNesting;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import org.junit.jupiter.api.Tag;

/** The concurrent TCK on the bundled implementation, model checking, the default budget (-Pconcurrency). */
@Tag("search")
class OptimizedModelCheckingVerification extends ConcurrentNestingVerification {
    @Override
    protected NestingImplementation create(Platform platform) {
        return new OptimizedNesting(platform);
    }

    @Override
    protected boolean threadSafe() {
        return true;
    }
}
