package dev.nestcheck.cli;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Matrix;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.engine.Statistics;
import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.RuleCatalogue;
import dev.nestcheck.report.RuleCoverage;
import dev.nestcheck.report.RunSummary;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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

/** {@code nestcheck check}: the conformance check of an implementation, policy by policy. */
@Command(name = "check", header = "Check an implementation against the model, per policy (exit 0/1/2/3).",
        sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Checks an implementation against the reference model under each VMID policy: random",
                "operation sequences on small platforms, compared step by step; a failure is shrunk to a",
                "minimal counterexample and written as a report with a replayable trace.",
                "Exit codes: 0 conformant, 1 counterexample, 2 usage or input error, 3 crash or hang."})
final class CheckCommand implements Callable<Integer> {
    /** Cases per policy by default: about 30 steps each, so four policies run > 100,000 steps in seconds. */
    static final int DEFAULT_TRIES = 1000;

    @Option(names = "--impl", paramLabel = "NAME", defaultValue = "optimized",
            description = "Implementation to check (see `nestcheck impls`). Default: ${DEFAULT-VALUE}.")
    String impl;

    @Option(names = "--policy", paramLabel = "P|all", defaultValue = "all",
            description = "S2_PARENT, VIOMMU, ICTX, KVM_PINNED, a comma-separated list, or all. Default: ${DEFAULT-VALUE}.")
    String policy;

    @Option(names = "--platform", paramLabel = "small|linux-8bit|linux-16bit|FILE",
            description = "A fixed platform: a preset or a platform JSON file. Default: random small platforms drawn per case.")
    String platform;

    static final class Budget {
        @Option(names = "--tries", paramLabel = "N", description = "Test cases per policy. Default: " + DEFAULT_TRIES + ".")
        Integer tries;

