package dev.nestcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.Json;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.CounterexampleText;
import dev.nestcheck.report.Layout;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.report.StackTraces;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Running the conformance property for one policy, and presenting what it found; shared by the commands. */
final class Runs {
    private Runs() {
    }

    /** Runs the conformance property with a progress line on a terminal. */
    static Conformance.Result run(Io io, String label, Function<Platform, NestingImplementation> factory, Policy policy,
                                  Platform fixed, String requirement, Settings settings, Supplier<String> extra) {
        ConformanceProperty property = new ConformanceProperty(factory, policy, fixed, requirement,
                ConformanceProperty.DEFAULT_MAX_STEPS);
        try (Progress p = new Progress(io, label, property::stepsExecuted, extra)) {
            return Conformance.run(property, settings);
        }
    }

    /** A factory that counts the implementations it creates: one per test case (and per shrinking attempt). */
    static Function<Platform, NestingImplementation> counting(Function<Platform, NestingImplementation> f, LongAdder n) {
        return p -> {
            n.increment();
            return f.apply(p);
        };
    }

    static RunSummary.Status status(Conformance.Result r) {
        if (r.run().failure().isEmpty()) return RunSummary.Status.CONFORMANT;
        return r.counterexample().map(cx -> cx.kind() == Counterexample.Kind.CRASH).orElse(false)
                ? RunSummary.Status.CRASH : RunSummary.Status.COUNTEREXAMPLE;
    }

    static boolean hung(Conformance.Result r) {
        return r.counterexample().map(CounterexampleText::hung).orElse(false);
    }

    /** One line for a failed run. */
    static String title(Conformance.Result r) {
        Failure f = r.run().failure().orElseThrow();
        return r.counterexample().map(CounterexampleText::title).orElseGet(() -> firstLine(String.valueOf(f.throwable())));
    }

    /** Whether a crash's title is a hang's ("The implementation hung in open for 2 s (step 1)."), for the result line. */
    static boolean hang(String title) {
        return title != null && title.contains(" hung ");
    }

