package dev.nestcheck.concurrency.cli;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.kvm.GenerationalAllocatorAdapter;
import dev.nestcheck.concurrency.kvm.KvmConcurrency;
import dev.nestcheck.concurrency.kvm.KvmReports;
import dev.nestcheck.concurrency.nesting.NestingConcurrency;
import dev.nestcheck.concurrency.nesting.NestingReports;
import dev.nestcheck.concurrency.report.ConcurrencyReport;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.extension.ConcurrentCheck;
import dev.nestcheck.report.Layout;
import dev.nestcheck.spec.Policy;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code nestcheck check --concurrent}: for the bundled implementation, the KVM allocator's own search
 * first (model checking, 2 CPUs); then, for an implementation that declares itself thread-safe, the
 * whole-implementation property per policy in the chosen mode. Every row says which mode ran.
 * {@code -Dnestcheck.replay=TOKEN} (through NESTCHECK_JAVA_OPTS) replays one scenario.
 */
public final class ConcurrentCheckCommand implements ConcurrentCheck {
    @Override
    public int run(Request r, PrintWriter out) {
        return run(r, out, new PrintWriter(System.err, true));
    }

    @Override
    public int run(Request r, PrintWriter out, PrintWriter err) {
        String name = r.provider().name();
        NestingConcurrency.Mode mode = r.mode().equals("stress") ? NestingConcurrency.Mode.STRESS : NestingConcurrency.Mode.MODEL_CHECKING;
        boolean bundled = name.equals("optimized");
        if (!r.provider().threadSafe() && !bundled)
            throw new IllegalArgumentException("implementation " + name + " does not declare itself thread-safe"
                    + " (ImplementationProvider.threadSafe() is false): it is checked sequentially only");
        out.println("nestcheck check --concurrent: implementation " + name + ", seed " + r.seed());
        Path reportDir = r.reportDir();
        long start = System.nanoTime();
        // Ctrl-C or SIGTERM while a scenario is shrunk (model checking can take minutes) keeps it
        Map<String, String> failing = new ConcurrentHashMap<>();   // what -> replay command, while its run is not done
        Thread keep = new Thread(() -> keepFailingScenarios(r, failing, err), "nestcheck-concurrent-interrupted");
        Runtime.getRuntime().addShutdownHook(keep);
        try {
            return run(r, out, err, name, mode, bundled, reportDir, start, failing);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(keep);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it keeps what was found
            }
        }
    }

    private int run(Request r, PrintWriter out, PrintWriter err, String name, NestingConcurrency.Mode mode, boolean bundled,
                    Path reportDir, long start, Map<String, String> failing) {
        int failures = 0;
        if (bundled) {
            say(err, "the KVM allocator, model checking...");
            Settings s = settings(KvmConcurrency.settings("kvm allocator of " + name, r.seed()), r)
                    .withFailureWatch((before, token, shrunk) -> found(err, "the KVM allocator", before, shrunk,
                            () -> failing.put("the KVM allocator", replay(token, r, "S2_PARENT"))));
            RunResult run = KvmConcurrency.run(GenerationalAllocatorAdapter::new, 2, KvmConcurrency.DEFAULT_INVOCATIONS, s);
            failing.remove("the KVM allocator");
            out.println(row("KVM allocator", "model checking (Lincheck), " + KvmConcurrency.DEFAULT_INVOCATIONS + " interleavings per scenario", run));
            if (run.failure().isPresent()) {
                failures++;
                reportDir = reportDir == null ? defaultDir() : reportDir;
                Failure f = run.failure().get();
                ConcurrencyReport.Written w = ConcurrencyReport.write(reportDir, KvmReports.input("kvm_allocator_" + name,
                        "the KVM VMID allocator of " + name, f, KvmConcurrency.DEFAULT_INVOCATIONS,
                        replay(f.replayToken(), r, "S2_PARENT"), "GenerationalAllocatorAdapter::new"));
                printFailure(out, f, w, replay(f.replayToken(), r, "S2_PARENT"));
            }
        }
        if (r.provider().threadSafe()) {
            for (Policy p : r.policies()) {
                say(err, p + ", " + (mode == NestingConcurrency.Mode.STRESS ? "stress" : "model checking") + "...");
                Settings s = settings(NestingConcurrency.settings("concurrent " + name + " " + p, r.seed()), r)
                        .withFailureWatch((before, token, shrunk) -> found(err, p.name(), before, shrunk,
                                () -> failing.put(p.name(), replay(token, r, p.name()))));
                RunResult run = NestingConcurrency.run(r.provider()::create, p, mode, s);
                failing.remove(p.name());
                out.println(row(p.name(), mode.describe(), run));
                if (run.failure().isPresent()) {
                    failures++;
                    reportDir = reportDir == null ? defaultDir() : reportDir;
                    Failure f = run.failure().get();
                    ConcurrencyReport.Written w = ConcurrencyReport.write(reportDir, NestingReports.input(
                            "concurrent_" + name + "_" + p, "implementation " + name + " under " + p, f, mode, replay(f.replayToken(), r, p.name())));
                    printFailure(out, f, w, replay(f.replayToken(), r, p.name()));
                }
            }
        } else {
            out.println(name + " does not declare itself thread-safe: the whole-implementation check is skipped");
        }
        out.println(String.format(Locale.ROOT, "time: %.1f s", (System.nanoTime() - start) / 1e9));
        if (failures == 0) {
            out.println("result: linearizable, no counterexample");
            return 0;
        }
        out.println("result: " + failures + " concurrency counterexample" + (failures == 1 ? "" : "s"));
        return 1;
    }

    /**
     * Progress on stderr (a run can take minutes with nothing else to show): what starts, and when a
     * failing scenario is found and shrinking begins. Results go to stdout, as rows.
     */
    private static void say(PrintWriter err, String what) {
        err.println("nestcheck: checking " + what);
        err.flush();
    }

    /** Keeps the failing scenario for the interrupt hook; says so once, when the search finds it. */
    private static void found(PrintWriter err, String what, long casesBefore, boolean shrinking, Runnable keep) {
        keep.run();
        if (!shrinking) say(err, what + ": scenario " + (casesBefore + 1) + " fails; shrinking it (Ctrl-C keeps it as it is)");
    }

    /**
     * On Ctrl-C or SIGTERM: the failing scenario of a run still shrinking would be lost, so its replay
     * command goes to stderr and to {@code interrupted.md} in the report folder.
     */
    static void keepFailingScenarios(Request r, Map<String, String> failing, PrintWriter err) {
        if (failing.isEmpty()) return;
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(failing).forEach((what, replay) ->
                b.append(what).append(": a failing scenario, not minimal yet; replay it with\n  ").append(replay).append('\n'));
        dev.nestcheck.report.Interrupted.keep(err, "nestcheck check --concurrent", r.seed(), "", "scenarios", b.toString(),
                r.reportDir() != null ? r.reportDir() : defaultDir());
    }

    private static Settings settings(Settings base, Request r) {
        Settings s = base;
        if (r.tries() != null) s = s.withTries(r.tries());
        if (r.time() != null) s = s.withTimeBudget(r.time()).withTries(r.tries() != null ? r.tries() : Integer.MAX_VALUE);
        return s.withSystemOverrides();
    }

    private static String row(String what, String mode, RunResult run) {
        String status = run.passed() ? "linearizable" : run.failure().isPresent() ? "counterexample" : "incomplete";   // as check's rows
        String detail = run.failure().map(f -> "after " + Describe.count(f.casesBeforeFailure(), "scenario", "scenarios") + ": "
                + ((ConcurrencyFailure) f.throwable()).finding().summary()).orElse(Describe.count(run.casesRun(), "scenario", "scenarios"));
        return String.format(Locale.ROOT, "%-13s %-14s %s [%s]", what, status, detail, mode);
    }

    private static void printFailure(PrintWriter out, Failure f, ConcurrencyReport.Written w, String replay) {
        Finding finding = ((ConcurrencyFailure) f.throwable()).finding();
        out.println();
        out.println("  " + finding.summary());
        f.notes().forEach(n -> out.println("  " + n));
        out.println("  replay token: " + f.replayToken());
        out.println("  replay: " + replay);
        out.println("  report: " + w.markdown());
        out.println();
    }

    /** The command that replays one scenario: the check again, in the same mode, with its class path. */
    static String replay(String token, Request r, String policy) {
        List<String> words = new ArrayList<>(r.again());
        words.addAll(List.of("--policy", policy));
        return "NESTCHECK_JAVA_OPTS=-Dnestcheck.replay=" + token + " " + Layout.commandLine(words);
    }

    private static Path defaultDir() {
        return Path.of("nestcheck-reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
