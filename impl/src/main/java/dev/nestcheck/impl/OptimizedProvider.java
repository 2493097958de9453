package dev.nestcheck.impl;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/** Registers {@link OptimizedNesting} under the name {@code optimized}. */
public final class OptimizedProvider implements ImplementationProvider {
    @Override
    public String name() {
        return "optimized";
    }

    @Override
    public String description() {
        return "optimized implementation: bitmap VMID pools, lowest-free ID bitmaps, incremental refcounts";
    }

    @Override
    public NestingImplementation create(Platform platform) {
        return new OptimizedNesting(platform);
    }

    /** One lock per instance (OptimizedNesting), the allocator's own for KVM: checked concurrently. */
    @Override
    public boolean threadSafe() {
        return true;
    }
}
