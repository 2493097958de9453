package dev.nestcheck.cli;

import java.io.PrintWriter;

/**
 * Where a command writes: results to {@code out}, diagnostics and progress to {@code err};
 * {@code terminal} says whether progress may be shown (a console is attached).
 */
record Io(PrintWriter out, PrintWriter err, boolean terminal) {
}
