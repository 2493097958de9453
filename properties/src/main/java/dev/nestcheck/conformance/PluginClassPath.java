package dev.nestcheck.conformance;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where plugged implementations are loaded from, besides the class path nestcheck runs on: the
 * CLI's {@code --classpath} and the TCK's {@code -Dnestcheck.classpath}. Entries are separated by
 * the platform's path separator ({@code :}) and are jars, class folders (a Maven project's
 * {@code target/classes}) or {@code DIR/*} for every jar in a folder, as with {@code java -cp}.
 */
public final class PluginClassPath {
    private PluginClassPath() {
    }

    /**
     * The entries of the given arguments, each made absolute (so that a printed replay command
     * works from any folder).
     *
     * @throws IllegalArgumentException naming the first entry that does not exist (one line)
     */
    public static List<Path> entries(List<String> args) {
        List<Path> out = new ArrayList<>();
        for (String arg : args) {
            for (String part : arg.split(File.pathSeparator)) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                if (p.endsWith("/*") || p.equals("*")) {
                    Path dir = Paths.get(p.equals("*") ? "." : p.substring(0, p.length() - 2)).toAbsolutePath().normalize();
                    if (!Files.isDirectory(dir))
                        throw new IllegalArgumentException("class path entry " + p + ": " + dir + " is not a folder");
                    try (Stream<Path> jars = Files.list(dir)) {
                        jars.filter(j -> j.getFileName().toString().endsWith(".jar")).sorted().forEach(out::add);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("class path entry " + p + ": cannot list " + dir + ": "
                                + e.getMessage());
                    }
                    continue;
                }
                Path path = Paths.get(p).toAbsolutePath().normalize();
                if (!Files.exists(path))
                    throw new IllegalArgumentException("class path entry " + p + ": no such jar or folder");
                if (Files.isRegularFile(path) && !p.endsWith(".jar") && !p.endsWith(".zip"))
                    throw new IllegalArgumentException("class path entry " + p + ": neither a jar nor a folder");
                out.add(path);
            }
        }
        return out;
    }

    /** The entries as one {@code java -cp} argument. */
    public static String join(List<Path> entries) {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    /** A class loader over the entries, delegating to {@code parent} first; {@code parent} itself when there are none. */
    public static ClassLoader loader(List<Path> entries, ClassLoader parent) {
        if (entries.isEmpty()) return parent;
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("class path entry " + entries.get(i) + ": " + e.getMessage());
            }
        }
        return new URLClassLoader("nestcheck-plugins", urls, parent);
    }
}
