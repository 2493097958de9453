package dev.nestcheck.cli;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.Matrix;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nestcheck matrix}: which policy meets which REQ requirement, searched on the model. */
@Command(name = "matrix", header = "Which policy meets which REQ requirement (searched on the model).",
        sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Searches the reference model for a violation of each REQ requirement under each policy and "
                + "prints the policy x requirement matrix; a violated cell has a minimal counterexample.",
                "A violation is an answer, not a failure: exit code 0 (2 on usage errors)."})
final class MatrixCommand implements Callable<Integer> {
    static final int DEFAULT_TRIES = 200;

    @Option(names = "--tries", paramLabel = "N", defaultValue = "" + DEFAULT_TRIES,
            description = "Test cases per cell at most. Default: ${DEFAULT-VALUE}.")
    int tries;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the search (printed when not given).")
    Long seed;

    @Option(names = "--report", paramLabel = "DIR", description = "Write summary.md, summary.json and a folder per violated cell here.")
    Path report;

    private final Io io;

    MatrixCommand(Io io) {
        this.io = io;
    }

    /** Writes each violated cell's counterexample under {@code dir/prefix}; returns each one's link, relative to dir. */
    static Map<Matrix.Cell, String> writeCells(Matrix m, Path dir, String prefix) {
        Map<Matrix.Cell, String> links = new HashMap<>();
        for (Matrix.Cell c : m.cells()) {
            if (c.holds()) continue;
            String name = c.policy() + "-" + c.requirement();
            CounterexampleReport.Origin origin = new CounterexampleReport.Origin(Implementations.MODEL, c.policy(),
                    null, c.seed(), c.replayToken(), c.requirement()).withClasspath(null, Launcher.command());
            CounterexampleReport.write(dir.resolve(prefix + name), name.replace('-', '_'), c.counterexample().get(), origin);
            links.put(c, prefix + name + "/" + CounterexampleReport.MARKDOWN);
        }
        return links;
    }

    /** The matrix as a table, then the first finding of each violated cell. */
    static void print(Io io, Matrix m, Map<Matrix.Cell, String> links) {
        io.out().println(m.toMarkdown(links.isEmpty() ? null : links::get));
        for (Matrix.Cell c : m.cells()) {
            if (c.holds()) continue;
            io.out().println(c.policy() + " x " + c.requirement() + ": " + c.counterexample().get().findings().get(0));
        }
    }

    @Override
    public Integer call() {
        if (tries < 1) throw new UsageError("--tries must be at least 1, got " + tries);
        if (report != null) Runs.checkWritable(report);
        long s = seed != null ? seed : new SecureRandom().nextLong();
        io.out().println("nestcheck matrix: requirements searched on the reference model; seed " + s + "; up to "
                + tries + " tries per cell");
        io.out().println();
        long start = System.nanoTime();
        Matrix m;
        try (Progress p = new Progress(io, "matrix", null, () -> "searching 16 cells on the model")) {
            m = Matrix.compute(Settings.defaults().withSeed(s).withTries(tries));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Map<Matrix.Cell, String> links = report == null ? Map.of() : writeCells(m, report, "");
        print(io, m, links);
        io.out().println();
        io.out().println(String.format(Locale.ROOT, "time: %.1f s", elapsed.toMillis() / 1000.0));
        if (report != null) {
            RunSummary summary = new RunSummary("matrix", Implementations.MODEL, "random small platforms (drawn per case)",
                    s, tries + " tries per cell", "none").matrix(m, links.isEmpty() ? null : links::get).elapsed(elapsed);
            summary.write(report);
            io.out().println("report: " + report + "/" + RunSummary.MARKDOWN);
        }
        return ExitCode.CONFORMANT;
    }
}
