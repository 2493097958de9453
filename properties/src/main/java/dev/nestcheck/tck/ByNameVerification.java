package dev.nestcheck.tck;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import org.junit.jupiter.api.BeforeEach;

/**
 * The conformance tests for an implementation found by name through ServiceLoader
 * ({@code META-INF/services/dev.nestcheck.spec.ImplementationProvider}): override
 * {@link #implementationName()} in a subclass in your test sources, or run it with
 * {@code -Dnestcheck.impl=NAME} (and {@code -Dnestcheck.classpath=JAR} when the implementation
 * is not on the test class path). Without a name the tests fail: a conformance test that checks
 * nothing must not pass. An unknown name fails them, listing the names that are registered.
 */
public class ByNameVerification extends NestingConformanceVerification {
    private ImplementationProvider provider;

    /** The implementation's name: {@code -Dnestcheck.impl}, or null when not set. Override to fix one. */
    protected String implementationName() {
        String v = System.getProperty("nestcheck.impl");
        return v == null || v.isBlank() ? null : v.strip();
    }

    @BeforeEach
    protected void findProvider() {
        String name = implementationName();
        if (name == null)
            throw new AssertionError("nestcheck TCK: " + getClass().getSimpleName() + " checks an implementation by"
                    + " name, and none was given: set -Dnestcheck.impl=NAME or override implementationName();"
                    + " registered: " + Implementations.names());
        provider = Implementations.named(name);
    }

    /**
     * No guard thread around an {@code exec:} child: it has a timeout on every answer of its own
     * (docs/PROTOCOL.md), and its start (a JVM, say) may take longer than one operation may.
     */
    @Override
    protected java.time.Duration defaultTimeout() {
        String name = implementationName();
        return name != null && dev.nestcheck.process.ExecProvider.isExec(name) ? java.time.Duration.ZERO : super.defaultTimeout();
    }

    @Override
    protected NestingImplementation create(Platform platform) {
        if (provider == null) provider = Implementations.named(implementationName());
        return provider.create(platform);
    }

    @Override
    protected String implementationLabel() {
        return implementationName();
    }

    @Override
    protected boolean registered() {
        return true;
    }
}
