package dev.nestcheck.cli;

import dev.nestcheck.campaign.JunitXml;
import dev.nestcheck.campaign.Shard;
import dev.nestcheck.component.Component;
import dev.nestcheck.component.ComponentConformance;
import dev.nestcheck.component.ComponentCounterexample;
import dev.nestcheck.component.ComponentProperty;
import dev.nestcheck.component.ComponentReplay;
import dev.nestcheck.component.ComponentReport;
import dev.nestcheck.component.ComponentSummary;
import dev.nestcheck.component.ComponentTrace;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.Child;
import dev.nestcheck.process.ChildFailed;
import dev.nestcheck.process.ExecProvider;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.trace.TraceFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code check} and {@code replay} do for {@code exec:} implementations beyond a Java one:
 * the per-answer timeout goes to the child, and a child that implements only components
 * ({@code kvm}, {@code vste}, {@code inv}, docs/PROTOCOL.md) is checked component by component,
 * with component reports and component-trace replays.
 */
final class ExecRuns {
    private ExecRuns() {
    }

    /** {@code --impl NAME}: an exec: child gets the command's per-answer timeout; other names as before. */
    static ImplementationProvider provider(ImplementationOptions implementation, Duration timeout) {
        if (!ExecProvider.isExec(implementation.impl)) return implementation.provider();
        return execProvider(implementation.impl, timeout);
    }

