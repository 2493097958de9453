package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.engine.TestCase;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws an allocator-level scenario from the model's state, one choice at a time (so the engine shrinks
 * it): a small platform (2-bit or 3-bit VMIDs, so that rollovers come within a few loads), a sequential
 * prefix, then one branch per CPU. Each operation is one span, so the shrinker deletes operations
 * whole. An unpin is drawn only for a pin its CPU's thread holds in the model at that point (in a branch:
 * after the prefix and the branch's own operations so far), so unpins are never no-ops by construction.
 * Most scenarios race a rollover, where the allocator's races are: the prefix loads VMs without a
 * current VMID until the next such load would roll over, then the last CPU's branch makes that load
 * while the other CPUs load any VM. Half the other loads also take a VM without a current VMID.
 */
public final class KvmScenarioGenerator {
    /** Longest prefix and branch. */
    static final int MAX_PREFIX = 9;
    static final int MAX_BRANCH = 3;

    private final int threads;

    /** @param threads parallel branches, each its own CPU (2 checks linearizability, 3+ invariants only) */
    public KvmScenarioGenerator(int threads) {
        if (threads < 2) throw new IllegalArgumentException("at least 2 threads");
        this.threads = threads;
    }

    public KvmScenario draw(TestCase tc) {
        int cpus = threads;
        // most scenarios race a rollover: the prefix fills the index space, then one branch rolls over
        boolean race = tc.weighted(0.7);
        // races on 2-bit VMIDs (3 indices) are the same races as on wider ones, and cheap to check and shrink
        int vmidBits = !race && tc.weighted(0.3) ? 3 : 2;
        // a race needs one VM more than there are indices
        int vms = race ? (1 << vmidBits) + tc.between(0, 1) : tc.between(2, 5);
        KvmSpecification model = new KvmSpecification(cpus, vmidBits, vms);
        List<KvmOp> prefix = new ArrayList<>();
        while (prefix.size() < MAX_PREFIX) {
            tc.startSpan();
            if (!race && !tc.weighted(0.85)) {
                tc.endSpan();
                break;
            }
            KvmOp op;
            if (race && !tc.weighted(0.1)) {
                int stale = model.staleVm();
                int cpu = tc.weighted(0.75) ? cpus - 1 : tc.between(0, cpus - 2);
                op = KvmOp.load(stale == 0 ? tc.between(1, vms) : stale, cpu);
                if (rollsOver(cpus, vmidBits, vms, prefix, op)) {
                    tc.endSpan();
                    break;   // full: the rollover is the branches' business
                }
            } else {
                op = op(tc, tc.between(0, cpus - 1), vms, model);
            }
            model.apply(op);
            prefix.add(op);
            tc.endSpan();
        }
        List<List<KvmOp>> branches = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            // each branch is drawn from the state after the prefix and its own operations so far
            KvmSpecification mine = new KvmSpecification(cpus, vmidBits, vms);
            prefix.forEach(mine::apply);
            List<KvmOp> branch = new ArrayList<>();
            while (branch.size() < MAX_BRANCH) {
                tc.startSpan();
                if (!branch.isEmpty() && !tc.weighted(0.5)) {
                    tc.endSpan();
                    break;
                }
                KvmOp op;
                if (race && branch.isEmpty()) {
                    // the last CPU loads a VM without a current VMID (the rollover); the others load a
                    // current VM that the last CPU does not run (their fast path races the rollover)
                    int stale = mine.staleVm();
                    List<Integer> current = mine.currentVmsNotRunOn(threads - 1);
                    op = KvmOp.load(t == threads - 1 && stale != 0 ? stale
                            : t < threads - 1 && !current.isEmpty() ? tc.pick(current) : tc.between(1, vms), t);
                } else {
                    op = op(tc, t, vms, mine);
                }
                mine.apply(op);
                branch.add(op);
                tc.endSpan();
            }
            branches.add(branch);
        }
        return new KvmScenario(cpus, vmidBits, vms, prefix, branches);
    }

    private static boolean rollsOver(int cpus, int vmidBits, int vms, List<KvmOp> prefix, KvmOp next) {
        KvmSpecification probe = new KvmSpecification(cpus, vmidBits, vms);
        prefix.forEach(probe::apply);
        int before = probe.rollovers();
        probe.apply(next);
        return probe.rollovers() > before;
    }

    /** One operation on {@code cpu}: mostly loads (rollovers need them), some puts, pins and unpins. */
    private static KvmOp op(TestCase tc, int cpu, int vms, KvmSpecification model) {
        List<Integer> unpinnable = model.pinsHeld(cpu);
        switch (tc.pickWeighted(8, 2, 1, unpinnable.isEmpty() ? 0 : 1)) {
            case 0: {
                int stale = model.staleVm();
                return KvmOp.load(stale != 0 && tc.weighted(0.5) ? stale : tc.between(1, vms), cpu);
            }
            case 1: return KvmOp.put(cpu);
            case 2: return KvmOp.pin(tc.between(1, vms), cpu);
            default: return KvmOp.unpin(tc.pick(unpinnable), cpu);
        }
    }
}
