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
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code nestcheck explore}: the engine's exhaustive mode on the fixed small platform. */
@Command(name = "explore", header = "Exhaustively explore short sequences on a fixed small platform.",
        sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Explores every operation sequence up to --max-steps on the fixed `small` platform",
                "(breadth-first, each draw limited to 0..--max-value, states reached twice pruned), so the",
                "first counterexample found has minimal length.",
                "Exit codes: 0 conformant, 1 counterexample, 2 usage or input error, 3 crash or hang."})
final class ExploreCommand implements Callable<Integer> {
    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "4",
            description = "Longest operation sequence (before the closing steps). Default: ${DEFAULT-VALUE}.")
    int maxSteps;

    @Option(names = "--max-value", paramLabel = "V", defaultValue = "3",
            description = "Every draw is limited to 0..V. Default: ${DEFAULT-VALUE}.")
    long maxValue;

    @Option(names = "--policy", paramLabel = "P|all", defaultValue = "all", description = "Policies. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--impl", paramLabel = "NAME", defaultValue = "optimized", description = "Default: ${DEFAULT-VALUE}.")
    String impl;

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
        ImplementationProvider provider = Args.implementation(impl);
        List<Policy> policies = Args.policies(policy);
        Args.PlatformArg platformArg = Args.platform(platform);
        io.out().println("nestcheck explore: implementation " + provider.name() + ", policies "
                + Args.policiesText(policies) + ", platform " + platformArg.describe() + ", up to " + maxSteps
                + " steps, draws 0.." + maxValue);
        int worst = ExitCode.CONFORMANT;
        Path reportDir = report;
        for (Policy p : policies) {
            Platform fixed = platformArg.under(p);
            Settings settings = Settings.defaults().withSeed(0).withMode(Mode.EXHAUSTIVE).withMaxSteps(maxSteps)
                    .withMaxValuePerDraw(maxValue).withMaxRuns(maxRuns).withName("explore " + provider.name() + " " + p);
            if (time != null) settings = settings.withTimeBudget(time);
            Conformance.Result r = Runs.run(io, "explore " + p, TimeoutGuard.factory(provider::create, timeout), p,
                    fixed, null, settings, () -> "");
            RunResult run = r.run();
            RunSummary.Status status = Runs.status(r);
            String end = run.failure().isPresent() ? "stopped at the first counterexample (of minimal length)"
                    : run.exhaustiveComplete() ? "complete" : "INCOMPLETE (run or time limit)";
            io.out().println(String.format(Locale.ROOT, "%-11s %-15s %,d states explored, %,d sequences run, %,d pruned, %,d steps, %s",
                    p.name(), status.text(), run.statesExplored(), run.casesRun(), run.counters().pruned(), r.steps(), end));
            if (status != RunSummary.Status.CONFORMANT) {
                io.out().println("            " + Runs.title(r));
                if (reportDir == null) reportDir = Runs.defaultReportDir();
                String again = "./nestcheck explore --impl " + provider.name() + " --policy " + p + " --platform "
                        + platformArg.text() + " --max-steps " + maxSteps + " --max-value " + maxValue;
                CounterexampleReport.Origin origin = new CounterexampleReport.Origin(provider.name(), p,
                        platformArg.text(), null, run.failure().get().replayToken(), null, again);
                io.out().println();
                Runs.present(io, r, origin, reportDir);
                worst = Math.max(worst, status == RunSummary.Status.CRASH ? ExitCode.CRASH : ExitCode.COUNTEREXAMPLE);
            }
        }
        return worst;
    }
}
