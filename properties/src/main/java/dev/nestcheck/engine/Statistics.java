package dev.nestcheck.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Label counts of a run ({@link TestCase#label}), so that a passing property can show what it actually
 * exercised and {@link Coverage} requirements can fail a run that never reached the interesting cases.
 * For each {@code category=value}: the number of cases carrying it (once per case) and the total number
 * of times it was recorded. Only cases that ran to completion (passed or failed) are counted.
 */
public final class Statistics {

    /** Counts of one label. */
    public record Count(long cases, long occurrences) { }

    private final Map<String, Map<String, long[]>> counts = new TreeMap<>();   // {cases, occurrences}
    private long cases;

    void record(Map<TestCase.Label, Integer> labels) {
        cases++;
        labels.forEach((l, n) -> {
            long[] c = counts.computeIfAbsent(l.category(), k -> new TreeMap<>())
                    .computeIfAbsent(l.value(), k -> new long[2]);
            c[0]++;
            c[1] += n;
        });
    }

    /** The number of counted cases (the denominator of the percentages). */
    public long cases() {
        return cases;
    }

    public Set<String> categories() {
        return counts.keySet();
    }

    public Set<String> values(String category) {
        return counts.getOrDefault(category, Map.of()).keySet();
    }

    /** All counts: category, then value (both sorted by name), to cases and occurrences. */
    public Map<String, Map<String, Count>> counts() {
        Map<String, Map<String, Count>> out = new TreeMap<>();
        counts.forEach((category, values) -> {
            Map<String, Count> m = new TreeMap<>();
            values.forEach((v, c) -> m.put(v, new Count(c[0], c[1])));
            out.put(category, Collections.unmodifiableMap(m));
        });
        return Collections.unmodifiableMap(out);
    }

    /** How many cases carried the label at least once. */
    public long cases(String category, String value) {
        return get(category, value)[0];
    }

    /** How many times the label was recorded in total. */
    public long occurrences(String category, String value) {
        return get(category, value)[1];
    }

    /** Percentage of counted cases carrying the label (0 when no case was counted). */
    public double percent(String category, String value) {
        return cases == 0 ? 0 : 100.0 * cases(category, value) / cases;
    }

    private long[] get(String category, String value) {
        return counts.getOrDefault(category, Map.of()).getOrDefault(value, new long[2]);
    }

    /**
     * A plain-text table (fixed-width columns, ASCII only), categories alphabetically, values by
     * decreasing case count, so it stays readable when pasted into an email or a ticket.
     */
    public String table() {
        return table(category -> true);
    }

    /** {@link #table()} of the categories {@code shown} accepts. */
    public String table(java.util.function.Predicate<String> shown) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"category", "value", "cases", "%", "occurrences"});
        counts.forEach((category, values) -> {
            if (shown.test(category)) values.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> rows.add(new String[] {category, e.getKey(), Long.toString(e.getValue()[0]),
                        String.format(Locale.ROOT, "%.1f%%", percent(category, e.getKey())),
                        Long.toString(e.getValue()[1])}));
        });
        StringBuilder sb = new StringBuilder("Label statistics over " + cases + " test cases");
        if (rows.size() == 1) {
            return sb.append(": no labels recorded (use tc.label(category, value))\n").toString();
        }
        sb.append(":\n");
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < 5; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (int ri = 0; ri < rows.size(); ri++) {
            String[] r = rows.get(ri);
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < 5; i++) {
                String cell = i < 2 ? pad(r[i], width[i], false) : pad(r[i], width[i], true);
                line.append(cell).append(i < 4 ? " | " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (ri == 0) {
                StringBuilder rule = new StringBuilder("  ");
                for (int i = 0; i < 5; i++) {
                    rule.append("-".repeat(width[i])).append(i < 4 ? "-+-" : "");
                }
                sb.append(rule).append('\n');
            }
        }
        return sb.toString();
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(w - s.length());
        return right ? fill + s : s + fill;
    }

    @Override
    public String toString() {
        return table();
    }
}
