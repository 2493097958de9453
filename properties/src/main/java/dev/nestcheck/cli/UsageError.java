package dev.nestcheck.cli;

/** A usage or input error: reported as one line on stderr, exit code {@link ExitCode#USAGE}. */
final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message, null, false, false);
    }
}
