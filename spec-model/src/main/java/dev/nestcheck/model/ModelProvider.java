package dev.nestcheck.model;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

/** Registers the reference model under the name {@code model} (PLAT-5: one fresh model per platform). */
public final class ModelProvider implements ImplementationProvider {
    @Override
    public String name() {
        return "model";
    }

    @Override
    public String description() {
        return "reference model: RULES.md made executable, one method per rule";
    }

    @Override
    public NestingImplementation create(Platform platform) {
        return new ReferenceModel(platform);
    }
}
