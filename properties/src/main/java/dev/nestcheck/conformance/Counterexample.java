package dev.nestcheck.conformance;

import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.List;

/**
 * A failing run, as data: the platform, every step up to and including the failing one,
 * what kind of failure it is, the one-line differences or violations, and the broken rules:
 * the rule IDs the failure shows to be broken (for a divergence, the rules that required the
 * model's differing commands, such as VMID-5 or S2INV-3 for a missing flush at close, else the
 * rule that decided the differing outcome; for an invariant, the G-rule). Reports and traces
 * are rendered from it.
 */
public record Counterexample(Platform platform, List<StepRecord> steps, Kind kind, List<String> findings,
                             Snapshot modelAfter, Snapshot implAfter, List<String> brokenRules) {
    public enum Kind {
        /** Outcomes, commands or snapshots differ from the model (OBS-3). */
        DIVERGENCE,
        /** A GLOBAL invariant fails on the implementation's snapshot. */
        INVARIANT,
        /** The implementation threw, returned null or malformed values, or hung. */
        CRASH,
        /** A REQ rule does not hold under the policy (matrix search; not a conformance failure). */
        REQUIREMENT
    }

    public Counterexample {
        steps = List.copyOf(steps);
        findings = List.copyOf(findings);
        brokenRules = brokenRules == null ? List.of() : List.copyOf(brokenRules);
    }

    /** Without broken rules (a crash, or a caller that does not know them). */
    public Counterexample(Platform platform, List<StepRecord> steps, Kind kind, List<String> findings,
                          Snapshot modelAfter, Snapshot implAfter) {
        this(platform, steps, kind, findings, modelAfter, implAfter, List.of());
    }

    /** The 0-based index of the failing step (the last one). */
    public int failingStep() {
        return steps.size() - 1;
    }

    /**
     * The broken rules first, then the other rule IDs named by the findings and by the outcome of
     * the failing step, sorted.
     */
    public List<String> rulesInvolved() {
        java.util.Set<String> rules = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\\b(G-\\d+|TLB-\\d|REQ-[A-Z0-9]+|S2INV-\\d|[A-Z]{2,6}-\\d)\\b").matcher(String.join("\n", findings));
        while (m.find()) rules.add(m.group(1));
        if (!steps.isEmpty()) {
            StepRecord last = steps.get(steps.size() - 1);
            if (last.model() != null && last.model().rule() != null) rules.add(last.model().rule());
        }
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(brokenRules);
        out.addAll(rules);
        return List.copyOf(out);
    }
}
