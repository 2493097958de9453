package dev.nestcheck.conformance;

import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.List;

/**
 * A failing run, as data: the platform, every step up to and including the failing one,
 * what kind of failure it is, and the one-line differences or violations. Reports and
 * traces are rendered from it.
 */
public record Counterexample(Platform platform, List<StepRecord> steps, Kind kind, List<String> findings,
                             Snapshot modelAfter, Snapshot implAfter) {
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
    }

    /** The 0-based index of the failing step (the last one). */
    public int failingStep() {
        return steps.size() - 1;
    }

    /** The rule IDs named by the findings and by the outcomes of the failing step. */
    public List<String> rulesInvolved() {
        java.util.Set<String> rules = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(G-\\d|TLB-\\d|REQ-[A-Z]+|[A-Z]{2,6}-\\d)\\b")
                .matcher(String.join("\n", findings));
        while (m.find()) rules.add(m.group(1));
        StepRecord last = steps.isEmpty() ? null : steps.get(steps.size() - 1);   // empty: creating the implementation failed
        if (last != null && last.model() != null && last.model().rule() != null) rules.add(last.model().rule());
        return List.copyOf(rules);
    }
}
