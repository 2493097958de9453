package dev.nestcheck.engine;

import java.util.Locale;
import java.util.Optional;

/**
 * A coverage requirement on {@link Statistics}: a property that passes but never (or rarely) produced a
 * labelled situation has not tested it, and the run should say so instead of passing silently.
 * Checked after a run without counterexample; an unmet requirement fails the run.
 */
public final class Coverage {

    private final String category;
    private final String value;
    private final long minCases;
    private final double minPercent;

    private Coverage(String category, String value, long minCases, double minPercent) {
        this.category = category;
        this.value = value;
        this.minCases = minCases;
        this.minPercent = minPercent;
    }

    /** At least {@code n} cases must carry {@code category=value}. */
    public static Coverage atLeastCases(String category, String value, long n) {
        return new Coverage(category, value, n, -1);
    }

    /** At least {@code percent}% (0..100) of the counted cases must carry {@code category=value}. */
    public static Coverage atLeastPercent(String category, String value, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("atLeastPercent: " + percent + " is not within 0..100");
        }
        return new Coverage(category, value, -1, percent);
    }

    /** A one-line explanation if the requirement is not met. */
    Optional<String> check(Statistics s) {
        long got = s.cases(category, value);
        double pct = s.percent(category, value);
        boolean met = minCases >= 0 ? got >= minCases : pct >= minPercent;
        if (met) {
            return Optional.empty();
        }
        return Optional.of(this + ": got " + got + " of " + s.cases() + " cases ("
                + String.format(Locale.ROOT, "%.1f%%", pct) + ")");
    }

    @Override
    public String toString() {
        return category + "=" + value + " in at least "
                + (minCases >= 0 ? minCases + " cases" : String.format(Locale.ROOT, "%.1f%% of cases", minPercent));
    }
}
