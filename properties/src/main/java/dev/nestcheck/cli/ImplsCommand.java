package dev.nestcheck.cli;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.ImplementationProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nestcheck impls}: the implementations registered through ServiceLoader. */
@Command(name = "impls", header = "List the registered implementations.",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Lists the implementations found on the class path and on --classpath "
                + "(META-INF/services/dev.nestcheck.spec.ImplementationProvider).")
final class ImplsCommand implements Callable<Integer> {
    @Option(names = {"--classpath", "-cp"}, paramLabel = "CP",
            description = "More jars and class folders to look in (':'-separated, or several options; DIR/* for every jar).")
    List<String> classpath = new ArrayList<>();

    private final Io io;

    ImplsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        ImplementationOptions options = new ImplementationOptions();
        options.classpath = classpath;
        Map<String, ImplementationProvider> all = options.entries().isEmpty() ? Implementations.all()
                : Implementations.all(options.loader());
        int w = all.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (ImplementationProvider p : all.values())
            io.out().println(p.name() + " ".repeat(w - p.name().length()) + "  " + p.description());
        return ExitCode.CONFORMANT;
    }
}
