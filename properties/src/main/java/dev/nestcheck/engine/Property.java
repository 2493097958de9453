package dev.nestcheck.engine;

/**
 * A property: code that draws its inputs from the {@link TestCase} and throws if something is wrong.
 * Any {@link Throwable} is a failure, except the engine's own stop signal raised by
 * {@link TestCase#assume}, overruns and exhaustive pruning (do not catch and swallow it).
 */
@FunctionalInterface
public interface Property {
    void check(TestCase tc) throws Exception;
}
