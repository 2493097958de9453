package dev.nestcheck.cli;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.Mode;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Platforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nestcheck explore}: the engine's exhaustive mode on the fixed small platform. */
@Command(name = "explore", header = "Exhaustively explore short sequences on a fixed small platform.",
        sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Explores every operation sequence up to --max-steps on a fixed platform (breadth-first, each "
                + "random choice limited to 0..--max-value, states reached twice pruned), so the first counterexample "
                + "found has minimal length. Small bounds reach only part of what `check` draws: the output says "
                + "which bounds it covered, and an exploration that stopped early is inconclusive, not conformant.",
                "Exit codes: 0 no counterexample, 1 counterexample, 2 usage or input error (or nothing ran), 3 crash or hang."})
final class ExploreCommand implements Callable<Integer> {
    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "4",
            description = "Longest operation sequence (before the closing steps). Default: ${DEFAULT-VALUE}.")
    int maxSteps;

    @Option(names = "--max-value", paramLabel = "V", defaultValue = "3",
            description = "Every draw is limited to 0..V. Default: ${DEFAULT-VALUE}.")
    long maxValue;

    @Option(names = "--max-deviations", paramLabel = "D", defaultValue = "2",
            description = "Per step, at most D draws take another value than their simplest (0: unbounded). Every "
                    + "single draw keeps all its alternatives (every operation kind, every argument class); the number "
                    + "of sequences grows polynomially with the draws of a step. Default: ${DEFAULT-VALUE}.")
    int maxDeviations;

    @Option(names = "--max-alternatives", paramLabel = "A", defaultValue = "0",
            description = "Enumerate at most A alternatives of each pick (operation kind, object, device; 0: all of "
                    + "them). Default: ${DEFAULT-VALUE}.")
    int maxAlternatives;

    @Option(names = "--policy", paramLabel = "P|all", defaultValue = "all", description = "Policies. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Mixin
    ImplementationOptions implementation = new ImplementationOptions();

    @Option(names = "--platform", paramLabel = "small|linux-8bit|linux-16bit|FILE", defaultValue = "small",
            description = "The fixed platform. Default: ${DEFAULT-VALUE}.")
    String platform;

    @Option(names = "--max-runs", paramLabel = "N", defaultValue = "1000000",
            description = "Stop (incomplete) after this many sequences per policy. Default: ${DEFAULT-VALUE}.")
    long maxRuns;

    @Option(names = "--time", paramLabel = "DURATION", description = "Stop (incomplete) after this long per policy.")
    Duration time;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", description = "Per-operation timeout. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--report", paramLabel = "DIR", description = "Write counterexample reports here (default: nestcheck-reports/<timestamp> on failure).")
    Path report;

    private final Io io;

    ExploreCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (maxSteps < 0) throw new UsageError("--max-steps must be >= 0, got " + maxSteps);
        if (maxValue < 0) throw new UsageError("--max-value must be >= 0, got " + maxValue);
        if (maxRuns < 1) throw new UsageError("--max-runs must be >= 1, got " + maxRuns);
        if (maxDeviations < 0) throw new UsageError("--max-deviations must be >= 0, got " + maxDeviations);
        if (maxAlternatives < 0) throw new UsageError("--max-alternatives must be >= 0, got " + maxAlternatives);
        ImplementationProvider provider = implementation.provider();
        List<Policy> policies = Args.policies(policy);
        Args.PlatformArg platformArg = Args.platform(platform);
        if (report != null) Runs.checkWritable(report);
        return implementation.withLoader(() -> explore(provider, policies, platformArg));
    }

    private int explore(ImplementationProvider provider, List<Policy> policies, Args.PlatformArg platformArg) {
        io.out().println("nestcheck explore: implementation " + provider.name() + ", policies "
                + Args.policiesText(policies) + ", platform " + platformArg.describe() + ", up to " + maxSteps
                + " steps, every draw 0.." + maxValue);
        io.out().println("bounds: sequences of at most " + maxSteps + " operations; "
                + (maxDeviations == 0 ? "" : "at most " + maxDeviations + " non-simplest draws per operation; ")
                + (maxAlternatives == 0 ? "every alternative of each pick; " : "the first " + maxAlternatives
                + " alternatives of each pick; ") + "integer draws limited to 0.." + maxValue
                + ", so IDs, flags and vSTE words that need a larger value are not reached");
        int worst = ExitCode.CONFORMANT;
        boolean anyIncomplete = false;
        Path reportDir = report;
        java.util.Map<Policy, dev.nestcheck.engine.Statistics> stats = new java.util.LinkedHashMap<>();
        for (Policy p : policies) {
            Platform fixed = platformArg.under(p);
            Settings settings = Settings.defaults().withSeed(0).withMode(Mode.EXHAUSTIVE).withMaxSteps(maxSteps)
                    .withMaxValuePerDraw(maxValue).withMaxRuns(maxRuns).withName("explore " + provider.name() + " " + p)
                    .withMaxPickAlternatives(maxAlternatives == 0 ? Integer.MAX_VALUE : maxAlternatives)
                    .withMaxDeviationsPerStep(maxDeviations == 0 ? Integer.MAX_VALUE : maxDeviations);
            if (time != null) settings = settings.withTimeBudget(time);
            Conformance.Result r = Runs.run(io, "explore " + p, TimeoutGuard.factory(provider::create, timeout), p,
                    fixed, null, settings, () -> "");
            RunResult run = r.run();
            stats.put(p, run.statistics());
            RunSummary.Status status = Runs.status(r);
            boolean complete = run.exhaustiveComplete();
            String verdict;
            if (status != RunSummary.Status.CONFORMANT) verdict = status.text();
            else if (run.validCases() == 0) verdict = "NOTHING RUN";
            else if (!complete) verdict = "INCOMPLETE";
            else verdict = "no counterexample";
            String end = run.failure().isPresent() ? "stopped at the first counterexample (of minimal length)"
                    : run.validCases() == 0 ? "no sequence ran: nothing was checked"
                    : complete ? "every sequence within the bounds ran"
                    : "stopped before its bound (--max-runs or --time): inconclusive";
            io.out().println(String.format(Locale.ROOT, "%-11s %-17s %,d states explored, %,d sequences run, %,d pruned, %,d steps, %s",
                    p.name(), verdict, run.statesExplored(), run.casesRun(), run.counters().pruned(), r.steps(), end));
            run.exhaustiveBounds().ifPresent(b -> io.out().println("            " + b.describe()));
            if (status == RunSummary.Status.CONFORMANT && (!complete || run.validCases() == 0)) {
                anyIncomplete = true;
                if (run.validCases() == 0) worst = Math.max(worst, ExitCode.USAGE);
            }
            if (status != RunSummary.Status.CONFORMANT) {
                io.out().println("            " + Runs.title(r));
                if (reportDir == null) reportDir = Runs.defaultReportDir();
                List<String> again = new java.util.ArrayList<>(List.of(Launcher.command(), "explore", "--impl",
                        provider.name(), "--policy", p.name(), "--platform", platformArg.replayText(), "--max-steps",
                        Integer.toString(maxSteps), "--max-value", Long.toString(maxValue)));
                if (implementation.classpathText() != null)
                    again.addAll(List.of("--classpath", implementation.classpathText()));
                CounterexampleReport.Origin origin = new CounterexampleReport.Origin(provider.name(), p,
                        platformArg.replayText(), null, run.failure().get().replayToken(), null)
                        .withClasspath(implementation.classpathText(), Launcher.command()).withCommand(again);
                io.out().println();
                Runs.present(io, r, origin, reportDir, provider::create, timeout);
                worst = Math.max(worst, status == RunSummary.Status.CRASH ? ExitCode.CRASH : ExitCode.COUNTEREXAMPLE);
            }
        }
        dev.nestcheck.report.RuleCoverage coverage = new dev.nestcheck.report.RuleCoverage(
                dev.nestcheck.report.RuleCatalogue.builtIn(), stats);
        io.out().println(coverage.line().replace("rules covered:", "rules reached within the bounds:"));
        if (worst == ExitCode.CONFORMANT)
            io.out().println(anyIncomplete ? "result: inconclusive: no counterexample, but not every sequence within the"
                    + " bounds ran" : "result: no counterexample within the bounds above (not a proof beyond them: "
                    + "`nestcheck check` draws larger values)");
        return worst;
    }
}
