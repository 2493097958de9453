package dev.nestcheck.mutants;

import dev.nestcheck.model.KvmVmids;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;

import java.util.Collections;

/**
 * Breaks KVM-4: at rollover, a CPU that ran nothing since the previous rollover loses the index it
 * had reserved then, so that index may be handed to another VM while the CPU's VM still uses it.
 */
final class RolloverForgetsReservedIndex extends ReferenceModel {
    RolloverForgetsReservedIndex(Platform platform) {
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
        protected void kvm4_rollover() {
            Collections.fill(reserved, NONE); // the bug: reservations are not carried over
            super.kvm4_rollover();
        }
    }
}
