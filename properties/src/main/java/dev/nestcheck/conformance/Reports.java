package dev.nestcheck.conformance;

import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Plain-text renderings of counterexamples: readable in a terminal and pasted into a mail. */
public final class Reports {
    private Reports() {
    }

    /** The counterexample as text: platform, the steps as a table, the findings. */
    public static String text(Counterexample cx) {
        StringBuilder b = new StringBuilder();
        b.append(title(cx)).append('\n');
        b.append("platform: ").append(cx.platform().describe()).append('\n');
        b.append(stepTable(cx)).append('\n');
        b.append(cx.kind() == Counterexample.Kind.REQUIREMENT ? "violation at step " : "first failure at step ")
                .append(cx.failingStep() + 1).append(":\n");
        for (String f : cx.findings()) b.append("  ").append(f).append('\n');
        List<String> rules = cx.rulesInvolved();
        if (!rules.isEmpty()) b.append("rules involved: ").append(String.join(", ", rules)).append('\n');
        return b.toString();
    }

    public static String title(Counterexample cx) {
        switch (cx.kind()) {
            case DIVERGENCE: return "The implementation diverges from the model after " + cx.steps().size() + " steps.";
            case INVARIANT: return "A global invariant fails after " + cx.steps().size() + " steps.";
            case CRASH: return "The implementation crashed at step " + cx.steps().size() + ".";
            default: return "The requirement does not hold; shortest sequence found: " + cx.steps().size() + " steps.";
        }
    }

    /** The steps as a plain-text table with both outcomes; marks the failing step. */
    public static String stepTable(Counterexample cx) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "operation", "model", "implementation"});
        for (int i = 0; i < cx.steps().size(); i++) {
            StepRecord s = cx.steps().get(i);
            rows.add(new String[] {(i == cx.failingStep() ? ">" : "") + (i + 1), Describe.op(s.op()),
                    outcome(s.model(), true), outcome(s.impl(), false)});
        }
        return Table.render(rows);
    }

    static String outcome(Outcome o, boolean withRule) {
        if (o == null) return "-";
        String s = o.brief();
        if (!o.issued().isEmpty())
            s += " [" + o.issued().stream().map(Reports::issued).collect(Collectors.joining(" ")) + "]";
        if (withRule && o.rule() != null) s += " (" + o.rule() + ")";
        return s;
    }

    private static String issued(Issued i) {
        String n = i.cmd().name();
        return i.cmd().carriesVmid() ? n + "(" + i.cmd().vmid() + ")@" + i.smmu() : n + "@" + i.smmu();
    }
}
