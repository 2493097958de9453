package dev.nestcheck.report;

import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.StepRecord;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import dev.nestcheck.trace.Expectation;
import dev.nestcheck.trace.Step;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One counterexample as a report folder: {@code counterexample.md} (for people, readable as
 * plain text in a mail), {@code trace.json} (the minimal sequence as a trace whose
 * expectations are the model's outcomes, so replaying it against the implementation fails at
 * the same step) and {@code RegressionTest_<name>.java} (a JUnit 5 test that replays the
 * trace through {@link dev.nestcheck.tck.TraceReplay}). Every file is written atomically.
 */
public final class CounterexampleReport {
    public static final String MARKDOWN = "counterexample.md";
    public static final String TRACE = "trace.json";

    /**
     * Where a counterexample comes from, so that the report can say how to reproduce it. Every
     * command it prints carries what that needs (implementation, policy, platform, class path),
     * so that it works pasted as is.
     *
     * @param implementation the implementation's name ({@code --impl}), or the TCK class's name
     * @param platformArg    the {@code --platform} it was found on, or null for drawn platforms
     * @param seed           the run's seed, or null (a replay)
     * @param replayToken    the engine case, or null (a trace replay)
     * @param requirement    the REQ rule a matrix cell searched, or null for conformance
     * @param command        the command that finds this case again, when it is not a token replay
     *                       (exhaustive exploration), or null
     * @param classpath      the {@code --classpath} the implementation was loaded from, or null
     * @param launcher       how to start nestcheck, e.g. {@code ./nestcheck}; null for that default
     * @param test           the TCK test that found it ({@code Class#method}), or null for the CLI
     * @param byName         whether {@code implementation} is a registered name (the CLI can load it)
     */
    public record Origin(String implementation, dev.nestcheck.spec.Policy policy, String platformArg, Long seed,
                         String replayToken, String requirement, List<String> command, String classpath,
                         String launcher, String test, boolean byName) {
        public Origin(String implementation, dev.nestcheck.spec.Policy policy, String platformArg, Long seed,
                      String replayToken, String requirement) {
            this(implementation, policy, platformArg, seed, replayToken, requirement, null, null, null, null, true);
        }

        public Origin withCommand(List<String> argv) {
            return new Origin(implementation, policy, platformArg, seed, replayToken, requirement, argv, classpath,
                    launcher, test, byName);
        }

        public Origin withClasspath(String cp, String launcherCommand) {
            return new Origin(implementation, policy, platformArg, seed, replayToken, requirement, command, cp,
                    launcherCommand, test, byName);
        }

        /** A counterexample of a TCK test; {@code byName}: the implementation is a registered name. */
        public Origin withTest(String testName, boolean registered) {
            return new Origin(implementation, policy, platformArg, seed, replayToken, requirement, command, classpath,
                    launcher, testName, registered);
        }

        String launcherOrDefault() {
            return launcher == null ? "./nestcheck" : launcher;
        }

        /** The words of the command that re-runs exactly this case, or null when there is none. */
        public List<String> replayArgv() {
            if (command != null) return command;
            if (replayToken == null) return null;
            if (requirement != null) return List.of(launcherOrDefault(), "matrix", "--seed", String.valueOf(seed));
            if (test != null) return mavenArgv();
            return cliReplayArgv();
        }

        /** {@code ./nestcheck replay TOKEN --impl I --policy P [--platform F] [--classpath CP]}. */
        public List<String> cliReplayArgv() {
            List<String> a = new ArrayList<>(List.of(launcherOrDefault(), "replay", replayToken, "--impl", implementation,
                    "--policy", policy.name()));
            if (platformArg != null) a.addAll(List.of("--platform", platformArg));
            if (classpath != null) a.addAll(List.of("--classpath", classpath));
            return a;
        }

        /** {@code mvn test -Dtest=Class#method -Dnestcheck.replay=TOKEN ...}: the TCK test, exactly this case. */
        public List<String> mavenArgv() {
            String t = test != null ? test : "*Verification#policy_" + policy + "_conformsToTheModel";
            List<String> a = new ArrayList<>(List.of("mvn", "test", "-Dtest=" + t, "-Dnestcheck.replay=" + replayToken));
            if (platformArg != null) a.add("-Dnestcheck.platform=" + platformArg);
            if (test != null && byName && System.getProperty("nestcheck.impl") != null)
                a.add("-Dnestcheck.impl=" + implementation);
            if (classpath != null) a.add("-Dnestcheck.classpath=" + classpath);
            return a;
        }

        /** The replay command on one line (for summaries and the console). */
        public String replayCommand() {
            List<String> a = replayArgv();
            if (a == null) return null;
            String line = Layout.commandLine(a);
            return requirement != null ? line + "   (matrix cell " + policy + " x " + requirement + ")" : line;
        }

        /** {@code ./nestcheck replay TRACE --impl I [--classpath CP]}. */
        public List<String> traceArgv(String tracePath) {
            List<String> a = new ArrayList<>(List.of(launcherOrDefault(), "replay", tracePath, "--impl", implementation));
            if (classpath != null) a.addAll(List.of("--classpath", classpath));
            return a;
        }
    }