        @Option(names = "--time", paramLabel = "DURATION", description = "Run for this long in total instead (e.g. 30s, 2m), split over the policies.")
        Duration time;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget = new Budget();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the search (printed when not given).")
    Long seed;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write summary.md, summary.json and a folder per counterexample here. Default: "
                    + "nestcheck-reports/<timestamp> when a counterexample is found.")
    Path report;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Per-operation timeout; a hang is a failure (exit 3). 0 disables the guard. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--shrink-time", paramLabel = "DURATION", defaultValue = "30s",
            description = {"Time limit for shrinking a counterexample (most take a few seconds; a hanging",
                    "implementation costs a timeout per attempt). Default: ${DEFAULT-VALUE}."})
    Duration shrinkTime;

    @Option(names = "--workers", paramLabel = "N",
            description = {"Policies checked at once, one thread each. Each policy keeps its own seed and cases, so",
                    "the result is the same for every N; only the time changes. Default: one per two cores (a",
                    "guarded policy keeps two threads busy: the harness and the timeout guard's worker), one per",
                    "core with --timeout 0, at most the number of policies."})
    Integer workers;

    @Option(names = "--no-matrix", description = {"Skip the policy x requirement matrix that follows a run of all",
            "policies (searched on the model, " + MatrixCommand.DEFAULT_TRIES + " tries per cell, same seed)."})
    boolean noMatrix;

    private final Io io;

    CheckCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        ImplementationProvider provider = Args.implementation(impl);
        List<Policy> policies = Args.policies(policy);
        Args.PlatformArg platformArg = Args.platform(platform);
        if (budget.tries != null && budget.tries < 1) throw new UsageError("--tries must be at least 1, got " + budget.tries);
        if (budget.time != null && (budget.time.isZero() || budget.time.isNegative()))
            throw new UsageError("--time must be positive");
        long s = seed != null ? seed : new SecureRandom().nextLong();
        int tries = budget.tries != null ? budget.tries : budget.time != null ? Integer.MAX_VALUE : DEFAULT_TRIES;
        Settings base = Settings.defaults().withSeed(s).withTries(tries).withShrinkMaxTime(shrinkTime);
        if (workers != null && workers < 1) throw new UsageError("--workers must be at least 1, got " + workers);
        int threads = Math.min(policies.size(), workers != null ? workers : defaultWorkers());
        // a time budget is the wall time of the whole run: each policy gets its share of the workers' time
        if (budget.time != null) base = base.withTimeBudget(budget.time.multipliedBy(threads).dividedBy(policies.size()));
        String budgetText = budget.time != null ? Args.duration(budget.time) + " in total" : tries + " tries per policy";
        String platformText = platformArg == null ? "random small platforms (drawn per case)" : platformArg.describe();
        String timeoutText = timeout.isZero() || timeout.isNegative() ? "none" : Args.duration(timeout);

        io.out().println("nestcheck check: implementation " + provider.name() + ", policies " + Args.policiesText(policies));
        io.out().println("platform: " + platformText + "; seed " + s + "; " + budgetText + "; timeout "
                + timeoutText + " per operation");
        io.out().println();

        RuleCatalogue catalogue = RuleCatalogue.builtIn();
        Map<Policy, Statistics> stats = new LinkedHashMap<>();
        RunSummary summary = new RunSummary("check", provider.name(), platformText, s, budgetText, timeoutText);
        List<Conformance.Result> failed = new ArrayList<>();
        Path reportDir = report;
        long start = System.nanoTime();
        List<Conformance.Result> results = runAll(provider, policies, platformArg, base, threads, catalogue);
        boolean stoppedAfterHang = false;
        for (int i = 0; i < policies.size(); i++) {
            Policy p = policies.get(i);
            Conformance.Result r = results.get(i);
            if (r == null) {
                io.out().println("stopping: the implementation hung; the remaining policies were not run");
                stoppedAfterHang = true;
                break;
            }
            stats.put(p, r.run().statistics());
            RunSummary.Status status = Runs.status(r);
            io.out().println(row(p, status, r));
            if (r.fanOut().unmaps() > 0) io.out().println("            " + r.fanOut().line()); // S2INV-2, per policy
            String folder = null;
            String token = null;
            if (status != RunSummary.Status.CONFORMANT) {
                failed.add(r);
                token = r.run().failure().get().replayToken();
                if (reportDir == null) reportDir = Runs.defaultReportDir();
                CounterexampleReport.Origin origin = new CounterexampleReport.Origin(provider.name(), p,
                        platformArg == null ? null : platformArg.text(), s, token, null);
                io.out().println();
                CounterexampleReport.Written w = Runs.present(io, r, origin, reportDir);
                if (w != null) folder = reportDir.relativize(w.folder()).toString();
            }
            summary.add(new RunSummary.PolicyRun(p, status, r.run().casesRun(), r.steps(), r.run().seed(),
                    r.run().elapsed(), status == RunSummary.Status.CONFORMANT ? null : Runs.title(r), token, folder));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        // the matrix after the conformance runs, outside their time: steps/s stays a conformance figure
        if (!noMatrix && !stoppedAfterHang && policies.size() == Policy.values().length) {
            io.out().println();
            io.out().println("policy x requirement matrix (searched on the model):");
            Matrix m;
            try (Progress p = new Progress(io, "matrix", null, () -> "searching "
                    + Policy.values().length * dev.nestcheck.conformance.Requirements.ALL.size() + " cells on the model")) {
                m = Matrix.compute(Settings.defaults().withSeed(s).withTries(MatrixCommand.DEFAULT_TRIES));
            }
            Map<Matrix.Cell, String> links = reportDir == null ? Map.of() : MatrixCommand.writeCells(m, reportDir, "matrix/");
            MatrixCommand.print(io, m, links);
            summary.matrix(m, links.isEmpty() ? null : links::get);
        }
        RuleCoverage coverage = new RuleCoverage(catalogue, stats);
        summary.coverage(coverage).elapsed(elapsed);

        io.out().println();
        io.out().println(coverage.line());
        io.out().println(String.format(Locale.ROOT, "time: %.1f s, %,.0f steps/s", elapsed.toMillis() / 1000.0,
                summary.stepsPerSecond()));
        if (reportDir != null) {
            summary.write(reportDir);
            io.out().println("report: " + reportDir + "/" + RunSummary.MARKDOWN);
        }
        String totals = String.format(Locale.ROOT, "%,d steps in %,d cases", summary.steps(), summary.cases());
        switch (summary.result()) {
            case "crash":
                io.out().println("result: the implementation " + (failed.stream().anyMatch(Runs::hung) ? "hung" : "crashed")
                        + " (" + totals + (stoppedAfterHang ? ", stopped early" : "") + ")");
                return ExitCode.CRASH;
            case "counterexample":
                io.out().println("result: counterexample found under " + failed.size() + " of " + summary.runs().size()
                        + " policies (" + totals + ")");
                return ExitCode.COUNTEREXAMPLE;
            default:
                io.out().println("result: conformant, " + totals + ", no counterexample");
                return ExitCode.CONFORMANT;
        }
    }

    private int defaultWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean guarded = !(timeout.isZero() || timeout.isNegative());
        return Math.max(1, guarded ? cores / 2 : cores);
    }

    /**
     * Runs the policies on {@code threads} daemon threads (a hung implementation must not keep the
     * JVM alive), each with its own guarded factory (a guard's worker thread serves one run), and
     * returns the results in policy order. After a hang, policies not yet started are not run: their
     * result is null.
     */
    private List<Conformance.Result> runAll(ImplementationProvider provider, List<Policy> policies,
                                            Args.PlatformArg platformArg, Settings base, int threads,
                                            RuleCatalogue catalogue) {
        List<ConformanceProperty> properties = new ArrayList<>();
        for (Policy p : policies) {
            Platform fixed = platformArg == null ? null : platformArg.under(p);
            properties.add(new ConformanceProperty(TimeoutGuard.factory(provider::create, timeout), p, fixed, null,
                    ConformanceProperty.DEFAULT_MAX_STEPS));
        }
        Map<Policy, Statistics> done = Collections.synchronizedMap(new EnumMap<>(Policy.class));
        AtomicBoolean hung = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nestcheck-check");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = new Progress(io, "checking " + Args.policiesText(policies),
                () -> properties.stream().mapToLong(ConformanceProperty::stepsExecuted).sum(),
                () -> done.size() + "/" + policies.size() + " policies done" + (done.isEmpty() ? ""
                        : ", rules covered so far: " + new RuleCoverage(catalogue, copy(done)).covered().size()))) {
            List<Future<Conformance.Result>> futures = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                ConformanceProperty property = properties.get(i);
                Settings settings = base.withName("check " + provider.name() + " " + p);
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
        }
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

    private static String row(Policy p, RunSummary.Status status, Conformance.Result r) {
        String what = status == RunSummary.Status.CONFORMANT
                ? String.format(Locale.ROOT, "%,d cases, %,d steps", r.run().casesRun(), r.steps())
                : "after " + r.run().failure().get().casesBeforeFailure() + " cases: " + Runs.title(r);
        return String.format(Locale.ROOT, "%-11s %-15s %s", p.name(), status.text(), what);
    }
}
