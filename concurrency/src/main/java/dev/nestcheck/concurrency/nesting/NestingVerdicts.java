package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.Linearizability;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.HistoryComparator;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;

import java.util.List;

/**
 * Decides one recorded run of a {@link NestingScenario}, in either mode: no operation threw, and (with two
 * branches) some order of the branches, consistent with real time, gives every operation the model's
 * outcome and ends in the model's snapshot, compared as the conformance suite compares a step (OBS-3:
 * outcomes exactly, commands and snapshots up to one consistent VMID renaming per SMMU, KVM exactly).
 * The renaming is bound over the whole history: a VMID released and handed out again must pair the same
 * way both times (the lock-step suite can forget a pair between steps; a history has no steps).
 */
public final class NestingVerdicts {
    private NestingVerdicts() {
    }

    /** An outcome as recorded: the implementation's outcome, or what it threw. */
    public record Recorded(Outcome outcome, String threw) {
        public String text() {
            return threw != null ? Finding.THREW + threw : outcome.brief();
        }
    }

    public static Finding decide(NestingScenario s, List<Recorded> prefix, List<List<Recorded>> branches,
                                 List<List<Linearizability.Event>> events, Snapshot post, String postThrew) {
        for (int i = 0; i < prefix.size(); i++)
            if (prefix.get(i).threw() != null)
                return crash("prefix " + Describe.op(s.prefix().get(i)) + " threw " + prefix.get(i).threw());
        for (int t = 0; t < branches.size(); t++)
            for (int i = 0; i < branches.get(t).size(); i++)
                if (branches.get(t).get(i).threw() != null)
                    return crash("T" + t + " " + Describe.op(s.branches().get(t).get(i)) + " threw " + branches.get(t).get(i).threw());
        if (postThrew != null) return crash("snapshot() after the branches threw " + postThrew);
        if (branches.size() != 2) return null;
        Linearizability.Result r = Linearizability.check(events, replay(s, prefix, branches, post));
        if (r.linearizable()) return null;
        StringBuilder outcomes = new StringBuilder();
        for (int t = 0; t < branches.size(); t++) {
            outcomes.append("T").append(t).append(": ");
            for (int i = 0; i < branches.get(t).size(); i++)
                outcomes.append(i == 0 ? "" : ", ").append(Describe.op(s.branches().get(t).get(i))).append(" = ")
                        .append(branches.get(t).get(i).text());
            outcomes.append('\n');
        }
        StringBuilder order = new StringBuilder();
        for (Linearizability.Event e : r.order())
            order.append(order.length() == 0 ? "" : ", ").append("T").append(e.thread()).append(' ')
                    .append(Describe.op(s.branches().get(e.thread()).get(e.index())));
        return new Finding(Finding.Kind.NOT_LINEARIZABLE, "OBS-3",
                "no order of the two threads' operations gives these outcomes in the model",
                outcomes + "closest order: " + (order.length() == 0 ? "(none)" : order) + "\n" + r.why(), null);
    }

    private static Finding crash(String what) {
        return new Finding(Finding.Kind.CRASH, null, what, what, null);
    }

    static Linearizability.Replay replay(NestingScenario s, List<Recorded> prefix, List<List<Recorded>> branches, Snapshot post) {
        return (order, complete) -> {
            NestingImplementation model = Implementations.model().create(s.platform());
            HistoryComparator cmp = new HistoryComparator(s.platform());
            for (int i = 0; i < s.prefix().size(); i++) {
                Op op = s.prefix().get(i);
                List<String> d = cmp.outcomes(model.execute(op), prefix.get(i).outcome());
                if (!d.isEmpty()) return new Linearizability.Verdict(-1, "prefix " + Describe.op(op) + ": " + d.get(0));
            }
            for (int k = 0; k < order.size(); k++) {
                Linearizability.Event e = order.get(k);
                Op op = s.branches().get(e.thread()).get(e.index());
                Outcome expected = model.execute(op);
                List<String> d = cmp.outcomes(expected, branches.get(e.thread()).get(e.index()).outcome());
                if (!d.isEmpty())
                    return new Linearizability.Verdict(k, "T" + e.thread() + " " + Describe.op(op) + ": " + d.get(0)
                            + " (in this order)");
            }
            if (complete && post != null) {
                List<String> d = cmp.snapshots(model.snapshot(), post);
                if (!d.isEmpty()) return new Linearizability.Verdict(order.size(), "final snapshot: " + d.get(0));
            }
            return Linearizability.Verdict.ok(order.size());
        };
    }
}