    /** The files of one written report. */
    public record Written(Path folder, Path markdown, Path trace, Path regressionTest, String className) {
    }

    /** The implementation's stack trace written next to the report. */
    public static final String STACK_TRACE = "stacktrace.txt";

    private CounterexampleReport() {
    }

    /** Writes the report into {@code folder} (created if needed), without a stack trace. */
    public static Written write(Path folder, String name, Counterexample cx, Origin origin) {
        return write(folder, name, cx, origin, null);
    }

    /**
     * Writes the report into {@code folder} (created if needed).
     *
     * @param name       a short name for the folder's regression test, e.g. {@code S2_PARENT_divergence};
     *                   characters that cannot be in a Java name become {@code _}
     * @param stackTrace the implementation's stack trace where it threw or hung, or null
     */
    public static Written write(Path folder, String name, Counterexample cx, Origin origin, String stackTrace) {
        Trace trace = trace(cx, description(cx, origin));
        String json = TraceCodec.write(trace);
        // named after the platform and steps only: the same minimal case gets the same test name whatever
        // seed or run found it (the description names the seed), so a copy replaces, not piles up
        String className = className(name, TraceCodec.write(new Trace(null, trace.platform(), trace.steps())));
        String md = markdown(cx, origin, className, folder.resolve(TRACE).toAbsolutePath().toString(), stackTrace);
        Path tracePath = AtomicFiles.write(folder.resolve(TRACE), json);
        AtomicFiles.write(folder.resolve(dev.nestcheck.export.KselftestExport.REPRO),
                dev.nestcheck.export.KselftestExport.export(trace, TRACE));   // repro.c: the trace on a real kernel
        Path testPath = AtomicFiles.write(folder.resolve(className + ".java"),
                regressionTest(className, json, origin.implementation(), CounterexampleText.title(cx), origin.byName()));
        if (stackTrace != null) AtomicFiles.write(folder.resolve(STACK_TRACE), stackTrace);
        // the Markdown last: its presence says the folder is complete
        Path mdPath = AtomicFiles.write(folder.resolve(MARKDOWN), md);
        return new Written(folder, mdPath, tracePath, testPath, className);
    }

    /**
     * {@code Regression_<name>_<crc32 of the trace>Test}: stable for a trace, unique across traces,
     * and ending in {@code Test}, so that Surefire's default includes run it.
     */
    public static String className(String name, String traceJson) {
        CRC32 crc = new CRC32();
        crc.update(traceJson.getBytes(StandardCharsets.UTF_8));
        String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
        return "Regression_" + safe + "_" + String.format(Locale.ROOT, "%08x", crc.getValue()) + "Test";
    }

