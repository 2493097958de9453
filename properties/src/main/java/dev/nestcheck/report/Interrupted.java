package dev.nestcheck.report;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What a run cut short by Ctrl-C or SIGTERM keeps (from a shutdown hook): the failing cases found
 * so far, each with the command that finds it again, on stderr and in {@code interrupted.md}, or,
 * with nothing failing, that the run was cut short, so that a report folder a CI job uploads is not
 * an empty one that reads like a pass.
 */
public final class Interrupted {
    /** The file, in the report folder. */
    public static final String FILE = "interrupted.md";

    private Interrupted() {
    }

    /**
     * @param command what ran, e.g. {@code nestcheck check}
     * @param after   how far it got, e.g. {@code " after 3,969 cases"}, or empty
     * @param kind    what failed: {@code cases} or {@code scenarios}
     * @param found   one entry per failing run (its name, what was found, the command on an indented
     *                line), or empty when nothing failed
     * @param dir     where {@link #FILE} goes, or null for stderr alone
     */
    public static void keep(PrintWriter err, String command, long seed, String after, String kind, String found, Path dir) {
        String text = command + " was interrupted before the end of its run (seed " + seed + ")" + after
                + (found.isEmpty() ? ", with no counterexample so far; no summary was written.\n"
                : ". The failing " + kind + " found so far, not minimal:\n\n" + found);
        String where = "";
        if (dir != null) {
            try {
                where = " are in " + AtomicFiles.write(dir.resolve(FILE), text);
            } catch (UncheckedIOException e) {
                where = " (" + dir + " could not be written: " + e.getMessage() + ")";
            }
        }
        if (found.isEmpty())
            err.println("\nnestcheck: interrupted" + after + ", no counterexample so far (not a result: the run was cut short)"
                    + (where.startsWith(" are in ") ? "; " + where.substring(" are in ".length()) : where));
        else err.println("\nnestcheck: interrupted; the failing " + kind + " found so far" + where + ":");
        err.print(found);
        err.flush();
    }
}