    /** The default report folder: {@code nestcheck-reports/<yyyyMMdd-HHmmss>}. */
    static Path defaultReportDir() {
        return Paths.get("nestcheck-reports",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    }

    /**
     * Checks before a run that the report folder can be written (created if missing), so that an
     * unwritable --report is a usage error at once rather than a lost report at the end.
     */
    static void checkWritable(Path dir) {
        try {
            dev.nestcheck.report.AtomicFiles.probe(dir);
        } catch (IOException e) {
            throw new UsageError("cannot write reports to " + dir + ": " + dev.nestcheck.report.AtomicFiles.reason(e));
        } catch (UnsupportedOperationException | SecurityException e) {
            throw new UsageError("cannot write reports to " + dir + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /**
     * Writes a report file, or says in one line on stderr that it could not: a counterexample found
     * must still be shown, replayable and counted (exit code 1), when the default report folder turns
     * out not to be writable.
     */
    static boolean written(Io io, String what, Runnable write) {
        try {
            write.run();
            return true;
        } catch (java.io.UncheckedIOException e) {
            io.err().println("nestcheck: " + what + " not written: " + Main.oneLine(e.getMessage()));
            return false;
        }
    }

    /** A file to be written at the end of a run ({@code --junit-xml}): checked now, not after the run. */
    static void checkWritableFile(Path file) {
        try {
            dev.nestcheck.report.AtomicFiles.checkWritable(file);
        } catch (java.io.UncheckedIOException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * A {@code --report} folder that holds an earlier run's report: what that run wrote (its summary,
     * the report folders the summary names, an interrupted.md) is removed first, so that the folder
     * holds one run and its summary lists every report in it. Nothing else in the folder is touched.
     */
    static void replaceEarlierRun(Io io, Path dir) {
        Set<Path> earlier = new LinkedHashSet<>();
        Path json = dir.resolve(RunSummary.JSON);
        if (Files.isRegularFile(json)) {
            JsonNode summary;
            try {
                summary = Json.object(Files.readString(json));
            } catch (IOException | RuntimeException notOurs) {
                return;   // not a summary nestcheck wrote: leave the folder as it is
            }
            for (JsonNode report : summary.findValues("report")) {
                if (!report.isTextual()) continue;
                Path folder = dir.resolve(report.textValue()).normalize();
                if (folder.startsWith(dir.normalize()) && !folder.equals(dir.normalize())) earlier.add(folder);
            }
            earlier.add(json);
            earlier.add(dir.resolve(RunSummary.MARKDOWN));
        }
        earlier.add(dir.resolve(dev.nestcheck.report.Interrupted.FILE));
        boolean removed = false;
        for (Path p : earlier) removed |= deleteTree(p);
        Path matrix = dir.resolve("matrix");
        try {
            if (Files.isDirectory(matrix)) {
                try (Stream<Path> left = Files.list(matrix)) {
                    if (left.findAny().isEmpty()) Files.delete(matrix);
                }
            }
        } catch (IOException e) {
            // left as it is
        }
        if (removed) io.err().println("nestcheck: " + dir + " held an earlier run's report: replaced by this run's");
    }

    private static boolean deleteTree(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return false;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            return true;
        } catch (IOException | UncheckedIOException e) {
            throw new UsageError("cannot replace the earlier report in " + p + ": " + e.getMessage());
        }
    }

    /** The folder (and regression-test) name of a policy's counterexample. */
    static String name(Policy policy, Counterexample cx) {
        return policy.name() + "-" + cx.kind().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Prints a failed run: the counterexample text, indented, the seed and the replay command;
     * writes its report folder when {@code reportDir} is not null and returns it.
     *
     * @param factory the unguarded implementation, to take its stack trace after a crash or hang, or null
     */
    static CounterexampleReport.Written present(Io io, Conformance.Result r, CounterexampleReport.Origin origin,
                                                Path reportDir, Function<Platform, NestingImplementation> factory,
                                                Duration timeout) {
        Failure f = r.run().failure().orElseThrow();
        Counterexample cx = r.counterexample().orElse(null);
        if (cx == null) {
            // not a conformance failure: the engine's own report says what happened
            io.out().println(indent(stripTiming(f.report())));
            return null;
        }
        String text = CounterexampleText.text(cx);
        io.out().println(indent(text.substring(text.indexOf('\n') + 1)));   // the title is on the row already
        if (f.shrinkStats().end() == Failure.ShrinkEnd.TIME_LIMIT)   // the wall-clock safety net: says so, progress or not
            io.out().println("  note:   shrinking stopped at the wall-clock safety net (--shrink-time "
                    + Args.duration(r.run().settings().shrinkMaxTime()) + ") after " + f.shrinkStats().attempts()
                    + " of " + r.run().settings().shrinkMaxAttempts() + " attempts" + (f.shrinkStats().stillProgressing()
                    ? ", still making progress" : "") + ": how far it got depends on this machine's speed and load,"
                    + " and the sequence may not be minimal");
        else if (f.shrinkStats().budgetExhausted())
            io.out().println("  note:   shrinking stopped at its attempt limit (--shrink-attempts "
                    + r.run().settings().shrinkMaxAttempts() + ") while still making progress; the sequence may not be minimal");
        if (origin.seed() != null) io.out().println("  seed:   " + origin.seed());
        if (origin.command() == null) io.out().println("  token:  " + origin.replayToken());
        io.out().println("  replay: " + origin.replayCommand());
        CounterexampleReport.Written w = null;
        if (reportDir != null) {
            String stack = StackTraces.capture(cx, factory, timeout);
            CounterexampleReport.Written[] out = new CounterexampleReport.Written[1];
            if (!written(io, "report", () -> out[0] = CounterexampleReport.write(reportDir.resolve(name(origin.policy(), cx)),
                    name(origin.policy(), cx), cx, origin, stack))) {
                io.out().println();
                return null;
            }
            w = out[0];
            io.out().println("  report: " + w.folder() + "/ (" + CounterexampleReport.MARKDOWN + ", "
                    + CounterexampleReport.TRACE + ", " + dev.nestcheck.export.KselftestExport.REPRO + ", " + w.className() + ".java"
                    + (stack == null ? "" : ", " + CounterexampleReport.STACK_TRACE) + ")");
        }
        io.out().println();
        return w;
    }

    /** Drops the engine report's timing line, so that the output depends on the seed only. */
    static String stripTiming(String report) {
        StringBuilder b = new StringBuilder();
        for (String line : report.split("\n")) if (!line.startsWith("Time:")) b.append(line).append('\n');
        return b.toString();
    }

    static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.stripTrailing().split("\n")) b.append(line.isEmpty() ? "" : "  " + line).append('\n');
        return b.toString().stripTrailing();
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A replay command as printed on the console: one line, or several continued with a backslash. */
    static String command(java.util.List<String> argv) {
        return Layout.commandLine(argv);
    }
}
