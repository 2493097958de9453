package dev.nestcheck.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A one-line progress display on a terminal, redrawn in place on stderr a few times a second and
 * never wider than the terminal (so a redraw never leaves a wrapped line behind): cases done of the
 * budget, steps per second, an estimate of the time left, and what the caller adds. Off the
 * terminal (a CI log) it prints the same line, whole, once a minute, so that a long run is not
 * silent for so long that a CI system takes it for hung; stdout stays quiet and deterministic.
 */
final class Progress implements AutoCloseable {
    private static final long PERIOD_MS = 250;
    /** How often a line is printed off the terminal (package-private for a test). */
    static volatile long heartbeatMillis = 60_000;

    private final PrintWriter err;
    private final Thread thread;
    private final int width;
    private volatile boolean done;
    private int lastWidth;

    /** What a run has done and what it may do. */
    interface Budget {
        /** Cases done so far. */
        long cases();

        /** Cases the run may do at most, or 0 when unknown. */
        long maxCases();

        /** Nanoseconds the run may take at most, or 0 when unknown. */
        long maxNanos();
    }

    /**
     * @param steps  the steps executed so far (read from the display thread), or null to show the time only
     * @param budget cases done and the budget, for the count and the ETA, or null
     * @param suffix more text, e.g. the rules covered so far
     */
    Progress(Io io, String label, LongSupplier steps, Budget budget, Supplier<String> suffix) {
        this.err = io.err();
        this.width = Launcher.columns() - 1;
        long start = System.nanoTime();
        boolean terminal = io.terminal();
        long period = terminal ? PERIOD_MS : heartbeatMillis;
        thread = new Thread(() -> {
            while (!done) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                String line = line(label, steps, budget, suffix, System.nanoTime() - start);
                if (terminal) draw(line);
                else print(line);
            }
        }, "nestcheck-progress");
        thread.setDaemon(true);
        thread.start();
    }

    Progress(Io io, String label, LongSupplier steps, Supplier<String> suffix) {
        this(io, label, steps, null, suffix);
    }

    static String line(String label, LongSupplier steps, Budget budget, Supplier<String> suffix, long nanos) {
        double s = nanos / 1e9;
        StringBuilder b = new StringBuilder("  ").append(label).append(": ");
        if (budget != null && budget.maxCases() > 0) {
            long c = Math.min(budget.cases(), budget.maxCases());
            b.append(String.format(Locale.ROOT, "%,d/%,d cases", c, budget.maxCases()));
        } else {
            b.append(String.format(Locale.ROOT, "%.0f s", s));
        }
        if (steps != null) {
            long n = steps.getAsLong();
            b.append(String.format(Locale.ROOT, ", %,.0f steps/s", s > 0 ? n / s : 0));
        }
        if (budget != null) {
            double frac = 0;
            if (budget.maxCases() > 0) frac = Math.min(1, budget.cases() / (double) budget.maxCases());
            if (budget.maxNanos() > 0) frac = Math.max(frac, Math.min(1, nanos / (double) budget.maxNanos()));
            if (frac > 0.02) b.append(String.format(Locale.ROOT, ", ETA %s", eta(s / frac - s)));
        }
        String extra = suffix == null ? null : suffix.get();
        if (extra != null && !extra.isEmpty()) b.append(", ").append(extra);
        return b.toString();
    }

    static String eta(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    /** Off the terminal: the line whole, as a log line of its own. */
    private synchronized void print(String line) {
        if (done) return;
        err.println("nestcheck:" + line.substring(1));
        err.flush();
    }

    private synchronized void draw(String line) {
        if (done) return;
        if (line.length() > width) line = line.substring(0, Math.max(0, width - 3)) + "...";
        StringBuilder b = new StringBuilder("\r").append(line);
        if (line.length() < lastWidth) b.append(" ".repeat(lastWidth - line.length()));
        lastWidth = line.length();
        err.print(b);
        err.flush();
    }

    /** Stops and erases the line. */
    @Override
    public void close() {
        if (thread == null) return;
        synchronized (this) {
            done = true;
            if (lastWidth > 0) {
                err.print("\r" + " ".repeat(lastWidth) + "\r");
                err.flush();
            }
        }
        thread.interrupt();
    }
}
