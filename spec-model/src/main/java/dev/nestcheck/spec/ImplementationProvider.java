package dev.nestcheck.spec;

/**
 * How an implementation is found by name ({@code -Dnestcheck.impl=NAME}, {@code --impl NAME}):
 * register the class in {@code META-INF/services/dev.nestcheck.spec.ImplementationProvider}.
 */
public interface ImplementationProvider {
    /** A short unique name, e.g. {@code optimized} or {@code model}. */
    String name();

    /** One line for {@code nestcheck impls}. */
    String description();

    /** A fresh implementation for the platform, in its initial state (no context open). */
    NestingImplementation create(Platform platform);

    /**
     * Whether one instance may be driven by several threads at once ({@code execute} and
     * {@code snapshot} concurrently). Thread-safe implementations get the concurrent conformance
     * check (module {@code nestcheck-concurrency}: linearizability against the model); others are
     * checked sequentially only. Default: false.
     */
    default boolean threadSafe() {
        return false;
    }
}
