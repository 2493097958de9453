package dev.nestcheck.mutants;

import dev.nestcheck.model.KvmVmids;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;

/**
 * Breaks KVM-6 (and the pinned case of KVM-3): after a rollover, a pinned VM's VMID is renewed like
 * any other, so its index changes (next-fit) while the SMMU still uses the old one (G-5, G-6).
 */
final class PinnedIndexChangesAtRollover extends ReferenceModel {
    PinnedIndexChangesAtRollover(Platform platform) {
        super(platform);
    }

    @Override
    protected KvmVmids newKvmVmids(KvmSpec spec) {
        return new Allocator(spec);
    }

    private static final class Allocator extends KvmVmids {
        Allocator(KvmSpec spec) {
            super(spec);
        }

        @Override
        protected void kvm3_newVmid(Vm v) {
            int pins = v.pins;
            v.pins = 0; // the bug: the renewal does not look at the pin
            try {
                super.kvm3_newVmid(v);
            } finally {
                v.pins = pins;
            }
        }
    }
}
