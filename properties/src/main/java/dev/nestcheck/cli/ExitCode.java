package dev.nestcheck.cli;

/** The exit codes of every {@code nestcheck} command. */
public final class ExitCode {
    /** The implementation conforms (or the command had nothing to check and succeeded). */
    public static final int CONFORMANT = 0;
    /** A counterexample was found (divergence, invariant, failed trace expectation). */
    public static final int COUNTEREXAMPLE = 1;
    /** Bad flags, malformed input, unknown names: one line on stderr. */
    public static final int USAGE = 2;
    /** The implementation crashed (threw, returned malformed values) or hung. */
    public static final int CRASH = 3;

    private ExitCode() {
    }
}