    /**
     * The counterexample as a trace: its operations, each expecting what the model did (result,
     * entryNum, issued commands, and the STE kinds of the devices whose STE kind the step changed).
     * The model is re-run over the operations to obtain its snapshot after each step.
     */
    public static Trace trace(Counterexample cx, String description) {
        NestingImplementation model = Implementations.model().create(cx.platform());
        Snapshot before = model.snapshot();
        List<Step> steps = new ArrayList<>();
        for (StepRecord s : cx.steps()) {
            Op op = s.op();
            dev.nestcheck.spec.Outcome out = model.execute(op);
            Snapshot after = model.snapshot();
            dev.nestcheck.spec.Outcome recorded = s.model() != null ? s.model() : out;
            Expectation full = Expectation.of(op, recorded, after);
            Map<Integer, SteKind> changed = new TreeMap<>();
            for (int d = 0; d < after.devices().size(); d++) {
                SteKind k = after.devices().get(d).ste().kind();
                if (k != before.devices().get(d).ste().kind()) changed.put(d, k);
            }
            steps.add(new Step(op, full.withSte(changed.isEmpty() ? null : changed)));
            before = after;
        }
        return new Trace(description, cx.platform(), steps);
    }

    static String description(Counterexample cx, Origin o) {
        StringBuilder b = new StringBuilder("nestcheck counterexample: ").append(CounterexampleText.title(cx));
        b.append(" Implementation ").append(o.implementation()).append(", policy ").append(o.policy());
        if (o.requirement() != null) b.append(", requirement ").append(o.requirement());
        if (o.seed() != null) b.append(", seed ").append(o.seed());
        if (o.replayToken() != null) b.append(", replay token ").append(o.replayToken());
        b.append(". Expectations are the reference model's outcomes. ").append(Versions.line()).append('.');
        return b.toString();
    }

    /** The report as plain text (Markdown headings, no tables or HTML), every line at most 80 columns. */
    public static String markdown(Counterexample cx, Origin o, String className, String tracePath) {
        return markdown(cx, o, className, tracePath, null);
    }

