package dev.nestcheck.cli;

import dev.nestcheck.report.RuleCatalogue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nestcheck rules}: the rule IDs of the catalogue with one-line titles. */
@Command(name = "rules", header = "List the rule IDs with one-line titles.",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Lists the rule IDs with one-line titles: from RULES.md when it is found next to the "
                + "repository (../shared/spec/RULES.md) or given with --file, else from the built-in copy.")
final class RulesCommand implements Callable<Integer> {
    @Option(names = "--file", paramLabel = "RULES.md", description = "Read the titles from this catalogue.")
    Path file;

    private final Io io;

    RulesCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        RuleCatalogue c;
        if (file != null) {
            c = RuleCatalogue.parse(file).orElseThrow(() -> new UsageError(file + ": no rules found (a readable RULES.md?)"));
        } else {
            c = RuleCatalogue.find(candidates());
        }
        int w = c.rules().stream().mapToInt(r -> r.id().length()).max().orElse(0);
        for (RuleCatalogue.Rule r : c.rules()) {
            io.out().println(r.id() + " ".repeat(w - r.id().length()) + "  " + r.title());
            if (!r.implemented()) io.out().println(" ".repeat(w + 2) + "[" + r.pending() + "]");
        }
        io.out().println();
        long absent = c.rules().stream().filter(RuleCatalogue.Rule::absent).count();
        long partly = c.rules().stream().filter(r -> !r.implemented() && !r.absent()).count();
        io.out().println(c.rules().size() + " rules" + (absent + partly == 0 ? "" : " (" + absent
                + " not implemented yet, " + partly + " implemented in their v1 form)") + "; source: " + c.source());
        return ExitCode.CONFORMANT;
    }

    /** ../shared/spec/RULES.md relative to the working folder and to the repository of the running jar. */
    static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        out.add(Paths.get("..", "shared", "spec", "RULES.md"));
        try {
            Path code = Paths.get(RulesCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // properties/target/nestcheck-cli.jar or properties/target/classes -> the repository root
            Path repo = code.getParent() == null ? null : code.getParent().getParent();
            if (repo != null) repo = repo.getParent();
            if (repo != null && repo.getParent() != null)
                out.add(repo.getParent().resolve("shared").resolve("spec").resolve("RULES.md"));
        } catch (URISyntaxException | RuntimeException ignored) {
            // no code source: the working folder is the only candidate
        }
        return out;
    }
}
