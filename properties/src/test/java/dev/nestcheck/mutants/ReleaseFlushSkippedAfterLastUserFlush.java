package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Owner;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Breaks VMID-5 as S2INV-3 qualifies it: a VMID whose last user was flushed in an earlier step is
 * released without its own TLBI_S12_VMALL + CMD_SYNC (only a flush in the same operation may stand in
 * for it). This is what mainline does since the arm_smmu_invs series (the free path invalidates an
 * empty array, so it issues nothing); RULES.md v2 keeps the release flush.
 */
final class ReleaseFlushSkippedAfterLastUserFlush extends ReferenceModel {
    private final Set<List<Integer>> everFlushed = new HashSet<>();

    ReleaseFlushSkippedAfterLastUserFlush(Platform platform) {
        super(platform);
    }

    @Override
    protected void s2inv3_lastUserFlush(Set<List<Integer>> usedBefore, Set<List<Integer>> usedAfter) {
        super.s2inv3_lastUserFlush(usedBefore, usedAfter);
        for (List<Integer> e : usedBefore) if (!usedAfter.contains(e)) everFlushed.add(List.of(e.get(0), e.get(3)));
    }

    @Override
    protected void vmid5_release(int smmu, Owner owner) {
        int v = vmidOf(smmu, owner);
        if (everFlushed.remove(List.of(smmu, v))) {
            vmids.get(smmu).remove(v); // the bug: no flush of its own
            return;
        }
        super.vmid5_release(smmu, owner);
    }
}
