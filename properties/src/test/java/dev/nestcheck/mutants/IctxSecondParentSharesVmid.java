package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

/**
 * Breaks VMID-6 (ICTX): a second nest parent of the same context on the same SMMU is accepted and
 * shares the pair's VMID, instead of failing with EBUSY; two stage-2 tables then share one VMID (G-3).
 */
final class IctxSecondParentSharesVmid extends ReferenceModel {
    private final Policy policy;

    IctxSecondParentSharesVmid(Platform platform) {
        super(platform);
        this.policy = platform.policy();
    }

    @Override
    protected void vmid8_takeVmidForParent(Ctx c, int smmu, int parentId) {
        if (policy == Policy.ICTX && vmids.get(smmu).containsValue(vmid4_parentOwner(c, parentId)))
            return; // the bug: the pair already has a VMID, so the new parent just uses it
        super.vmid8_takeVmidForParent(c, smmu, parentId);
    }
}
