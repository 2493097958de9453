package dev.nestcheck.trace;

/**
 * A trace or platform file that cannot be read: unreadable, malformed JSON, an unknown field,
 * a wrong type, a missing field or an invalid platform. The message is one line that names
 * the file and, where there is one, the step index and the field, e.g.
 * {@code bad.json: step 4 (steps[3], hwpt_alloc): unknown field "flag"} (steps numbered
 * from 1, as in reports, with the JSON index). Commands report it and exit
 * with code 2 (TRACE.md).
 */
public final class TraceFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(String message) {
        super(oneLine(message));
    }

    public TraceFormatException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
