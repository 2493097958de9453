package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Owner;

import java.util.TreeMap;

/** Breaks VMID-1: the pool starts at 0, so the first nest parent of an SMMU gets the reserved VMID 0. */
final class VmidZeroHandedOut extends ReferenceModel {
    VmidZeroHandedOut(Platform platform) {
        super(platform);
    }

    @Override
    protected void vmid3_allocate(int smmu, Owner owner) {
        TreeMap<Integer, Owner> pool = vmids.get(smmu);
        if (!pool.containsKey(0)) {
            pool.put(0, owner); // the bug: [0, max] instead of [1, max]
            return;
        }
        super.vmid3_allocate(smmu, owner);
    }
}
