package dev.nestcheck.report;

import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.Reports;
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
     * Where a counterexample comes from, so that the report can say how to reproduce it.
     *
     * @param implementation the implementation's name ({@code --impl})
     * @param platformArg    the {@code --platform} it was found on, or null for drawn platforms
     * @param seed           the run's seed, or null (a replay)
     * @param replayToken    the engine case, or null (a trace replay)
     * @param requirement    the REQ rule a matrix cell searched, or null for conformance
     * @param command        the command that finds this case again, when it is not a token replay
     *                       (exhaustive exploration), or null
     */
    public record Origin(String implementation, dev.nestcheck.spec.Policy policy, String platformArg, Long seed,
                         String replayToken, String requirement, String command) {
        public Origin(String implementation, dev.nestcheck.spec.Policy policy, String platformArg, Long seed,
                      String replayToken, String requirement) {
            this(implementation, policy, platformArg, seed, replayToken, requirement, null);
        }

        /** The command that re-runs exactly this case, or null when there is none. */
        public String replayCommand() {
            if (command != null) return command;
            if (replayToken == null) return null;
            if (requirement != null)
                return "./nestcheck matrix --seed " + seed + "   (matrix cell " + policy + " x " + requirement + ")";
            return "./nestcheck replay " + replayToken + " --impl " + implementation + " --policy " + policy
                    + (platformArg == null ? "" : " --platform " + platformArg);
        }
    }

    /** The files of one written report. */
    public record Written(Path folder, Path markdown, Path trace, Path regressionTest, String className) {
    }

    private CounterexampleReport() {
    }

    /**
     * Writes the report into {@code folder} (created if needed).
     *
     * @param name a short name for the folder's regression test, e.g. {@code S2_PARENT_divergence};
     *             characters that cannot be in a Java name become {@code _}
     */
    public static Written write(Path folder, String name, Counterexample cx, Origin origin) {
        Trace trace = trace(cx, description(cx, origin));
        String json = TraceCodec.write(trace);
        String className = className(name, json);
        String md = markdown(cx, origin, className, folder.resolve(TRACE).toString());
        Path tracePath = AtomicFiles.write(folder.resolve(TRACE), json);
        Path testPath = AtomicFiles.write(folder.resolve(className + ".java"),
                regressionTest(className, json, origin.implementation(), Reports.title(cx)));
        // the Markdown last: its presence says the folder is complete
        Path mdPath = AtomicFiles.write(folder.resolve(MARKDOWN), md);
        return new Written(folder, mdPath, tracePath, testPath, className);
    }

    /** {@code RegressionTest_<name>_<crc32 of the trace>}: stable for a trace, unique across traces. */
    public static String className(String name, String traceJson) {
        CRC32 crc = new CRC32();
        crc.update(traceJson.getBytes(StandardCharsets.UTF_8));
        String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
        return "RegressionTest_" + safe + "_" + String.format(Locale.ROOT, "%08x", crc.getValue());
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
        StringBuilder b = new StringBuilder("nestcheck counterexample: ").append(Reports.title(cx));
        b.append(" Implementation ").append(o.implementation()).append(", policy ").append(o.policy());
        if (o.requirement() != null) b.append(", requirement ").append(o.requirement());
        if (o.seed() != null) b.append(", seed ").append(o.seed());
        if (o.replayToken() != null) b.append(", replay token ").append(o.replayToken());
        b.append(". Expectations are the reference model's outcomes.");
        return b.toString();
    }

    /** The Markdown report; plain-text tables in indented blocks, no HTML. */
    public static String markdown(Counterexample cx, Origin o, String className, String tracePath) {
        RuleCatalogue rules = RuleCatalogue.builtIn();
        StringBuilder b = new StringBuilder();
        b.append("# nestcheck counterexample: ").append(o.implementation()).append(" under ").append(o.policy());
        if (o.requirement() != null) b.append(", ").append(o.requirement());
        b.append("\n\n").append(Reports.title(cx)).append("\n\n");
        b.append("Kind: ").append(kindText(cx.kind())).append("\n\n");

        b.append("## Platform\n\n");
        b.append(indent(cx.platform().describe())).append('\n');

        b.append("## Minimal sequence\n\n");
        b.append("Outcomes of the model and of the implementation; `>` marks the failing step. ")
                .append("The rule in brackets decided the model's outcome.\n\n");
        b.append(indent(Reports.stepTable(cx))).append('\n');

        b.append("## First divergence\n\n");
        if (cx.steps().isEmpty()) {
            b.append("Before the first step (creating the implementation or its first snapshot):\n\n");
        } else {
            StepRecord last = cx.steps().get(cx.failingStep());
            b.append("Step ").append(cx.failingStep() + 1).append(": ").append(Describe.op(last.op())).append("\n\n");
        }
        b.append(indent(String.join("\n", cx.findings()))).append('\n');

        b.append("## Snapshot difference\n\n");
        b.append(snapshotDifference(cx)).append('\n');

        b.append("## Rules involved\n\n");
        if (!cx.brokenRules().isEmpty()) b.append("Broken: ").append(String.join(", ", cx.brokenRules())).append(" (first listed below)\n\n");
        List<String> involved = cx.rulesInvolved();
        if (involved.isEmpty()) {
            b.append("None named by the findings.\n\n");
        } else {
            StringBuilder t = new StringBuilder();
            int w = involved.stream().mapToInt(String::length).max().orElse(0);
            for (String id : involved)
                t.append(id).append(" ".repeat(w - id.length())).append("  ")
                        .append(rules.rule(id).map(RuleCatalogue.Rule::title).orElse("")).append('\n');
            b.append(indent(t.toString().stripTrailing())).append('\n');
        }

        b.append("## Reproduce\n\n");
        StringBuilder r = new StringBuilder();
        if (o.seed() != null) r.append("seed          ").append(o.seed()).append('\n');
        if (o.replayToken() != null && o.command() == null)
            r.append("replay token  ").append(o.replayToken()).append('\n');
        String cmd = o.replayCommand();
        if (cmd != null) r.append("replay        ").append(cmd).append('\n');
        r.append("trace         ./nestcheck replay ").append(tracePath).append(" --impl ").append(o.implementation())
                .append('\n');
        if (o.replayToken() != null && o.requirement() == null && o.command() == null)
            r.append("JUnit (TCK)   -Dnestcheck.replay=").append(o.replayToken())
                    .append(" -Dtest='*Verification#policy_").append(o.policy()).append("_conformsToTheModel'")
                    .append(o.platformArg() == null ? "" : " -Dnestcheck.platform=" + o.platformArg()).append('\n');
        r.append("regression    ").append(className).append(".java (copy into your test sources)\n");
        b.append(indent(r.toString().stripTrailing())).append('\n');
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
            return "The implementation gave no snapshot (it crashed). The model's state after the last step:\n\n"
                    + indent(Describe.snapshot(cx.modelAfter()).stripTrailing());
        List<String> m = Arrays.asList(Describe.snapshot(cx.modelAfter()).split("\n"));
        List<String> i = Arrays.asList(Describe.snapshot(cx.implAfter()).split("\n"));
        List<String> onlyModel = minus(m, i);
        List<String> onlyImpl = minus(i, m);
        if (onlyModel.isEmpty() && onlyImpl.isEmpty())
            return "The snapshots after the last step are equal; the failure is in the outcome or the commands.\n";
        StringBuilder d = new StringBuilder();
        onlyModel.forEach(l -> d.append("- model  ").append(l).append('\n'));
        onlyImpl.forEach(l -> d.append("+ impl   ").append(l).append('\n'));
        return "Lines that differ after the last step (`-` model, `+` implementation). VMIDs are compared up to"
                + " a renaming per SMMU (VMID-2), so a VMID that differs alone is not a failure.\n\n"
                + indent(d.toString().stripTrailing());
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

    /** A JUnit 5 test (default package) that replays the trace and fails while the bug is there. */
    public static String regressionTest(String className, String traceJson, String implementation, String title) {
        StringBuilder b = new StringBuilder();
        b.append("// Generated by nestcheck: a regression test for one counterexample.\n");
        b.append("// Copy it into your test sources (add a package line if you put it in one). It replays the\n");
        b.append("// trace against the implementation registered as \"").append(javaString(implementation))
                .append("\" and fails at the\n");
        b.append("// step that diverged until the bug is fixed. Needs nestcheck-properties on the test class path.\n");
        b.append("import dev.nestcheck.tck.TraceReplay;\n");
        b.append("import org.junit.jupiter.api.Test;\n\n");
        b.append("/** ").append(title.replace("*/", "* /")).append(" */\n");
        b.append("class ").append(className).append(" {\n");
        b.append("    static final String TRACE = \"\"\"\n");
        for (String line : traceJson.split("\n")) b.append("        ").append(textBlockLine(line)).append('\n');
        b.append("        \"\"\";\n\n");
        b.append("    @Test\n");
        b.append("    void traceConformsToTheModel() {\n");
        b.append("        TraceReplay.assertConforms(TRACE, \"").append(javaString(implementation)).append("\");\n");
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
