package dev.nestcheck.tck;

import dev.nestcheck.impl.OptimizedProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/**
 * The TCK run against the bundled optimized implementation, as an implementer would write it:
 * one conformance test per policy plus the replay of the regression corpus (found here on the
 * test class path), with the TCK's default budget (1,000 cases per policy, as `nestcheck check`);
 * raise it with {@code -Dnestcheck.tries=N} or {@code -Dnestcheck.time=30s}.
 */
class OptimizedConformanceVerification extends NestingConformanceVerification {
    private final OptimizedProvider provider = new OptimizedProvider();

    @Override
    protected NestingImplementation create(Platform platform) {
        return provider.create(platform);
    }
}
