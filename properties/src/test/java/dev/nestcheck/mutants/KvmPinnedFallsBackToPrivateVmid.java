package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

/**
 * Breaks VMID-7 (KVM_PINNED): when the VM's KVM VMID cannot be pinned (KVM-5), the nest parent gets a
 * VMID from the SMMU's own pool instead of failing with ENOSPC, so its STEs no longer carry the VM's
 * KVM VMID (REQ-BTM, G-5).
 */
final class KvmPinnedFallsBackToPrivateVmid extends ReferenceModel {
    KvmPinnedFallsBackToPrivateVmid(Platform platform) {
        super(platform);
    }

    @Override
    protected void vmid7_pin(Ctx c, int smmu) {
        try {
            super.vmid7_pin(c, smmu);
        } catch (RuntimeException cannotPin) {
            vmid3_allocate(smmu, vmid4_parentOwner(c, 0)); // the bug: a private VMID for the VM's owner
        }
    }
}
