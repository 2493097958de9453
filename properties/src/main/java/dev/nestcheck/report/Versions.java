package dev.nestcheck.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What reports and the TCK say they were made with: the nestcheck version and the rules version. */
public final class Versions {
    /** The rule catalogue the model and the suite follow (RULES.md's own version line). */
    public static final String RULES = "RULES.md v2";

    private static final String NESTCHECK = load();

    private Versions() {
    }

    /** The nestcheck version, e.g. {@code 0.1.0-SNAPSHOT} (filled in by the build). */
    public static String nestcheck() {
        return NESTCHECK;
    }

    /** {@code nestcheck 0.1.0-SNAPSHOT, rules RULES.md v2}. */
    public static String line() {
        return "nestcheck " + NESTCHECK + ", rules " + RULES;
    }

    private static String load() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/nestcheck/nestcheck.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
