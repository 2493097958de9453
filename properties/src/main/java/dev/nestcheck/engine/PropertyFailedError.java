package dev.nestcheck.engine;

/**
 * Thrown by {@link RunResult#assertPassed()}: an {@link AssertionError} so that test frameworks report
 * it as a test failure; its message is the full report and its cause the counterexample's exception.
 */
public final class PropertyFailedError extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final transient RunResult result;

    public PropertyFailedError(String message, Throwable cause, RunResult result) {
        super(message, cause);
        this.result = result;
    }

    /** The run that failed (counterexample, unmet coverage, or no valid case). */
    public RunResult result() {
        return result;
    }
}
