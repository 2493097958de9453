package dev.nestcheck.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The trace arguments of a command, as Unix tools take them: several files, or folders, or
 * both. Files are kept as given (whatever their name); a folder stands for every
 * {@code *.json} file under it, recursively, in sorted path order.
 */
public final class TraceFiles {
    private TraceFiles() {
    }

    /**
     * Expands the arguments in order.
     *
     * @throws TraceFormatException for a path that does not exist or a folder that cannot be
     *         listed (one line naming the path)
     */
    public static List<Path> expand(List<Path> args) {
        return expand(args, e -> {
            throw e;
        });
    }

    /**
     * Expands the arguments in order; a path that does not exist or a folder that cannot be
     * listed goes to {@code unreadable} (one line naming the path), and the others are still
     * expanded, as {@code cat a missing b} still prints a and b.
     */
    public static List<Path> expand(List<Path> args, Consumer<TraceFormatException> unreadable) {
        List<Path> out = new ArrayList<>();
        for (Path arg : args) {
            if (Files.isDirectory(arg)) {
                try (Stream<Path> walk = Files.walk(arg)) {
                    walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException | UncheckedIOException e) {
                    unreadable.accept(new TraceFormatException(arg + ": cannot list folder: " + e.getMessage(), e));
                }
            } else if (Files.exists(arg)) {
                out.add(arg);
            } else {
                unreadable.accept(new TraceFormatException(arg + ": no such file or folder"));
            }
        }
        return out;
    }
}
