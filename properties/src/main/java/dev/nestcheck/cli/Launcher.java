package dev.nestcheck.cli;

/** How the user started nestcheck, for the commands it prints: the launcher tells, else {@code ./nestcheck}. */
final class Launcher {
    private Launcher() {
    }

    static String command() {
        String v = System.getProperty("nestcheck.launcher");
        return v == null || v.isBlank() ? "./nestcheck" : v;
    }

    /** The terminal's width: the launcher's {@code -Dnestcheck.columns}, else {@code COLUMNS}, else 80. */
    static int columns() {
        for (String v : new String[] {System.getProperty("nestcheck.columns"), System.getenv("COLUMNS")}) {
            if (v == null) continue;
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 20) return n;
            } catch (NumberFormatException ignored) {
                // not a number: try the next source
            }
        }
        return 80;
    }
}
