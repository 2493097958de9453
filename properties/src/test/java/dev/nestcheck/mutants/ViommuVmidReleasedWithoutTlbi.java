package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Owner;
import dev.nestcheck.spec.Snapshot.OwnerKind;

/**
 * Breaks VMID-5 under the VIOMMU policy: a vIOMMU's own VMID is freed without TLBI_S12_VMALL +
 * CMD_SYNC (nest parents still invalidate theirs).
 */
final class ViommuVmidReleasedWithoutTlbi extends ReferenceModel {
    ViommuVmidReleasedWithoutTlbi(Platform platform) {
        super(platform);
    }

    @Override
    protected void vmid5_release(int smmu, Owner owner) {
        if (owner.kind() == OwnerKind.VIOMMU) {
            vmids.get(smmu).values().remove(owner); // the bug
            return;
        }
        super.vmid5_release(smmu, owner);
    }
}
