package dev.nestcheck.process;

/**
 * The child process of an {@code exec:} implementation crashed, hung, wrote something that is not
 * a protocol answer, or exited early. The message is one line: what happened, while waiting for
 * what, and how its stderr ends (the whole tail is in {@link #stderrTail()}). The conformance
 * harness turns it into a CRASH counterexample at that step (exit code 3).
 */
public final class ChildFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for tests and tools. */
    public enum Reason { EXITED, HUNG, GARBAGE, START }

    private final Reason reason;
    private final String stderrTail;

    public ChildFailed(Reason reason, String message, String stderrTail) {
        super(message, null, false, false);
        this.reason = reason;
        this.stderrTail = stderrTail == null ? "" : stderrTail;
    }

    public Reason reason() {
        return reason;
    }

    /** The last lines the child wrote to stderr (may be empty). */
    public String stderrTail() {
        return stderrTail;
    }
}
