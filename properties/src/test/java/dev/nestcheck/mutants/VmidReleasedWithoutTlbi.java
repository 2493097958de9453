package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Owner;

/**
 * Breaks VMID-5: a released VMID goes back to the pool without TLBI_S12_VMALL + CMD_SYNC, so a
 * later owner may inherit the old owner's cached translations (TLB-3).
 */
final class VmidReleasedWithoutTlbi extends ReferenceModel {
    VmidReleasedWithoutTlbi(Platform platform) {
        super(platform);
    }

    @Override
    protected void vmid5_release(int smmu, Owner owner) {
        vmids.get(smmu).values().remove(owner); // the bug: no invalidation before the value is free
    }
}
