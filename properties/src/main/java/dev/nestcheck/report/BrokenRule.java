package dev.nestcheck.report;

import dev.nestcheck.conformance.Counterexample;

import java.util.Optional;

/**
 * The rule a counterexample breaks, as opposed to the rule the model applied at the failing step
 * (a missing flush at close breaks VMID-5 while the model's outcome cites OBJ-7). The
 * counterexample carries it once the harness records, for every command the model issues, the
 * rule that required it; until then this says nothing and reports list the rules involved.
 */
public final class BrokenRule {
    private BrokenRule() {
    }

    /** The broken rule's ID, when the counterexample names one. */
    public static Optional<String> of(Counterexample cx) {
        // wired at merge: return the Counterexample's own broken-rule accessor here (issue 12 item 9)
        return Optional.empty();
    }
}