    /** An exec: child with the command's per-answer timeout. */
    private static ExecProvider execProvider(String impl, Duration timeout) {
        try {
            return ExecProvider.of(impl).withTimeout(timeout);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * The timeout of the per-operation guard thread: none for an exec: child, whose every answer has
     * the timeout already (and whose start, a JVM say, may take longer than one operation may).
     */
    static Duration guard(ImplementationProvider provider, Duration timeout) {
        return provider instanceof ExecProvider ? Duration.ZERO : timeout;
    }

    /** The handshake of an exec: child, or a UsageError when it cannot run (exit 2); a misbehaving child is rethrown. */
    private static Child.Handshake handshake(ExecProvider p) {
        try {
            return p.handshake();
        } catch (ChildFailed e) {
            if (e.reason() == ChildFailed.Reason.START) throw new UsageError(e.getMessage());
            throw e;
        }
    }

    /** The child's handshake, or null after one line on stderr saying why it failed (exit code 3 follows). */
    private static Child.Handshake handshakeOrSay(Io io, ExecProvider provider) {
        try {
            return handshake(provider);
        } catch (ChildFailed e) {
            io.err().println("nestcheck: " + Main.oneLine("the implementation failed its handshake: " + e.getMessage()));
            return null;
        }
    }

    /**
     * Before traces or tokens replay against an exec: child: one handshake, so that a child that
     * cannot run (exit 2) or fails its handshake (exit 3) is one line, not one crash per trace.
     * Returns the exit code after such a line, or null when the child is fit to replay traces.
     */
    static Integer replayableOrSay(Io io, ImplementationProvider provider) {
        if (!(provider instanceof ExecProvider exec)) return null;
        Child.Handshake h = handshakeOrSay(io, exec);
        if (h == null) return ExitCode.CRASH;
        if (!h.implementsAll())
            throw new UsageError(exec.name() + " implements components " + h.components()
                    + " only: replay its component traces (component-trace.json), not traces of the whole contract");
        return null;
    }

    /**
     * {@code check} of a child that implements components only; null when the implementation is
     * not such a child (the caller then checks the whole contract).
     */
    /**
     * On Ctrl-C or SIGTERM during a component check: what was found so far would be lost with the
     * shrinking cut short, so the search that finds it again (the same seed: the same cases) goes to
     * stderr, and to {@code interrupted.md} in the report folder when there is one.
     */
    private static void keepFailingComponents(Io io, Map<String, Long> failing, String again, Path reportDir, long seed) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(failing).forEach((comp, at) -> b.append(comp).append(": a counterexample found at case ").append(at)
                .append(", not shrunk yet; the same search finds it again:\n  ").append(again).append('\n'));
        dev.nestcheck.report.Interrupted.keep(io.err(), "nestcheck check", seed, "", "cases", b.toString(), reportDir);
    }

    static Integer componentCheck(Io io, CheckCommand c) {
        if (!ExecProvider.isExec(c.implementation.impl)) return null;
        ExecProvider provider = execProvider(c.implementation.impl, c.timeout);
        Child.Handshake h = handshakeOrSay(io, provider);
        if (h == null) return ExitCode.CRASH;
        if (h.implementsAll()) return null;
        if (c.platform != null)
            throw new UsageError("--platform does not apply to " + c.implementation.impl + ": it implements components " + h.components()
                    + ", whose cases draw their own platforms");
        if (!c.policy.strip().equalsIgnoreCase("all"))
            throw new UsageError("--policy does not apply to " + c.implementation.impl + ": it implements components " + h.components()
                    + ", not the VMID policies");
        List<Component> components = ComponentConformance.declared(provider);
        Shard shard = c.shard == null ? null : shard(c.shard);
        long seed = c.seed != null ? c.seed : new SecureRandom().nextLong();
        int tries = c.budget.tries != null ? c.budget.tries : c.budget.time != null ? Integer.MAX_VALUE : CheckCommand.DEFAULT_TRIES;
        if (tries < 1) throw new UsageError("--tries must be at least 1, got " + tries);
        Settings base = Settings.defaults().withSeed(seed).withTries(tries).withShrinkMaxAttempts(c.shrinkAttempts)
                .withShrinkMaxTime(c.shrinkTime);
        if (c.budget.time != null) base = base.withTimeBudget(c.budget.time.dividedBy(components.size()));
        if (shard != null) base = base.withShard(shard.index0(), shard.count());
        String budgetText = c.budget.time != null ? Args.duration(c.budget.time) + " in total" : tries + " tries per component";
        String timeoutText = Args.duration(provider.timeout());
        io.out().println("nestcheck check: implementation " + c.implementation.impl + " (" + h.name() + "), components "
                + String.join(", ", h.components()));
        io.out().println("platform: drawn per case; seed " + seed + "; " + budgetText + "; timeout " + timeoutText
                + " per answer; requests pipelined per case" + (shard == null ? "" : "; shard " + shard));
        io.out().println();

        if (c.report != null) {
            Runs.checkWritable(c.report);
            Runs.replaceEarlierRun(io, c.report);
        }
        Path reportDir = c.report != null ? c.report : shard != null ? Runs.defaultReportDir() : null;
        ComponentSummary summary = new ComponentSummary(c.implementation.impl, seed, budgetText, timeoutText, shard == null ? null : shard.toString());
        long start = System.nanoTime();
        String worst = "conformant";
        int failed = 0;
        // Ctrl-C or SIGTERM while a counterexample is shrunk (a hang costs the timeout per attempt) keeps it
        Map<String, Long> failing = new java.util.concurrent.ConcurrentHashMap<>();   // component -> the case it was found at
        String again = Launcher.command() + " check --impl " + dev.nestcheck.report.Layout.quote(c.implementation.impl) + " --seed " + seed
                + (c.budget.tries != null ? " --tries " + tries : "") + (shard == null ? "" : " --shard " + shard)
                + " --timeout " + (provider.timeout().toMillis() % 1000 == 0 ? provider.timeout().toSeconds() + "s"
                        : provider.timeout().toMillis() + "ms");
        Path keepIn = reportDir;
        Thread keep = new Thread(() -> keepFailingComponents(io, failing, again, keepIn, seed), "nestcheck-interrupted");
        Runtime.getRuntime().addShutdownHook(keep);
        for (Component comp : components) {
            ComponentProperty property = new ComponentProperty(comp, ComponentProperty.exec(provider), true,
                    ComponentProperty.DEFAULT_MAX_STEPS);
            ComponentConformance.Result r;
            try (Progress p = new Progress(io, "checking " + comp.id(), property::stepsExecuted,
                    () -> failing.containsKey(comp.id()) ? "shrinking (found at case " + failing.get(comp.id()) + ")" : "")) {
                r = ComponentConformance.run(property, base.withName("check " + c.implementation.impl + " " + comp.id())
                        .withFailureWatch((before, token, shrunk) -> failing.putIfAbsent(comp.id(), before + 1)));
            }
            failing.remove(comp.id());
            ComponentCounterexample cx = r.counterexample().orElse(null);
            String result = r.passed() ? "conformant" : cx != null && cx.kind() == ComponentCounterexample.Kind.CRASH ? "crash"
                    : "counterexample";
            String title = null, token = null, folder = null;
            if (!r.passed()) {
                failed++;
                worst = worst(worst, result);
                title = cx != null ? cx.title() : Runs.firstLine(String.valueOf(r.run().failure().map(f -> f.throwable()).orElse(null)));
                token = r.run().failure().map(f -> f.replayToken()).orElse(null);
                io.out().println(String.format(Locale.ROOT, "%-11s %-15s after %s: %s", comp.id(), result,
                        Describe.count(r.run().failure().map(f -> f.casesBeforeFailure()).orElse(0L), "case", "cases"), title));
                io.out().println();
                if (cx != null) {
                    String text = cx.text();
                    io.out().println(Runs.indent(text.substring(text.indexOf('\n') + 1)));
                } else {
                    r.run().failure().ifPresent(f -> io.out().println(Runs.indent(Runs.stripTiming(f.report()))));
                }
                io.out().println("  seed:   " + seed);
                if (reportDir == null) reportDir = Runs.defaultReportDir();
                if (cx != null) {
                    Path dir = reportDir.resolve(comp.id() + "-" + cx.kind().name().toLowerCase(Locale.ROOT));
                    ComponentReport.Origin origin = new ComponentReport.Origin(provider.name(), seed, token, Launcher.command());
                    if (Runs.written(io, "report", () -> ComponentReport.write(dir, cx, origin))) {
                        folder = reportDir.relativize(dir).toString();
                        io.out().println("  replay: " + origin.replayCommand(dir.resolve(ComponentReport.TRACE)));
                        io.out().println("  report: " + dir + "/ (" + ComponentReport.MARKDOWN + ", " + ComponentReport.TRACE + ")");
                    } else {
                        io.out().println("  search: " + Launcher.command() + " check --impl " + dev.nestcheck.report.Layout.quote(provider.name())
                                + " --seed " + seed + "   (the same search, whose report could not be written)");
                    }
                }
                io.out().println();
            } else {
                io.out().println(String.format(Locale.ROOT, "%-11s %-15s %s, %s", comp.id(), result,
                        dev.nestcheck.conformance.Describe.counted(r.run().casesRun(), "case", "cases"),
                        dev.nestcheck.conformance.Describe.counted(r.steps(), "step", "steps")));
            }
            Map<String, Long> perRule = new TreeMap<>();
            for (String rule : r.run().statistics().values("rule")) perRule.put(rule, r.run().statistics().cases("rule", rule));
            summary.add(new ComponentSummary.Run(comp, result, r.run().casesRun(), r.steps(), r.run().seed(), r.run().elapsed(),
                    title, token, folder, perRule));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(keep);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs: it keeps what was found
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        summary.elapsed(elapsed);
        io.out().println();
        io.out().println(String.format(Locale.ROOT, "time: %.1f s, %,.0f steps/s", elapsed.toMillis() / 1000.0,
                summary.stepsPerSecond()));
        Path dir = reportDir;
        if (dir != null && Runs.written(io, "summary", () -> summary.write(dir))) io.out().println("report: " + dir + "/summary.md");
        if (c.junitXml != null && Runs.written(io, "JUnit XML",
                () -> JunitXml.write(c.junitXml, dev.nestcheck.process.Json.object(summary.json()), dir)))
            io.out().println("junit: " + c.junitXml);
        String totals = dev.nestcheck.conformance.Describe.counted(summary.steps(), "step", "steps") + " in "
                + dev.nestcheck.conformance.Describe.counted(summary.cases(), "case", "cases");
        switch (worst) {
            case "crash":
                io.out().println("result: the implementation crashed (" + totals + ")");
                return ExitCode.CRASH;
            case "counterexample":
                io.out().println("result: counterexample found in " + failed + " of " + components.size() + " components (" + totals + ")");
                return ExitCode.COUNTEREXAMPLE;
            default:
                io.out().println("result: conformant, " + totals + ", no counterexample");
                return ExitCode.CONFORMANT;
        }
    }

    private static String worst(String a, String b) {
        return a.equals("crash") || b.equals("crash") ? "crash" : a.equals("counterexample") || b.equals("counterexample")
                ? "counterexample" : "conformant";
    }

    static Shard shard(String arg) {
        try {
            return Shard.parse(arg);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * {@code replay} of component traces (nestcheck-component-trace/1); null when the targets hold
     * none (the caller replays traces and tokens as before). Mixing both kinds is a usage error.
     */
    static Integer replayComponentTraces(Io io, List<String> targets, String impl, Duration timeout) {
        List<Path> paths = new ArrayList<>();
        for (String t : targets) {
            Path p = Paths.get(t);
            if (!Files.exists(p)) return null;   // tokens and missing files: the usual path reports them
            paths.add(p);
        }
        List<Path> files = TraceFiles.expand(paths);
        List<Path> component = new ArrayList<>();
        for (Path f : files) if (ComponentTrace.looksLikeOne(f)) component.add(f);
        if (component.isEmpty()) return null;
        if (component.size() != files.size() - summaries(files))
            throw new UsageError("replay: give component traces (" + ComponentTrace.FORMAT + ") and traces in separate runs");
        if (!ExecProvider.isExec(impl))
            throw new UsageError("component traces replay against an exec: implementation (--impl exec:COMMAND), not " + impl);
        ExecProvider provider = execProvider(impl, timeout);
        List<ComponentTrace> traces = new ArrayList<>();
        for (Path f : component) traces.add(ComponentTrace.read(f));
        Child.Handshake h = handshakeOrSay(io, provider);
        if (h == null) return ExitCode.CRASH;
        int worst = ExitCode.CONFORMANT, passed = 0;
        for (int i = 0; i < traces.size(); i++) {
            ComponentTrace t = traces.get(i);
            if (!h.implementsAll() && !h.components().contains(t.component().id())) {
                io.err().println("nestcheck: " + component.get(i) + ": component " + t.component().id() + " is not one "
                        + impl + " implements " + h.components());
                worst = Math.max(worst, ExitCode.USAGE);
                continue;
            }
            ComponentReplay.Result r = ComponentReplay.replay(t, ComponentProperty.exec(provider));
            if (r.status() == ComponentReplay.Status.PASSED) {
                passed++;
                io.out().println("ok      " + component.get(i) + " (" + Describe.count(t.steps().size(), "step", "steps") + ")");
                continue;
            }
            io.out().println((r.status() == ComponentReplay.Status.CRASHED ? "CRASH   " : "FAILED  ") + component.get(i) + ": "
                    + Main.oneLine(r.message()));
            io.out().println(Runs.indent(r.counterexample().table()));
            io.out().println();
            worst = Math.max(worst, r.status() == ComponentReplay.Status.CRASHED ? ExitCode.CRASH : ExitCode.COUNTEREXAMPLE);
        }
        io.out().println("result: " + passed + " of " + traces.size() + " component traces conform (implementation " + impl + ")");
        return worst;
    }

    private static int summaries(List<Path> files) {
        int n = 0;
        for (Path f : files) if (f.getFileName().toString().equals("summary.json")) n++;
        return n;
    }
}
