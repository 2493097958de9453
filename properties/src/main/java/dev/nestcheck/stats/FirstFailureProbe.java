package dev.nestcheck.stats;

import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.TestCase;

/**
 * Wraps the conformance property and notes the moment the first case throws: the engine starts
 * shrinking right after, and the property's own step counter keeps counting through shrinking,
 * so this is the only point where "steps and time to the first failure" can be read without a
 * hook in the engine. Not thread-safe (the engine runs cases one at a time).
 */
final class FirstFailureProbe implements Property {
    /** The engine's control-flow signal (rejection, overrun); not a failure. Package-private there. */
    private static final String ENGINE_STOP = "dev.nestcheck.engine.TestCase$Stop";

    private final ConformanceProperty inner;
    private final long startNanos;
    private long cases;
    private long failedAtNanos = -1;
    private long stepsAtFailure = -1;
    private long casesAtFailure = -1;

    FirstFailureProbe(ConformanceProperty inner, long startNanos) {
        this.inner = inner;
        this.startNanos = startNanos;
    }

    @Override
    public void check(TestCase tc) {
        if (failedAtNanos < 0) cases++;
        try {
            inner.check(tc);
        } catch (RuntimeException | Error e) {
            if (failedAtNanos < 0 && !e.getClass().getName().equals(ENGINE_STOP)) {
                failedAtNanos = System.nanoTime();
                stepsAtFailure = inner.stepsExecuted();
                casesAtFailure = cases;
            }
            throw e;
        }
    }

    boolean failed() {
        return failedAtNanos >= 0;
    }

    long nanosToFailure() {
        return failedAtNanos - startNanos;
    }

    long stepsToFailure() {
        return stepsAtFailure;
    }

    /** Cases the property ran up to and including the first failing one (rejected ones included). */
    long casesToFailure() {
        return casesAtFailure;
    }
}
