package dev.nestcheck.concurrency;

import java.util.Locale;

/**
 * Why a concurrency scenario failed: the rule broken, a one-line title, the detail (outcomes per thread,
 * the closest sequential order and where it parts from the model), and the interleaving that showed it
 * (Lincheck's trace in model-checking mode; the recorded outcomes in stress mode).
 */
public record Finding(Kind kind, String rule, String title, String detail, String interleaving) {
    /** How an outcome string starts when the operation threw. */
    public static final String THREW = "threw ";

    public enum Kind {
        /** A real-world invariant (G-6, KVM-6, a snapshot invariant) failed in some interleaving. */
        INVARIANT,
        /** Every operation ran, but no sequential order of the branches explains the outcomes. */
        NOT_LINEARIZABLE,
        /** An operation threw something other than an invariant violation. */
        CRASH,
        /** A deadlock, livelock or hang found by the model checker. */
        HANG;

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** A finding from an outcome that starts with {@link #THREW}, observed at {@code where}. */
    public static Finding of(String outcome, String where) {
        String what = outcome.substring(THREW.length());
        int colon = what.indexOf(": ");
        String type = colon < 0 ? what : what.substring(0, colon);
        String message = colon < 0 ? "" : what.substring(colon + 2);
        if (type.endsWith("InvariantViolation")) {
            String rule = message.contains(":") ? message.substring(0, message.indexOf(':')) : "G-6";
            return new Finding(Kind.INVARIANT, rule, message, "observed by " + where, null);
        }
        return new Finding(Kind.CRASH, null, where + " threw " + what, "observed by " + where, null);
    }

    /** A failure Lincheck reported without our verifier's verdict (deadlock, livelock, an exception it caught itself). */
    public static Finding fromLincheck(String report) {
        String first = report.strip().lines().findFirst().orElse("Lincheck failure");
        String lower = report.toLowerCase(Locale.ROOT);
        if (lower.contains("deadlock") || lower.contains("livelock") || lower.contains("hung") || lower.contains("timeout"))
            return new Finding(Kind.HANG, null, first, report, null);
        int at = report.indexOf("InvariantViolation: ");
        if (at >= 0) {
            String message = report.substring(at + "InvariantViolation: ".length()).lines().findFirst().orElse("");
            String rule = message.contains(":") ? message.substring(0, message.indexOf(':')) : "G-6";
            return new Finding(Kind.INVARIANT, rule, message, "reported by Lincheck", null);
        }
        return new Finding(Kind.CRASH, null, first, report, null);
    }

    /** The same finding with the interleaving taken from Lincheck's report. */
    public Finding withLincheckReport(String report) {
        return new Finding(kind, rule, title, detail, LincheckRuns.interleaving(report));
    }

    public Finding withInterleaving(String text) {
        return new Finding(kind, rule, title, detail, text);
    }

    /** One line: kind, rule, title. */
    public String summary() {
        return kind.text() + (rule == null ? "" : " (" + rule + ")") + ": " + title;
    }
}
