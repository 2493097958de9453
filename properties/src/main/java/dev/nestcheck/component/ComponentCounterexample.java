package dev.nestcheck.component;

import dev.nestcheck.conformance.Table;
import dev.nestcheck.spec.Platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failing component case, as data: the component, the platform, every step up to and including
 * the failing one with the model's and the implementation's answers (the latter null where it
 * crashed), what kind of failure, and the findings.
 */
public record ComponentCounterexample(Component component, Platform platform, List<Step> steps, Kind kind,
                                      List<String> findings) {
    public enum Kind {
        /** An answer or the KVM state differs from the model. */
        DIVERGENCE,
        /** G-6 fails on the implementation's own KVM state. */
        INVARIANT,
        /** The child crashed, hung, wrote garbage or exited early. */
        CRASH
    }

    /** One step: the op, the model's answer, the implementation's (null if it crashed). */
    public record Step(ComponentOp op, ComponentAnswer model, ComponentAnswer impl) {
    }

    public ComponentCounterexample {
        steps = List.copyOf(steps);
        findings = List.copyOf(findings);
    }

    public String title() {
        switch (kind) {
            case DIVERGENCE: return "The " + component.id() + " component diverges from the model after " + steps.size() + " steps.";
            case INVARIANT: return "A global invariant fails on the " + component.id() + " component after " + steps.size() + " steps.";
            default: return "The " + component.id() + " component crashed at step " + steps.size() + ".";
        }
    }

    public List<String> rulesInvolved() {
        Set<String> rules = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(G-\\d+|[A-Z]{2,6}-\\d+)\\b").matcher(String.join("\n", findings));
        while (m.find()) rules.add(m.group(1));
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last != null && last.model() != null && last.model().outcome().rule() != null) rules.add(last.model().outcome().rule());
        return List.copyOf(rules);
    }

    /** The part of the platform the component sees. */
    public String describePlatform() {
        switch (component) {
            case KVM:
                return "kvm " + platform.kvm().cpus() + " CPU" + (platform.kvm().cpus() == 1 ? "" : "s") + ", "
                        + platform.kvm().vmidBits() + "-bit VMIDs (" + ((1 << platform.kvm().vmidBits()) - 1) + " indices, pin cap "
                        + platform.kvm().pinCap() + ")";
            case VSTE:
                return "a vIOMMU on an SMMUv3 with nesting, a canwbs device with a vDEVICE";
            default:
                return "a vIOMMU on smmu0 with devices of stream IDs " + platform.devices().stream()
                        .map(d -> Long.toString(d.streamId())).collect(java.util.stream.Collectors.joining(", "));
        }
    }

    /** The steps as a plain-text table with both answers; {@code >} marks the failing step. */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "operation", "model", "implementation"});
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            rows.add(new String[] {(i == steps.size() - 1 ? ">" : "") + (i + 1), s.op().describe(),
                    s.model() == null ? "-" : s.model().brief() + (s.model().outcome().rule() == null ? "" : " (" + s.model().outcome().rule() + ")"),
                    s.impl() == null ? "-" : s.impl().brief()});
        }
        return Table.render(rows);
    }

    /** Title, platform, table, findings: for the terminal and for the report. */
    public String text() {
        StringBuilder b = new StringBuilder(title()).append('\n');
        b.append("platform: ").append(describePlatform()).append('\n');
        b.append(table()).append('\n');
        b.append("first failure at step ").append(steps.size()).append(":\n");
        for (String f : findings) b.append("  ").append(f).append('\n');
        List<String> rules = rulesInvolved();
        if (!rules.isEmpty()) b.append("rules involved: ").append(String.join(", ", rules)).append('\n');
        return b.toString();
    }
}