    public static String markdown(Counterexample cx, Origin o, String className, String tracePath, String stackTrace) {
        RuleCatalogue rules = RuleCatalogue.builtIn();
        StringBuilder b = new StringBuilder();
        b.append(Layout.wrap("# nestcheck counterexample: " + o.implementation() + " under " + o.policy()
                + (o.requirement() != null ? ", " + o.requirement() : ""), "", "  ", Layout.WIDTH)).append("\n\n");
        b.append(Layout.wrap(CounterexampleText.title(cx), "", "", Layout.WIDTH)).append('\n');
        b.append(CounterexampleText.brokenRuleLine(cx)).append('\n');
        b.append(Layout.wrap("Kind: " + kindText(cx.kind()), "", "  ", Layout.WIDTH)).append('\n');
        b.append(Layout.wrap("Made by " + Versions.line() + ".", "", "  ", Layout.WIDTH)).append("\n\n");

        b.append("## Platform\n\n");
        b.append(CounterexampleText.platform(cx.platform())).append('\n');

        b.append("## Minimal sequence\n\n");
        b.append(CounterexampleText.steps(cx)).append('\n');

        b.append("## First divergence\n\n");
        if (cx.steps().isEmpty()) {
            b.append("Before the first step (creating the implementation or its first snapshot):\n\n");
        } else {
            StepRecord last = cx.steps().get(cx.failingStep());
            b.append(Layout.wrap("Step " + (cx.failingStep() + 1) + " (steps[" + cx.failingStep() + "] in "
                    + TRACE + "): " + Describe.op(last.op()), "", "  ", Layout.WIDTH)).append("\n\n");
        }
        for (String f : cx.findings())
            b.append(Layout.wrap(CounterexampleText.finding(f), "  - ", "    ", Layout.WIDTH)).append('\n');
        b.append('\n');

        if (stackTrace != null) {
            b.append("## Where the implementation was\n\n");
            b.append("Its stack trace when it ").append(CounterexampleText.hung(cx) ? "hung" : "threw")
                    .append(" (all of it in ").append(STACK_TRACE).append("):\n\n");
            String[] lines = stackTrace.split("\n");
            for (int i = 0; i < Math.min(lines.length, 12); i++)
                b.append(Layout.wrap(lines[i].strip(), "    ", "        ", Layout.WIDTH)).append('\n');
            if (lines.length > 12) b.append("    ...\n");
            b.append('\n');
        }

        b.append("## Snapshot difference\n\n");
        b.append(snapshotDifference(cx)).append('\n');

        b.append("## Rules involved\n\n");
        if (!cx.brokenRules().isEmpty()) b.append("Broken: ").append(String.join(", ", cx.brokenRules())).append(" (first listed below)\n\n");
        List<String> involved = cx.rulesInvolved();
        if (involved.isEmpty()) {
            b.append("None named by the findings.\n\n");
        } else {
            int w = involved.stream().mapToInt(String::length).max().orElse(0);
            String pad = " ".repeat(w + 4);
            for (String id : involved)
                b.append(Layout.wrap(rules.rule(id).map(RuleCatalogue.Rule::title).orElse(""),
                        "  " + id + " ".repeat(w - id.length()) + "  ", pad, Layout.WIDTH)).append('\n');
            b.append('\n');
        }

        b.append("## Reproduce\n\n");
        if (o.seed() != null) b.append("The search: seed ").append(o.seed()).append(".\n");
        List<String> replay = o.replayArgv();
        if (replay != null) {
            b.append(o.requirement() != null ? "The matrix again (cell " + o.policy() + " x " + o.requirement() + "):\n"
                    : o.command() != null ? "The exploration again:\n" : "Exactly this case (the replay token):\n");
            b.append(Layout.command(replay, "    ")).append('\n');
        }
        if (o.test() != null && o.byName())
            b.append("With the command line:\n").append(Layout.command(o.cliReplayArgv(), "    ")).append('\n');
        if (o.byName()) {
            b.append("The trace, against any implementation:\n");
            b.append(Layout.command(o.traceArgv(tracePath), "    ")).append('\n');
        }
        b.append(Layout.wrap("As a regression test: copy " + className + ".java into your test sources; it fails until "
                + "the bug is fixed.", "", "", Layout.WIDTH)).append("\n\n");

        b.append("## Legend\n\n").append(CounterexampleText.legend()).append('\n');
        return b.toString();
    }

    private static String kindText(Counterexample.Kind kind) {
        switch (kind) {
            case DIVERGENCE: return "divergence from the model (OBS-3)";
            case INVARIANT: return "a GLOBAL invariant fails on the implementation's own state";
            case CRASH: return "the implementation crashed or hung";
            default: return "requirement violation (policy matrix; not a conformance failure)";
        }
    }

    /**
     * The lines of the two snapshots (as {@link Describe#snapshot}) that differ, in order,
     * as a unified-diff-like block.
     */
    static String snapshotDifference(Counterexample cx) {
        if (cx.modelAfter() == null) return "No model snapshot was taken.\n";
        if (cx.implAfter() == null)
            return "The implementation gave no snapshot (it crashed or hung). The model's state after the\nlast step:\n\n"
                    + Layout.wrapLines(Describe.snapshot(cx.modelAfter()).stripTrailing(), "    ", "        ");
        List<String> m = Arrays.asList(Describe.snapshot(cx.modelAfter()).split("\n"));
        List<String> i = Arrays.asList(Describe.snapshot(cx.implAfter()).split("\n"));
        List<String> onlyModel = minus(m, i);
        List<String> onlyImpl = minus(i, m);
        if (onlyModel.isEmpty() && onlyImpl.isEmpty())
            return "The snapshots after the last step are equal; the failure is in the outcome or\nthe commands.\n";
        StringBuilder d = new StringBuilder();
        onlyModel.forEach(l -> d.append(Layout.wrap(l, "  - model  ", "           ", Layout.WIDTH)).append('\n'));
        onlyImpl.forEach(l -> d.append(Layout.wrap(l, "  + impl   ", "           ", Layout.WIDTH)).append('\n'));
        return Layout.wrap("Lines that differ after the last step (- model, + implementation). VMIDs are compared up"
                + " to a renaming per SMMU (VMID-2), so a VMID that differs alone is not a failure.", "", "", Layout.WIDTH)
                + "\n\n" + d;
    }

