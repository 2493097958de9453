package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Owner;

import java.util.TreeMap;

/**
 * Breaks VMID-1 and VMID-3: the pool is [1, 255] whatever the SMMU's vmidBits, so a narrow SMMU hands
 * out VMIDs it does not have instead of failing with ENOSPC. (On SMMUs wider than 8 bits the values
 * above 255 are still handed out once 1..255 are taken; nestcheck draws at most 3 bits.)
 */
final class EightBitVmidPool extends ReferenceModel {
    static final int EIGHT_BIT_MAX = 255;

    EightBitVmidPool(Platform platform) {
        super(platform);
    }

    @Override
    protected void vmid3_allocate(int smmu, Owner owner) {
        TreeMap<Integer, Owner> pool = vmids.get(smmu);
        for (int v = 1; v <= EIGHT_BIT_MAX; v++) {
            if (!pool.containsKey(v)) {
                pool.put(v, owner);
                return;
            }
        }
        super.vmid3_allocate(smmu, owner); // 1..255 all taken: ENOSPC on every drawn platform
    }
}
