package dev.nestcheck.cli;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.PluginClassPath;
import dev.nestcheck.spec.ImplementationProvider;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code --impl NAME} and {@code --classpath CP}, shared by the commands that run an
 * implementation: the name is looked up through ServiceLoader on nestcheck's own class path plus
 * the given jars and folders.
 */
final class ImplementationOptions {
    @Option(names = "--impl", paramLabel = "NAME", defaultValue = "optimized",
            description = "Implementation to check, by its registered name (see `nestcheck impls`). Default: ${DEFAULT-VALUE}.")
    String impl;

    @Option(names = {"--classpath", "-cp"}, paramLabel = "CP",
            description = "Where to find your implementation: jars, class folders (a Maven project's target/classes), "
                    + "or DIR/* for every jar in a folder, separated by ':' or given as several options.")
    List<String> classpath = new ArrayList<>();

    private List<Path> entries;
    private ClassLoader loader;

    /** The class path entries, absolute; a missing one is a usage error. */
    List<Path> entries() {
        if (entries == null) {
            try {
                entries = PluginClassPath.entries(classpath);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        return entries;
    }

    /** The entries as one argument for a printed command, or null when none were given. */
    String classpathText() {
        return entries().isEmpty() ? null : PluginClassPath.join(entries());
    }

    ClassLoader loader() {
        if (loader == null) loader = PluginClassPath.loader(entries(), ImplementationOptions.class.getClassLoader());
        return loader;
    }

    ImplementationProvider provider() {
        return provider(impl);
    }

    ImplementationProvider provider(String name) {
        try {
            return entries().isEmpty() ? Implementations.named(name) : Implementations.named(name, loader());
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * Runs {@code body} with the plugins' class loader as the thread's context class loader, so that an
     * implementation that looks things up through it (ServiceLoader, resources) finds its own jar; threads
     * started meanwhile inherit it.
     */
    <T> T withLoader(Supplier<T> body) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader());
        try {
            return body.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
