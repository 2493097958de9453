package dev.nestcheck.cli;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.ReplayToken;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.tck.TraceReplay;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFiles;
import dev.nestcheck.trace.TraceFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code nestcheck replay}: replays trace files, folders of traces, or engine replay tokens. */
@Command(name = "replay", header = "Replay traces, folders of traces, or replay tokens.",
        sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Replays traces (files, or folders of *.json) step by step against the implementation and the "
                + "model, checking each step's expectation; or re-runs exactly the engine case of a replay token "
                + "(nc1....), which needs the --platform it was found with, if any (its policy is read from the token unless --policy is given). A malformed trace "
                + "is reported on stderr and the others still run.",
                "Exit codes: 0 all conform, 1 a trace or case fails, 2 usage or input error, 3 crash or hang."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TRACE.json|FOLDER|TOKEN|-",
            description = "Traces, folders of traces, replay tokens; - reads one trace from standard input.")
    List<String> targets;

    @Mixin
    ImplementationOptions implementation = new ImplementationOptions();

    @Option(names = "--policy", paramLabel = "P",
            description = "Policy of a replay token (read from the token when left out); for traces, replay under this policy instead of the trace's.")
    String policy;

    @Option(names = "--platform", paramLabel = "small|linux-8bit|linux-16bit|FILE",
            description = "Platform a replay token was found on, if `check` was given one (traces carry their own).")
    String platform;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Per-operation timeout (0 disables). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--report", paramLabel = "DIR", description = "Write the report of a failing replay token here.")
    Path report;

    private final Io io;

    ReplayCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Integer components = ExecRuns.replayComponentTraces(io, targets, implementation.impl, timeout);   // nestcheck-component-trace/1
        if (components != null) return components;
        ImplementationProvider provider = ExecRuns.provider(implementation, timeout);
        Integer unfit = ExecRuns.replayableOrSay(io, provider);
        if (unfit != null) return unfit;
        return implementation.withLoader(() -> replay(provider));
    }

    private int replay(ImplementationProvider provider) {
        if (report != null) Runs.checkWritable(report);
        Policy p = policy == null ? null : Args.policy(policy);
        List<String> tokens = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        boolean stdin = false;
        for (String t : targets) {
            if (t.startsWith("nc1.") && !Files.exists(Paths.get(t))) tokens.add(t);
            else if (t.equals(Stdin.NAME)) stdin = true;
            else if (t.matches("nc\\d+\\..*") && !Files.exists(Paths.get(t)))
                throw new UsageError(t.substring(0, Math.min(t.length(), 16)) + (t.length() > 16 ? "..." : "")
                        + ": not a replay token of this nestcheck, which reads nc1. tokens, nor a file");
            else paths.add(Paths.get(t));
        }
        for (String t : tokens) {
            try {
                ReplayToken.decode(t);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        if (!tokens.isEmpty() && p == null) {
            // a token names the policy it was found under (its identity): --policy may be left out
            java.util.Set<Policy> named = new java.util.HashSet<>();
            for (String t : tokens) named.add(dev.nestcheck.conformance.ConformanceProperty.policyOf(t).orElse(null));
            if (named.size() == 1 && !named.contains(null)) p = named.iterator().next();
        }
        if (!tokens.isEmpty() && p == null)
            throw new UsageError("a replay token needs --policy: the policy it was found with (the report's replay command has it)");
        if (platform != null && !paths.isEmpty() && tokens.isEmpty())
            throw new UsageError("--platform applies to replay tokens only: a trace carries its own platform");
        Args.PlatformArg platformArg = Args.platform(platform);
        // read every trace first; a missing or malformed one is an input error, reported like one,
        // and the others still run (as Unix tools do)
        List<String> unreadable = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path f : TraceFiles.expand(paths, e -> unreadable.add(e.getMessage()))) {
            // a report folder holds summary.json next to its traces: not a trace, unless named explicitly
            boolean summary = f.getFileName().toString().equals(RunSummary.JSON)
                    && Files.exists(f.resolveSibling(RunSummary.MARKDOWN)) && !paths.contains(f);
            if (!summary) files.add(f);
        }
        if (!paths.isEmpty() && files.isEmpty())
            throw new UsageError(unreadable.isEmpty()
                    ? "no trace files (*.json) in " + String.join(", ", paths.stream().map(Path::toString).toList())
                    : String.join("; ", unreadable));
        int worst = unreadable.isEmpty() ? ExitCode.CONFORMANT : ExitCode.USAGE;
        for (String u : unreadable) io.err().println("nestcheck: " + Main.oneLine(u));
        List<Trace> traces = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int malformed = unreadable.size();
        for (Path f : files) {
            try {
                traces.add(TraceCodec.read(f));
                names.add(f.toString());
            } catch (TraceFormatException e) {
                io.err().println("nestcheck: " + Main.oneLine(e.getMessage()));
                worst = ExitCode.USAGE;
                malformed++;
            }
        }
        if (stdin) {
            try {
                traces.add(Stdin.trace());
                names.add(Stdin.SOURCE);
            } catch (TraceFormatException e) {
                io.err().println("nestcheck: " + Main.oneLine(e.getMessage()));
                worst = ExitCode.USAGE;
                malformed++;
            }
        }

        Function<Platform, NestingImplementation> factory = provider::create;
        int passed = 0;
        for (int i = 0; i < traces.size(); i++) {
            TraceReplay.Result r = TraceReplay.replay(traces.get(i), names.get(i), factory, p,
                    ExecRuns.guard(provider, timeout));
            if (r.passed()) {
                passed++;
                io.out().println("ok      " + names.get(i) + " (" + Describe.count(traces.get(i).steps().size(), "step", "steps") + ")");
                continue;
            }
            if (r.status() == TraceReplay.Status.INVALID) {
                // the trace cannot be replayed as written: an input error, reported like one
                io.err().println("nestcheck: " + Main.oneLine(r.source() + ": " + r.message()));
                worst = Math.max(worst, ExitCode.USAGE);
                continue;
            }
            io.out().println((r.status() == TraceReplay.Status.CRASHED ? "CRASH   " : "FAILED  ") + r.source() + ": "
                    + dev.nestcheck.report.CounterexampleText.finding(r.message()));
            if (r.counterexample() != null) {
                io.out().println(Runs.indent(dev.nestcheck.report.CounterexampleText.steps(r.counterexample())));
                io.out().println();
            }
            worst = Math.max(worst, code(r.status()));
        }
        for (String t : tokens) worst = Math.max(worst, replayToken(t, provider, p, platformArg));
        int total = traces.size() + tokens.size();
        if (!traces.isEmpty() || malformed > 0)
            io.out().println("result: " + passed + " of " + (traces.size() + malformed) + " traces conform (implementation "
                    + provider.name() + ")" + (malformed == 0 ? "" : "; " + malformed + " could not be read (see stderr)"));
        return total == 0 ? ExitCode.USAGE : worst;
    }

    /**
     * Why a token does not replay under the given --policy and --platform, and how it would: its identity
     * names the policy and whether the platform was drawn or fixed (a fixed one only by its whole value).
     */
    static String notItsSettings(String token, Policy p, Args.PlatformArg platformArg) {
        String identity = ReplayToken.identity(token).orElse("");
        Policy found = dev.nestcheck.conformance.ConformanceProperty.policyOf(token).orElse(null);
        boolean drawn = identity.contains("random small platforms");
        String given = "policy " + p + (platformArg == null ? " on random small platforms" : " on platform " + platformArg.describe());
        if (found == null)
            return "replay token " + short_(token) + " was not made by nestcheck check or replay (its settings: \""
                    + identity + "\"), so it does not replay under " + given;
        String was = "policy " + found + (drawn ? " on random small platforms" : " on a --platform of its own");
        String how = "--policy " + found + (drawn ? " and no --platform" : " and the --platform of the run that found it"
                + " (the replay command of its report has it)");
        return "replay token " + short_(token) + " was found under " + was + ", not " + given + ": replay it with " + how;
    }

    private static String short_(String token) {
        return token.length() <= 16 ? token : token.substring(0, 12) + "...";
    }

    private static int code(TraceReplay.Status s) {
        switch (s) {
            case PASSED: return ExitCode.CONFORMANT;
            case CRASHED: return ExitCode.CRASH;
            case INVALID: return ExitCode.USAGE;
            default: return ExitCode.COUNTEREXAMPLE;
        }
    }

    private int replayToken(String token, ImplementationProvider provider, Policy p, Args.PlatformArg platformArg) {
        Platform fixed = platformArg == null ? null : platformArg.under(p);
        if (ReplayToken.mismatch(token, dev.nestcheck.conformance.ConformanceProperty.identity(p, fixed, null)).isPresent())
            throw new UsageError(notItsSettings(token, p, platformArg));
        io.out().println("replay " + token + ": implementation " + provider.name() + ", policy " + p + ", platform "
                + (platformArg == null ? "random small (from the token)" : platformArg.describe()));
        Settings settings = Settings.defaults().withSeed(0).withReplay(token)
                .withName("replay " + provider.name() + " " + p);
        Conformance.Result r = Runs.run(io, "replay " + p, TimeoutGuard.factory(provider::create, ExecRuns.guard(provider, timeout)), p, fixed,
                null, settings, () -> "");
        RunSummary.Status status = Runs.status(r);
        if (status == RunSummary.Status.CONFORMANT) {
            if (r.run().validCases() == 0) {
                io.out().println("  the token did not replay a complete case: was it found with this --policy and"
                        + " --platform? " + r.run().message());
                return ExitCode.USAGE;
            }
            io.out().println("  passes: no counterexample (" + r.steps() + " steps)");
            return ExitCode.CONFORMANT;
        }
        CounterexampleReport.Origin origin = new CounterexampleReport.Origin(provider.name(), p,
                platformArg == null ? null : platformArg.replayText(), null, token, null)
                .withClasspath(implementation.classpathText(), Launcher.command());
        String title = Runs.title(r);
        io.out().println("  " + title);   // present() leaves the title to the line above it, as check's row has it
        io.out().println();
        Runs.present(io, r, origin, report, provider::create, timeout);
        String result = status != RunSummary.Status.CRASH ? "counterexample"
                : "the implementation " + (Runs.hang(title) ? "hung" : "crashed");
        io.out().println("result: " + result + " (implementation " + provider.name() + ", policy " + p + ")");
        return status == RunSummary.Status.CRASH ? ExitCode.CRASH : ExitCode.COUNTEREXAMPLE;
    }
}
