package dev.nestcheck.cli;

import dev.nestcheck.campaign.JunitXml;
import dev.nestcheck.campaign.Summaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nestcheck merge DIR...}: the shards of a campaign (or several runs) as one summary. */
@Command(name = "merge", header = "Merge the report folders of shards (check --shard I/N) into one summary.",
        sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Reads summary.json of each folder and writes one summary.md and summary.json with every",
                "counterexample (linked to its shard's report folder), cases and steps summed, coverage merged.",
                "The shards of one campaign must agree on implementation, seed, budget and platform, and all N",
                "must be there.",
                "Exit codes: 0 conformant, 1 counterexample, 2 usage error or incomplete campaign, 3 crash."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Report folders (or their summary.json).")
    List<Path> folders;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the merged summary. Default: nestcheck-reports/merged.")
    Path output;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write JUnit XML (one test case per policy or component).")
    Path junitXml;

    private final Io io;

    MergeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Path out = output != null ? output : Paths.get("nestcheck-reports", "merged");
        if (junitXml != null) Runs.checkWritableFile(junitXml);
        List<Summaries.Input> inputs = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();   // a shard that died before its summary: the others still merge
        for (Path f : folders) {
            try {
                inputs.add(Summaries.read(f));
            } catch (IllegalArgumentException e) {
                if (folders.size() == 1) throw e;
                unreadable.add(e.getMessage());
            }
        }
        if (inputs.isEmpty()) throw new IllegalArgumentException("merge: no summary in any of " + folders.size() + " folders ("
                + unreadable.get(0) + ")");
        Summaries.Merged m = Summaries.merge(inputs, out, unreadable);
        Summaries.write(out, m);
        if (junitXml != null) JunitXml.write(junitXml, m.summary(), out);
        io.out().println(String.format(java.util.Locale.ROOT, "merged %d summaries: %,d steps in %,d cases; result %s",
                inputs.size(), m.summary().path("steps").asLong(), m.summary().path("cases").asLong(), m.result()));
        io.out().println("report: " + out.resolve(Summaries.MARKDOWN));
        if (junitXml != null) io.out().println("junit: " + junitXml);
        for (String p : m.problems()) io.err().println("nestcheck: merge: " + p);
        if (!m.problems().isEmpty()) return ExitCode.USAGE;
        switch (m.result()) {
            case "not run":
                io.err().println("nestcheck: merge: no shard ran a case: nothing was checked");
                return ExitCode.USAGE;
            case "crash": return ExitCode.CRASH;
            case "counterexample": return ExitCode.COUNTEREXAMPLE;
            default: return ExitCode.CONFORMANT;
        }
    }
}
