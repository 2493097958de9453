package dev.nestcheck.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A one-line progress display on a terminal (steps, steps/s, and what the caller adds), redrawn
 * in place on stderr a few times a second. Off the terminal it does nothing, so that
 * redirected output stays quiet and deterministic.
 */
final class Progress implements AutoCloseable {
    private static final long PERIOD_MS = 250;

    private final PrintWriter err;
    private final Thread thread;
    private volatile boolean done;
    private int lastWidth;

    /**
     * @param steps  the steps executed so far (read from the display thread), or null to show the time
     * @param suffix more text, e.g. the rules covered so far
     */
    Progress(Io io, String label, LongSupplier steps, Supplier<String> suffix) {
        this.err = io.err();
        if (!io.terminal()) {
            thread = null;
            return;
        }
        long start = System.nanoTime();
        thread = new Thread(() -> {
            while (!done) {
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (done) return;
                double s = (System.nanoTime() - start) / 1e9;
                String extra = suffix.get();
                extra = extra == null || extra.isEmpty() ? "" : ", " + extra;
                if (steps == null) {
                    draw(String.format(Locale.ROOT, "  %s: %.0f s%s", label, s, extra));
                } else {
                    long n = steps.getAsLong();
                    draw(String.format(Locale.ROOT, "  %s: %,d steps, %,.0f steps/s%s", label, n, s > 0 ? n / s : 0, extra));
                }
            }
        }, "nestcheck-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void draw(String line) {
        if (done) return;
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
