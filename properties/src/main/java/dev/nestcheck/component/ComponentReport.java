package dev.nestcheck.component;

import dev.nestcheck.report.AtomicFiles;
import dev.nestcheck.report.Layout;
import dev.nestcheck.report.RuleCatalogue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A component counterexample as a report folder: {@code counterexample.md} (for people, plain
 * text for a mail) and {@code component-trace.json} (the minimal sequence, replayable with
 * {@code nestcheck replay}). Written atomically, the Markdown last.
 */
public final class ComponentReport {
    public static final String MARKDOWN = "counterexample.md";
    public static final String TRACE = "component-trace.json";

    /**
     * Where the counterexample comes from: the implementation ({@code exec:...}), the seed, the
     * replay token, and how to start nestcheck (the launcher's path; null for {@code ./nestcheck}).
     */
    public record Origin(String implementation, Long seed, String replayToken, String launcher) {
        public Origin(String implementation, Long seed, String replayToken) {
            this(implementation, seed, replayToken, null);
        }

        private String launcherOrDefault() {
            return launcher == null ? "./nestcheck" : launcher;
        }

        /** The words of the command that replays the counterexample's trace, by its absolute path. */
        public List<String> replayArgv(Path trace) {
            return List.of(launcherOrDefault(), "replay", trace.toAbsolutePath().normalize().toString(), "--impl", implementation);
        }

        /** {@link #replayArgv} on one line, for the console. */
        public String replayCommand(Path trace) {
            return Layout.commandLine(replayArgv(trace));
        }

        /** The words of the command that searches again with the same seed, or null without one. */
        public List<String> searchArgv() {
            return seed == null ? null : List.of(launcherOrDefault(), "check", "--impl", implementation, "--seed", String.valueOf(seed));
        }
    }

    private ComponentReport() {
    }

    public static Path write(Path folder, ComponentCounterexample cx, Origin origin) {
        List<ComponentAnswer> model = new ArrayList<>();
        for (ComponentCounterexample.Step s : cx.steps()) model.add(s.model());
        String description = "nestcheck counterexample: " + cx.title() + " Implementation " + origin.implementation()
                + (origin.seed() == null ? "" : ", seed " + origin.seed())
                + ". Expectations are the reference model's answers.";
        String json = ComponentTrace.write(ComponentTrace.of(cx, description), model);
        AtomicFiles.write(folder.resolve(TRACE), json);
        AtomicFiles.write(folder.resolve(MARKDOWN), markdown(cx, origin, folder.resolve(TRACE)));
        return folder;
    }

    static String markdown(ComponentCounterexample cx, Origin o, Path trace) {
        StringBuilder b = new StringBuilder();
        b.append("# nestcheck counterexample: ").append(o.implementation()).append(", component ").append(cx.component().id())
                .append("\n\n").append(cx.title()).append("\n\n");
        b.append("Component: ").append(cx.component().title()).append(". Kind: ").append(kind(cx.kind())).append(".\n\n");
        b.append("## Platform\n\n").append(indent(cx.describePlatform() + "\n(the whole platform, as the child gets it: "
                + cx.platform().describe() + ")")).append('\n');
        b.append("## Minimal sequence\n\nAnswers of the model and of the implementation; `>` marks the failing step. ")
                .append("The rule in brackets decided the model's answer.\n\n");
        b.append(indent(cx.table())).append('\n');
        b.append("## First divergence\n\n");
        if (!cx.steps().isEmpty())
            b.append("Step ").append(cx.steps().size()).append(": ").append(cx.steps().get(cx.steps().size() - 1).op().describe())
                    .append("\n\n");
        b.append(indent(String.join("\n", cx.findings()))).append('\n');
        b.append("## Rules involved\n\n");
        List<String> rules = cx.rulesInvolved();
        if (rules.isEmpty()) {
            b.append("None named by the findings.\n\n");
        } else {
            RuleCatalogue cat = RuleCatalogue.builtIn();
            StringBuilder t = new StringBuilder();
            for (String id : rules)
                t.append(String.format("%-8s %s%n", id, cat.rule(id).map(RuleCatalogue.Rule::title).orElse("")));
            b.append(indent(t.toString().stripTrailing())).append('\n');
        }
        // commands alone on their lines (continued with \\), so that they paste into a shell as they are
        b.append("## Reproduce\n\nReplay this counterexample:\n\n")
                .append(Layout.command(o.replayArgv(trace), "    ", Layout.WIDTH)).append("\n\n");
        if (o.searchArgv() != null)
            b.append("Search again with the same seed:\n\n").append(Layout.command(o.searchArgv(), "    ", Layout.WIDTH))
                    .append("\n\n");
        b.append(Layout.wrap(trace.getFileName() + " (" + ComponentTrace.FORMAT
                + "): the operations of the component, one per line, with the model's answers.", "", "", Layout.WIDTH)).append('\n');
        return b.toString();
    }

    private static String kind(ComponentCounterexample.Kind k) {
        switch (k) {
            case DIVERGENCE: return "divergence from the model (OBS-3)";
            case INVARIANT: return "a global invariant fails on the implementation's own state";
            default: return "the implementation crashed, hung, wrote garbage or exited early";
        }
    }

    static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) b.append(line.isEmpty() ? "" : "    " + line).append('\n');
        String s = b.toString();
        while (s.endsWith("\n\n")) s = s.substring(0, s.length() - 1);
        return s;
    }
}
