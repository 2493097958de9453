package org.example.wrapper;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.tck.NestingConformanceVerification;

/**
 * The nestcheck TCK for this implementation: one conformance test per VMID policy, each
 * comparing the implementation with the reference model on random small platforms. Run more
 * cases with {@code -Dnestcheck.tries=2000} or {@code -Dnestcheck.time=1m}; a failure prints
 * the minimal counterexample with its seed and replay token.
 */
class WrapperNestingVerification extends NestingConformanceVerification {
    @Override
    protected NestingImplementation create(Platform platform) {
        return new WrapperNesting(platform);
    }

    @Override
    protected int defaultTries() {
        return 100;
    }
}
