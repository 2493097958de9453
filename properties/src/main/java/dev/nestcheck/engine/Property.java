package dev.nestcheck.engine;

/**
 * A property: code that draws its inputs from the {@link TestCase} and throws if something is wrong.
 * Any {@link Throwable} is a failure, except the engine's own stop signal raised by
 * {@link TestCase#assume}, overruns and exhaustive pruning (do not catch and swallow it).
 */
@FunctionalInterface
public interface Property {
    void check(TestCase tc) throws Exception;

    /**
     * What makes a choice sequence mean one particular case, beyond this code: for the conformance
     * suite, the policy and the platform. Replay tokens carry it, and replaying a token under a property
     * of another identity fails with one line naming both, instead of silently running some other case.
     * The failure database keys on it too. Null (the default) means the property has none and accepts
     * any token.
     */
    default String identity() {
        return null;
    }
}
