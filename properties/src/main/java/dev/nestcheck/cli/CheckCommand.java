package dev.nestcheck.cli;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.Matrix;
import dev.nestcheck.conformance.StepRecord;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.engine.Statistics;
import dev.nestcheck.report.Interrupted;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RuleCatalogue;
import dev.nestcheck.report.RuleCoverage;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.report.Versions;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.tck.NestingConformanceVerification;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code nestcheck check}: the conformance check of an implementation, policy by policy. The run
 * is in steps that each read as one method: {@link #plan} (every option checked, the report folder
 * included, before anything runs), {@link #runAll}, {@link #present}, the optional matrix, and
 * {@link #finish}. New options go to {@link Plan} and the step that uses them.
 */
@Command(name = "check", header = "Check an implementation against the model, per policy (exit 0/1/2/3).",
        sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Checks an implementation against the reference model under each VMID policy: random "
                + "operation sequences on small platforms, compared step by step. A failure is shrunk to a minimal "
                + "counterexample and written as a report folder with a replayable trace.",
                "Exit codes: 0 conformant, 1 counterexample, 2 usage or input error, 3 crash or hang."})
final class CheckCommand implements Callable<Integer> {
    /** Cases per policy by default (the TCK's too): about 30 steps each, > 100,000 steps in seconds. */
    static final int DEFAULT_TRIES = NestingConformanceVerification.DEFAULT_TRIES;

    @Mixin
    ImplementationOptions implementation = new ImplementationOptions();

    @Option(names = "--policy", paramLabel = "P|all", defaultValue = "all",
            description = "S2_PARENT, VIOMMU, ICTX, KVM_PINNED, a comma-separated list, or all. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--platform", paramLabel = "NAME|FILE",
            description = "A fixed platform: small, linux-8bit, linux-16bit, or a platform JSON file (its policy, if "
                    + "any, is ignored). Default: random small platforms drawn per case.")
    String platform;

    static final class Budget {
        @Option(names = "--tries", paramLabel = "N", description = "Test cases per policy. Default: " + DEFAULT_TRIES + ".")
        Integer tries;

        @Option(names = "--time", paramLabel = "DURATION",
                description = "Search for this long in total instead (e.g. 30s, 2m), split over the policies; shrinking a "
                        + "counterexample comes on top (at most --shrink-time).")
        Duration time;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget = new Budget();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the search (printed when not given).")
    Long seed;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write summary.md, summary.json and a folder per counterexample here (checked before the "
                    + "run). Default: nestcheck-reports/<timestamp> when a counterexample is found.")
    Path report;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Per-operation timeout; a hang is a failure (exit 3). 0 disables the guard. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--shrink-attempts", paramLabel = "N", defaultValue = "10000",
            description = "Runs spent shrinking a counterexample, at most: the budget, the same on every machine and "
                    + "load. Default: ${DEFAULT-VALUE}.")
    int shrinkAttempts;

    @Option(names = "--shrink-time", paramLabel = "DURATION", defaultValue = "2m",
            description = "Wall-clock safety net for shrinking (most counterexamples take well under a second; an "
                    + "attempt that hangs costs the timeout). Says so when it stops shrinking, as the result then "
                    + "depends on the machine's speed and load. Default: ${DEFAULT-VALUE}.")
    Duration shrinkTime;

    @Option(names = "--workers", paramLabel = "N",
            description = "Policies checked at once, one thread each. Each policy keeps its own seed and cases, so the "
                    + "result is the same for every N; only the time changes. Default: one per core, at most the "
                    + "number of policies.")
    Integer workers;

    @Option(names = "--matrix", negatable = true,
            description = "After a run of all policies, search the policy x requirement matrix on the model ("
                    + MatrixCommand.DEFAULT_TRIES + " tries per cell, same seed; a few seconds). Default: on for "
                    + "the bundled implementations, off for yours (it does not depend on the implementation).")
    Boolean matrix;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run shard I of N (1 <= I <= N; Kubernetes' 0-based JOB_COMPLETION_INDEX needs +1): the shards "
                    + "of one seed run the cases of the unsharded run between them. Writes the report folder (nestcheck "
                    + "merge combines them); the matrix runs on shard 1 only.")
    String shard;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write the result as JUnit XML (one test case per policy).")
    Path junitXml;

    @Option(names = "--statistics", description = "Also print what the cases covered (as Hypothesis's --hypothesis-show-statistics "
            + "does): cases per rule and policy, and per policy the operations, errnos and state features of its cases.")
    boolean statistics;

    @Option(names = "--concurrent", arity = "0..1", fallbackValue = "model", paramLabel = "model|stress",
            description = {"Check concurrently instead: engine-drawn scenarios (a prefix and two parallel branches),",
                    "linearizability against the model, by model checking (Lincheck) or stress runs. Needs the",
                    "concurrency module, which ./nestcheck adds. Uses --impl, --policy, --seed, --tries, --time, --report."})
    String concurrent;

    private final Io io;

    CheckCommand(Io io) {
        this.io = io;
    }

    /** Everything the options say, checked. */
    record Plan(ImplementationProvider provider, List<Policy> policies, Args.PlatformArg platform, long seed, int tries,
                Settings base, int threads, Path reportDir, boolean reportGiven, boolean matrix, String budgetText,
                String platformText, String timeoutText, dev.nestcheck.campaign.Shard shard) {
    }

    @Override
    public Integer call() {
        Integer components = ExecRuns.componentCheck(io, this);   // an exec: child of components only
        if (components != null) return components;
        Plan plan = plan();
        if (concurrent != null) {   // the concurrency module, found on the class path (./nestcheck adds it)
            List<String> again = new ArrayList<>(List.of(Launcher.command(), "check", "--concurrent=" + concurrent,
                    "--impl", plan.provider().name()));
            if (implementation.classpathText() != null) again.addAll(List.of("--classpath", implementation.classpathText()));
            return implementation.withLoader(() -> dev.nestcheck.extension.ConcurrentChecks.run(
                    new dev.nestcheck.extension.ConcurrentCheck.Request(plan.provider(), plan.policies(), plan.seed(),
                            budget.tries, budget.time, report, concurrent, again), io.out(), io.err()));
        }
        return implementation.withLoader(() -> run(plan));
    }

    Plan plan() {
        ImplementationProvider provider = ExecRuns.provider(implementation, timeout);
        dev.nestcheck.campaign.Shard sharded = shard == null ? null : ExecRuns.shard(shard);
        List<Policy> policies = Args.policies(policy);
        Args.PlatformArg platformArg = Args.platform(platform);
        if (budget.tries != null && budget.tries < 1) throw new UsageError("--tries must be at least 1, got " + budget.tries);
        if (budget.time != null && (budget.time.isZero() || budget.time.isNegative()))
            throw new UsageError("--time must be positive");
        if (workers != null && workers < 1) throw new UsageError("--workers must be at least 1, got " + workers);
        if (junitXml != null) Runs.checkWritableFile(junitXml);
        if (report != null) {
            Runs.checkWritable(report);
            Runs.replaceEarlierRun(io, report);
        }
        long s = seed != null ? seed : new SecureRandom().nextLong();
        int tries = budget.tries != null ? budget.tries : budget.time != null ? Integer.MAX_VALUE : DEFAULT_TRIES;
        if (shrinkAttempts < 0) throw new UsageError("--shrink-attempts must be at least 0, got " + shrinkAttempts);
        Settings base = Settings.defaults().withSeed(s).withTries(tries).withShrinkMaxAttempts(shrinkAttempts)
                .withShrinkMaxTime(shrinkTime);
        int threads = Math.min(policies.size(), workers != null ? workers : defaultWorkers());
        // a time budget is the wall time of the whole run: each policy gets its share of the workers' time
        if (budget.time != null) base = base.withTimeBudget(budget.time.multipliedBy(threads).dividedBy(policies.size()));
        if (sharded != null) base = base.withShard(sharded.index0(), sharded.count());
        boolean bundled = provider.name().equals(Implementations.OPTIMIZED) || provider.name().equals(Implementations.MODEL);
        boolean withMatrix = policies.size() == Policy.values().length && (matrix != null ? matrix : bundled)
                && (sharded == null || sharded.index() == 1);
        String budgetText = budget.time != null ? Args.duration(budget.time) + " in total"
                : tries + (tries == 1 ? " try" : " tries") + " per policy";
        String platformText = platformArg == null ? "random small platforms (drawn per case)" : platformArg.describe();
        String timeoutText = timeout.isZero() || timeout.isNegative() ? "none" : Args.duration(timeout);
        // a shard always writes its report folder: nestcheck merge reads the summaries
        Path reportDir = report != null || sharded == null ? report : Runs.defaultReportDir();
        return new Plan(provider, policies, platformArg, s, tries, base, threads, reportDir, report != null, withMatrix,
                budgetText, platformText, timeoutText, sharded);
    }

    private int run(Plan plan) {
        io.out().println("nestcheck check: implementation " + plan.provider().name() + ", policies "
                + Args.policiesText(plan.policies()) + " (" + Versions.line() + ")");
        io.out().println("platform: " + plan.platformText() + "; seed " + plan.seed() + "; " + plan.budgetText()
                + "; timeout " + plan.timeoutText() + " per operation" + (plan.shard() == null ? "" : "; shard " + plan.shard()));
        io.out().println();

        RuleCatalogue catalogue = RuleCatalogue.builtIn();
        long start = System.nanoTime();
        List<Conformance.Result> results = runAll(plan, catalogue);
        Duration checking = Duration.ofNanos(System.nanoTime() - start);
        RunSummary summary = new RunSummary("check", plan.provider().name(), plan.platformText(), plan.seed(),
                plan.budgetText(), plan.timeoutText());
        Map<Policy, Statistics> stats = new LinkedHashMap<>();
        Path reportDir = present(plan, results, summary, stats);
        boolean stoppedAfterHang = results.contains(null);

        Duration matrixTime = Duration.ZERO;
        if (plan.matrix() && !stoppedAfterHang) {
            long m0 = System.nanoTime();
            io.out().println();
            io.out().println("policy x requirement matrix (searched on the model; it does not depend on the implementation):");
            Matrix m;
            try (Progress p = new Progress(io, "matrix", null, () -> "searching 16 cells on the model")) {
                m = Matrix.compute(Settings.defaults().withSeed(plan.seed()).withTries(MatrixCommand.DEFAULT_TRIES));
            }
            // the model's own counterexamples go with a report only when one was asked for
            Map<Matrix.Cell, String> links = plan.reportGiven() ? MatrixCommand.writeCells(m, reportDir, "matrix/") : Map.of();
            MatrixCommand.print(io, m, links);
            summary.matrix(m, links.isEmpty() ? null : links::get);
            matrixTime = Duration.ofNanos(System.nanoTime() - m0);
        }
        RuleCoverage coverage = new RuleCoverage(catalogue, stats);
        summary.coverage(coverage).elapsed(checking).matrixTime(matrixTime);
        if (statistics) printStatistics(coverage, stats);
        return finish(plan, summary, coverage, reportDir, stoppedAfterHang, checking, matrixTime);
    }

    /**
     * Prints one row per policy and each counterexample once: a bug seen under several policies
     * (the same steps and findings) is shown and written once, and the other policies point to it.
     * Returns the report folder (created on the first counterexample when none was given).
     */
    private Path present(Plan plan, List<Conformance.Result> results, RunSummary summary, Map<Policy, Statistics> stats) {
        Path reportDir = plan.reportDir();
        Map<String, Policy> firstSeen = new LinkedHashMap<>();
        Map<Policy, String> folderOf = new EnumMap<>(Policy.class);
        for (int i = 0; i < plan.policies().size(); i++) {
            Policy p = plan.policies().get(i);
            Conformance.Result r = results.get(i);
            if (r == null) {
                List<Policy> rest = plan.policies().subList(i, plan.policies().size());
                io.out().println("stopping: the implementation hung; the remaining policies were not run ("
                        + Args.policiesText(rest) + ")");
                // in the summary too, so that a CI job reading it sees them: not run, not missing
                for (Policy q : rest)
                    summary.add(new RunSummary.PolicyRun(q, RunSummary.Status.NOT_RUN, 0, 0, plan.seed(), Duration.ZERO,
                            "not run: the implementation hung under an earlier policy", null, null));
                break;
            }
            stats.put(p, r.run().statistics());
            RunSummary.Status status = Runs.status(r);
            // nothing is called conformant unless cases ran (a --time budget spent before the first case)
            if (status == RunSummary.Status.CONFORMANT && r.run().casesRun() == 0) status = RunSummary.Status.NOT_RUN;
            String folder = null;
            String token = null;
            long toFailure = r.run().failure().map(f -> f.casesBeforeFailure()).orElse(-1L);
            if (status == RunSummary.Status.NOT_RUN) {
                io.out().println(row(p, status, NO_CASE));
            } else if (status == RunSummary.Status.CONFORMANT) {
                io.out().println(row(p, status, Describe.counted(r.run().casesRun(), "case", "cases")
                        + discarded(r.run())
                        + ", " + Describe.counted(r.steps(), "step", "steps")));
                if (r.fanOut().unmaps() > 0) io.out().println("            " + r.fanOut().line()); // S2INV-2, per policy
            } else {
                token = r.run().failure().get().replayToken();
                Counterexample cx = r.counterexample().orElse(null);
                String key = cx == null ? null : signature(cx);
                Policy same = key == null ? null : firstSeen.get(key);
                CounterexampleReport.Origin origin = new CounterexampleReport.Origin(plan.provider().name(), p,
                        plan.platform() == null ? null : plan.platform().replayText(), plan.seed(), token, null)
                        .withClasspath(implementation.classpathText(), Launcher.command());
                if (same != null) {
                    io.out().println(row(p, status, "at case " + toFailure + ": the same counterexample as " + same));
                    io.out().println("  replay: " + origin.replayCommand());
                    folder = folderOf.get(same);
                } else {
                    io.out().println(row(p, status, "at case " + toFailure + ": " + Runs.title(r)));
                    if (key != null) firstSeen.put(key, p);
                    if (reportDir == null) reportDir = Runs.defaultReportDir();
                    io.out().println();
                    Function<Platform, NestingImplementation> unguarded = plan.provider()::create;
                    CounterexampleReport.Written w = Runs.present(io, r, origin, reportDir, unguarded, timeout);
                    if (w != null) {
                        folder = reportDir.relativize(w.folder()).toString();
                        folderOf.put(p, folder);
                    }
                }
            }
            summary.add(new RunSummary.PolicyRun(p, status, r.run().casesRun(), r.steps(), r.run().seed(),
                    r.run().elapsed(), status == RunSummary.Status.CONFORMANT ? null
                    : status == RunSummary.Status.NOT_RUN ? "not run: " + NO_CASE : Runs.title(r), token, folder,
                    toFailure));
        }
        return reportDir;
    }

    /**
     * {@code --statistics}: the rule coverage table, then per policy the labels of its cases but the
     * rules (in the table) and the rule pairs (hundreds; their count is in the combination line).
     */
    private void printStatistics(RuleCoverage coverage, Map<Policy, Statistics> stats) {
        io.out().println();
        io.out().println("statistics: cases per rule and policy (\"every\": checked in every case; \"n/a\": not this policy's)");
        io.out().println(Runs.indent(coverage.table(true)));
        stats.forEach((p, s) -> {
            io.out().println(p + ": " + s.table(c -> !c.equals("rule") && !c.equals("exercised") && !c.equals("pair"))
                    .replace("Label statistics over", "labels of"));
        });
    }

    /**
     * What makes two counterexamples the same bug: their kind, steps and findings, without the
     * child's stderr (a child that logs its requests names the policy there).
     */
    static String signature(Counterexample cx) {
        StringBuilder b = new StringBuilder(cx.kind().name());
        for (StepRecord s : cx.steps()) b.append('|').append(Describe.op(s.op()));
        for (String f : cx.findings()) b.append("||").append(CHILD_STDERR.matcher(f).replaceAll(""));
        return b.toString();
    }

    /** The end of a child's crash message that quotes its stderr (Child.stderrNote). */
    private static final Pattern CHILD_STDERR = Pattern.compile("; (its stderr ends: .*|no stderr)$", Pattern.DOTALL);

    private int finish(Plan plan, RunSummary summary, RuleCoverage coverage, Path reportDir, boolean stoppedAfterHang,
                       Duration checking, Duration matrixTime) {
        io.out().println();
        io.out().println(coverage.line());
        String time = String.format(Locale.ROOT, "time: %.1f s checking, %,.0f steps/s", checking.toMillis() / 1000.0,
                summary.stepsPerSecond());
        if (!matrixTime.isZero())
            time += String.format(Locale.ROOT, "; matrix %.1f s; %.1f s in all", matrixTime.toMillis() / 1000.0,
                    checking.plus(matrixTime).toMillis() / 1000.0);
        io.out().println(time);
        Path dir = reportDir;
        if (dir != null && Runs.written(io, "summary", () -> {
            summary.write(dir);
            if (plan.shard() != null) plan.shard().annotate(dir.resolve(RunSummary.JSON));
        })) io.out().println("report: " + dir + "/" + RunSummary.MARKDOWN);
        if (junitXml != null && Runs.written(io, "JUnit XML", () ->
                dev.nestcheck.campaign.JunitXml.write(junitXml, dev.nestcheck.process.Json.object(summary.toJson()), dir)))
            io.out().println("junit: " + junitXml);
        long failedCount = summary.runs().stream()
                .filter(r -> r.status() == RunSummary.Status.COUNTEREXAMPLE || r.status() == RunSummary.Status.CRASH).count();
        // the search's cases; the steps count the shrinking's runs too
        String totals = Describe.counted(summary.steps(), "step", "steps") + " in " + Describe.counted(summary.cases(), "case", "cases")
                + (failedCount > 0 ? "; the steps include shrinking" : "");
        switch (summary.result()) {
            case "crash":
                io.out().println("result: the implementation " + (summary.runs().stream().anyMatch(r -> Runs.hang(r.title()))
                        ? "hung" : "crashed") + " (" + totals
                        + (stoppedAfterHang ? ", stopped early" : "") + ")");
                return ExitCode.CRASH;
            case "counterexample":
                io.out().println("result: counterexample found under " + failedCount + " of " + summary.runs().size()
                        + " policies (" + totals + ")");
                return ExitCode.COUNTEREXAMPLE;
            default:
                if (summary.cases() == 0) {
                    io.out().println("result: nothing was checked (no case ran)");
                    return ExitCode.USAGE;
                }
                List<String> idle = new ArrayList<>();
                for (RunSummary.PolicyRun run : summary.runs()) if (run.status() == RunSummary.Status.NOT_RUN) idle.add(run.policy().name());
                io.out().println("result: conformant, " + totals + ", no counterexample"
                        + (idle.isEmpty() ? "" : "; " + String.join(", ", idle) + " ran no case"));
                return ExitCode.CONFORMANT;
        }
    }

    /** One per core: a guarded run keeps one thread busy (its watchdog sleeps), as an unguarded one does. */
    private int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs the policies on {@code threads} daemon threads (a hung implementation must not keep the
     * JVM alive), each with its own guarded factory (a guard's worker thread serves one run), and
     * returns the results in policy order. After a hang, policies not yet started are not run: their
     * result is null.
     */
    private List<Conformance.Result> runAll(Plan plan, RuleCatalogue catalogue) {
        List<Policy> policies = plan.policies();
        List<ConformanceProperty> properties = new ArrayList<>();
        LongAdder cases = new LongAdder();
        for (Policy p : policies) {
            Platform fixed = plan.platform() == null ? null : plan.platform().under(p);
            properties.add(new ConformanceProperty(
                    TimeoutGuard.factory(Runs.counting(plan.provider()::create, cases),
                            ExecRuns.guard(plan.provider(), timeout)), p, fixed, null,
                    ConformanceProperty.DEFAULT_MAX_STEPS));
        }
        Map<Policy, Statistics> done = Collections.synchronizedMap(new EnumMap<>(Policy.class));
        AtomicBoolean hung = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(plan.threads(), r -> {
            Thread t = new Thread(r, "nestcheck-check");
            t.setDaemon(true);
            return t;
        });
        Map<Policy, Failing> failing = new java.util.concurrent.ConcurrentHashMap<>();
        Thread keepOnInterrupt = new Thread(() -> keepFailingCases(plan, failing, done, cases.sum()), "nestcheck-interrupted");
        Runtime.getRuntime().addShutdownHook(keepOnInterrupt);
        long maxCases = plan.tries() == Integer.MAX_VALUE ? 0 : (long) plan.tries() * policies.size();
        long maxNanos = budget.time == null ? 0 : budget.time.toNanos();
        Progress.Budget progressBudget = new Progress.Budget() {
            public long cases() { return cases.sum(); }
            public long maxCases() { return maxCases; }
            public long maxNanos() { return maxNanos; }
        };
        try (Progress progress = new Progress(io, "checking", 
                () -> properties.stream().mapToLong(ConformanceProperty::stepsExecuted).sum(), progressBudget,
                () -> done.size() + "/" + policies.size() + " policies" + shrinking(failing, done) + (done.isEmpty() ? ""
                        : ", rules covered " + new RuleCoverage(catalogue, copy(done)).covered().size()))) {
            List<Future<Conformance.Result>> futures = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                ConformanceProperty property = properties.get(i);
                Settings settings = plan.base().withName("check " + plan.provider().name() + " " + p)
                        .withFailureWatch((before, token, shrunk) -> failing.put(p, new Failing(before, token, shrunk)));
                futures.add(pool.submit(() -> {
                    if (hung.get()) return null;
                    Conformance.Result r = Conformance.run(property, settings);
                    if (Runs.hung(r)) hung.set(true);
                    done.put(p, r.run().statistics());
                    return r;
                }));
            }
            List<Conformance.Result> results = new ArrayList<>();
            for (Future<Conformance.Result> f : futures) results.add(await(f));
            return results;
        } finally {
            pool.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(keepOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran): it keeps what was found
            }
        }
    }

    /** Why a policy is "not run" when its run ended: a --time spent, or a shard's share of the tries empty. */
    private static final String NO_CASE = "no case ran within the budget";

    /**
     * Why a row shows more cases than tries: cases drawn invalid or past the choice limit are discarded and
     * drawn again (the engine's counters; a Hypothesis user knows them as "invalid" and "overrun").
     */
    private static String discarded(dev.nestcheck.engine.RunResult run) {
        long invalid = run.rejectedCases(), overruns = run.overruns();
        if (invalid + overruns == 0) return "";
        List<String> why = new ArrayList<>();
        if (invalid > 0) why.add(invalid + " drawn invalid");
        if (overruns > 0) why.add(overruns + " past the choice limit");
        return " (" + String.join(", ", why) + ": discarded, not counted as tries)";
    }

    /** A policy's failing case as its run last told it: the smallest so far, while the run is not done. */
    private record Failing(long casesBefore, String token, boolean shrunk) {
    }

    /** The progress line's word on policies whose counterexample is being shrunk. */
    private static String shrinking(Map<Policy, Failing> failing, Map<Policy, Statistics> done) {
        List<String> s = new ArrayList<>();
        failing.forEach((p, f) -> {
            if (!done.containsKey(p)) s.add(p + " (found at case " + f.casesBefore() + ")");
        });
        return s.isEmpty() ? "" : ", shrinking " + String.join(", ", s);
    }

    /**
     * On Ctrl-C or SIGTERM before the run ends: the failing cases found so far would be lost with
     * the shrinking that had not finished, so each one's replay command goes to stderr and to
     * {@code interrupted.md} in the report folder. A replay runs that case and prints it.
     */
    private void keepFailingCases(Plan plan, Map<Policy, Failing> failing, Map<Policy, Statistics> done, long casesSoFar) {
        StringBuilder b = new StringBuilder();
        for (Policy p : plan.policies()) {
            Failing f = failing.get(p);
            if (f == null || done.containsKey(p)) continue;
            CounterexampleReport.Origin origin = new CounterexampleReport.Origin(plan.provider().name(), p,
                    plan.platform() == null ? null : plan.platform().replayText(), plan.seed(), f.token(), null)
                    .withClasspath(implementation.classpathText(), Launcher.command());
            b.append(p).append(": a counterexample found at case ").append(f.casesBefore())
                    .append(f.shrunk() ? ", partly shrunk" : ", not shrunk yet").append("; replay it with\n  ")
                    .append(origin.replayCommand()).append("\n");
        }
        // with nothing failing a given report folder still gets the note; a failing case, the default one too
        Path dir = plan.reportDir() != null ? plan.reportDir() : b.length() == 0 ? null : Runs.defaultReportDir();
        Interrupted.keep(io.err(), "nestcheck check", plan.seed(), " after " + Describe.counted(casesSoFar, "case", "cases"),
                "cases", b.toString(), dir);
    }

    private static Map<Policy, Statistics> copy(Map<Policy, Statistics> synchronizedMap) {
        synchronized (synchronizedMap) {
            return new LinkedHashMap<>(synchronizedMap);
        }
    }

    private static Conformance.Result await(Future<Conformance.Result> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) throw (RuntimeException) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw new IllegalStateException(cause);
        }
    }

    private static String row(Policy p, RunSummary.Status status, String what) {
        return String.format(Locale.ROOT, "%-11s %-15s %s", p.name(), status.text(), what);
    }
}