    private static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> count = new HashMap<>();
        for (String s : b) count.merge(s, 1, Integer::sum);
        List<String> out = new ArrayList<>();
        for (String s : a) {
            Integer c = count.get(s);
            if (c != null && c > 0) count.put(s, c - 1);
            else out.add(s);
        }
        return out;
    }

    static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) b.append('\n');
            else b.append("    ").append(line).append('\n');
        }
        String s = b.toString();
        while (s.endsWith("\n\n")) s = s.substring(0, s.length() - 1);
        return s;
    }

    /** A JUnit 5 test (default package) that replays the trace against a registered implementation. */
    public static String regressionTest(String className, String traceJson, String implementation, String title) {
        return regressionTest(className, traceJson, implementation, title, true);
    }

    /**
     * A JUnit 5 test that replays the trace and fails while the bug is there. For a registered
     * implementation it is in the default package and names it; for a TCK class
     * ({@code implementation} is its fully qualified name, {@code byName} false) it is in that class's
     * package and creates the implementation through it.
     */
    public static String regressionTest(String className, String traceJson, String implementation, String title,
                                        boolean byName) {
        StringBuilder b = new StringBuilder();
        String pkg = byName || implementation.lastIndexOf('.') < 0 ? null
                : implementation.substring(0, implementation.lastIndexOf('.'));
        String tck = byName ? null : implementation.substring(implementation.lastIndexOf('.') + 1);
        b.append("// Generated by ").append(Versions.line()).append(": a regression test for one counterexample.\n");
        if (byName) {
            b.append("// Copy it into your test sources (add a package line if you put it in one). It replays\n");
            b.append("// the trace against the implementation registered as \"").append(javaString(implementation))
                    .append("\"\n");
        } else {
            b.append("// Copy it next to ").append(tck).append(".java in your test sources. It replays the trace\n");
            b.append("// against the implementation that ").append(tck).append(".create returns\n");
        }
        b.append("// and fails at the step that diverged until the bug is fixed. Needs nestcheck-tck (or\n");
        b.append("// nestcheck-properties) on the test class path.\n");
        if (pkg != null) b.append("package ").append(pkg).append(";\n\n");
        b.append("import dev.nestcheck.tck.TraceReplay;\n");
        b.append("import org.junit.jupiter.api.Test;\n\n");
        b.append("/** ").append(title.replace("*/", "* /")).append(" */\n");
        b.append("class ").append(className).append(" {\n");
        b.append("    static final String TRACE = \"\"\"\n");
        for (String line : traceJson.split("\n")) b.append("        ").append(textBlockLine(line)).append('\n');
        b.append("        \"\"\";\n\n");
        b.append("    @Test\n");
        b.append("    void traceConformsToTheModel() {\n");
        if (byName)
            b.append("        TraceReplay.assertConforms(TRACE, \"").append(javaString(implementation)).append("\");\n");
        else
            b.append("        TraceReplay.assertConforms(TRACE, ").append(tck).append(".class);\n");
        b.append("    }\n");
        b.append("}\n");
        return b.toString();
    }

    /** Escapes a line for a text block: backslashes, runs of quotes, and trailing spaces (kept with \s). */
    static String textBlockLine(String line) {
        String s = line.replace("\\", "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        if (s.endsWith(" ")) s = s.substring(0, s.length() - 1) + "\\s";
        return s;
    }

    static String javaString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
