package org.example.wrapper;

import dev.nestcheck.impl.OptimizedProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

/**
 * A stand-in for your own implementation: a thin wrapper that counts operations and delegates
 * to nestcheck's bundled optimized implementation. Replace the delegate with your code.
 */
public final class WrapperNesting implements NestingImplementation {
    private final NestingImplementation delegate;
    private long operations;

    public WrapperNesting(Platform platform) {
        this.delegate = new OptimizedProvider().create(platform);
    }

    @Override
    public Outcome execute(Op op) {
        operations++;
        return delegate.execute(op);
    }

    @Override
    public Snapshot snapshot() {
        return delegate.snapshot();
    }

    public long operations() {
        return operations;
    }
}
