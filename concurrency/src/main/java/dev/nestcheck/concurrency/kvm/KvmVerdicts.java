package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.concurrency.Linearizability;

import java.util.List;

/** Decides one recorded run of a {@link KvmScenario}, whichever mode recorded it (model checking or stress). */
public final class KvmVerdicts {
    private KvmVerdicts() {
    }

    /**
     * Null when the run is fine; else the finding. Every run: no operation threw (an
     * {@link KvmHarness.InvariantViolation} is G-6 or KVM-6). With two branches: some order of them
     * gives every operation its outcome in the model, and ends in the allocator's final state.
     */
    public static Finding decide(KvmScenario s, List<String> prefix, List<List<String>> branches,
                                 List<List<Linearizability.Event>> events, String post) {
        for (int i = 0; i < prefix.size(); i++)
            if (prefix.get(i).startsWith(Finding.THREW)) return Finding.of(prefix.get(i), "prefix " + s.prefix().get(i));
        for (int t = 0; t < branches.size(); t++)
            for (int i = 0; i < branches.get(t).size(); i++)
                if (branches.get(t).get(i).startsWith(Finding.THREW))
                    return Finding.of(branches.get(t).get(i), "T" + t + " " + s.branches().get(t).get(i));
        if (post != null && post.startsWith(Finding.THREW)) return Finding.of(post, "the final state read");
        if (branches.size() != 2) return null;   // 3+ CPUs: not linearizable by design; invariants only
        Linearizability.Result r = Linearizability.check(events, KvmSpecification.replay(s, prefix, branches, post));
        if (r.linearizable()) return null;
        StringBuilder outcomes = new StringBuilder();
        for (int t = 0; t < branches.size(); t++) {
            outcomes.append("T").append(t).append(": ");
            for (int i = 0; i < branches.get(t).size(); i++)
                outcomes.append(i == 0 ? "" : ", ").append(s.branches().get(t).get(i)).append(" = ").append(branches.get(t).get(i));
            outcomes.append('\n');
        }
        return new Finding(Finding.Kind.NOT_LINEARIZABLE, "KVM-1..KVM-6",
                "no order of the two CPUs' operations gives these outcomes in the model (KvmVmids)",
                outcomes + "closest order: " + describe(s, r.order()) + "\n" + r.why(), null);
    }

    private static String describe(KvmScenario s, List<Linearizability.Event> order) {
        StringBuilder sb = new StringBuilder();
        for (Linearizability.Event e : order)
            sb.append(sb.length() == 0 ? "" : ", ").append("T").append(e.thread()).append(' ').append(s.branches().get(e.thread()).get(e.index()));
        return sb.length() == 0 ? "(none)" : sb.toString();
    }
}
