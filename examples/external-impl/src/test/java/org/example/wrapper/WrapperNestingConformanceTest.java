package org.example.wrapper;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.tck.NestingConformanceVerification;

/**
 * The nestcheck TCK for this implementation: one conformance test per VMID policy (1,000 cases
 * each, as `nestcheck check`), comparing the implementation with the reference model on random
 * small platforms, and the regression corpus. Its name ends in Test, so Surefire's default
 * includes run it. A failure prints the minimal counterexample, writes a report folder under
 * target/nestcheck-reports/ and prints the command that replays it.
 */
class WrapperNestingConformanceTest extends NestingConformanceVerification {
    @Override
    protected NestingImplementation create(Platform platform) {
        return new WrapperNesting(platform);
    }
}
