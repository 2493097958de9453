package org.example.wrapper;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/**
 * Makes the implementation known to nestcheck by name ({@code --impl example-wrapper},
 * {@code -Dnestcheck.impl=example-wrapper}); registered in
 * {@code META-INF/services/dev.nestcheck.spec.ImplementationProvider}.
 */
public final class WrapperProvider implements ImplementationProvider {
    @Override
    public String name() {
        return "example-wrapper";
    }

    @Override
    public String description() {
        return "example: a thin wrapper around the bundled optimized implementation (examples/external-impl)";
    }

    @Override
    public NestingImplementation create(Platform platform) {
        return new WrapperNesting(platform);
    }
}
