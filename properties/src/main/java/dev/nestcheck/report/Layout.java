package dev.nestcheck.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plain text at most {@link #WIDTH} columns wide, for reports that are pasted into a mail: word
 * wrapping with a hanging indent, and shell commands continued with a backslash, so that a long
 * command (or a long replay token, split inside the word) still works when pasted into a shell.
 */
public final class Layout {
    /** The widest line a report has (a mail's customary limit). */
    public static final int WIDTH = 80;

    /** Words a shell takes as they are ({@code #} starts a comment only at the start of a word). */
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,^-][A-Za-z0-9_./:=@%+,^#-]*");

    private Layout() {
    }

    /**
     * Wraps one paragraph: the first line starts with {@code first}, the others with {@code next};
     * breaks at spaces, and inside a word only when the word alone is wider than a line.
     */
    public static String wrap(String text, String first, String next, int width) {
        StringBuilder out = new StringBuilder();
        String indent = first;
        StringBuilder line = new StringBuilder(indent);
        boolean empty = true;
        for (String word : text.strip().split(" +")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                out.append(line.toString().stripTrailing()).append('\n');
                indent = next;
                line = new StringBuilder(indent);
                empty = true;
            }
            if (!empty) line.append(' ');
            while (line.length() + word.length() > width && width - line.length() >= 8) {
                int room = width - line.length();
                line.append(word, 0, room);
                out.append(line).append('\n');
                word = word.substring(room);
                indent = next;
                line = new StringBuilder(indent);
            }
            line.append(word);
            empty = false;
        }
        out.append(line.toString().stripTrailing());
        return out.toString();
    }

    /** {@link #wrap(String, String, String, int)} at {@link #WIDTH}, for text with several lines. */
    public static String wrapLines(String text, String first, String next) {
        StringBuilder b = new StringBuilder();
        for (String l : text.split("\n", -1)) {
            if (l.isBlank()) {
                b.append('\n');
                continue;
            }
            int lead = l.length() - l.stripLeading().length();
            String own = l.substring(0, lead);
            b.append(wrap(l.strip(), first + own, next + own, WIDTH)).append('\n');
        }
        return b.toString();
    }

    /** One shell word, quoted when it needs to be. */
    public static String quote(String arg) {
        if (!arg.isEmpty() && SHELL_SAFE.matcher(arg).matches()) return arg;
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The words quoted and joined by spaces: the command on one line. */
    public static String commandLine(List<String> argv) {
        List<String> q = new ArrayList<>();
        for (String a : argv) q.add(quote(a));
        return String.join(" ", q);
    }

    /**
     * A shell command over several lines of at most {@code width} columns: words joined by spaces,
     * a line ending in {@code \} continues on the next (indented by {@code indent} plus two); a word
     * wider than a line is split with a backslash-newline, which the shell removes.
     */
    public static String command(List<String> argv, String indent, int width) {
        List<String> words = new ArrayList<>();
        for (String a : argv) words.add(quote(a));
        String cont = indent + "  ";
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        boolean empty = true;
        for (String w : words) {
            // room for " \" at the end of a continued line
            if (!empty && line.length() + 1 + w.length() + 2 > width) {
                out.append(line).append(" \\\n");
                line = new StringBuilder(cont);
                empty = true;
            }
            if (!empty) line.append(' ');
            while (line.length() + w.length() > width - 2 && !w.startsWith("'") && width - 2 - line.length() >= 8) {
                int room = width - 1 - line.length();
                line.append(w, 0, room);
                out.append(line).append("\\\n");
                w = w.substring(room);
                line = new StringBuilder();   // no indent inside a word: the shell joins the pieces as they are
            }
            line.append(w);
            empty = false;
        }
        out.append(line);
        return out.toString();
    }

    /** {@link #command(List, String, int)} at {@link #WIDTH}. */
    public static String command(List<String> argv, String indent) {
        return command(argv, indent, WIDTH);
    }

    /** The widest line of a text. */
    public static int widest(String text) {
        int w = 0;
        for (String l : text.split("\n", -1)) w = Math.max(w, l.length());
        return w;
    }
}
