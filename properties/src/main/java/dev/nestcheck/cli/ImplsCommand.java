package dev.nestcheck.cli;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.ImplementationProvider;
import picocli.CommandLine.Command;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nestcheck impls}: the implementations registered through ServiceLoader. */
@Command(name = "impls", header = "List the registered implementations.",
        mixinStandardHelpOptions = true,
        description = "Lists the implementations found on the class path (META-INF/services/dev.nestcheck.spec.ImplementationProvider).")
final class ImplsCommand implements Callable<Integer> {
    private final Io io;

    ImplsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Map<String, ImplementationProvider> all = Implementations.all();
        int w = all.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (ImplementationProvider p : all.values())
            io.out().println(p.name() + " ".repeat(w - p.name().length()) + "  " + p.description());
        return ExitCode.CONFORMANT;
    }
}
