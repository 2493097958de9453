package dev.nestcheck.mutants;

import dev.nestcheck.model.KvmVmids;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

/**
 * Breaks KVM-5: the pin cap is one lower than 2^kvmVmidBits - cpus - 2, so a PIN that the cap allows
 * fails (and the nest parent that needs it fails with ENOSPC, VMID-7).
 */
final class PinCapOffByOne extends ReferenceModel {
    PinCapOffByOne(Platform platform) {
        super(platform);
    }

    @Override
    protected KvmVmids newKvmVmids(KvmSpec spec) {
        return new Allocator(spec);
    }

    private static final class Allocator extends KvmVmids {
        private final int cap;

        Allocator(KvmSpec spec) {
            super(spec);
            this.cap = spec.pinCap();
        }

        @Override
        protected int kvm5_pin(int vm) {
            Snapshot.Kvm now = snapshot();
            long pinned = now.vms().values().stream().filter(v -> v.pins() > 0).count();
            if (now.vms().get(vm).pins() == 0 && pinned >= cap - 1) return 0; // the bug: cap - 1
            return super.kvm5_pin(vm);
        }
    }
}
