package dev.nestcheck.impl;

import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state that snapshots do not show: exploration prunes on {@code stateFingerprint()}, so two
 * runs that reach the same state must fingerprint alike, and a run that changes it must not.
 */
class HiddenStateTest {
    static Op faultIdParent(int ctx, int dev, int pt) {
        return new Op.HwptAlloc(ctx, dev, pt, HwptFlags.NEST_PARENT | HwptFlags.FAULT_ID, DataType.NONE, null);
    }

    /** Taking a snapshot fills caches; they are derived, so the fingerprint must not see them. */
    @ParameterizedTest
    @EnumSource(Policy.class)
    void snapshotsDoNotChangeTheFingerprint(Policy policy) {
        Fixture seen = new Fixture(platform(policy)), unseen = new Fixture(platform(policy));
        for (Fixture f : new Fixture[] {seen, unseen}) {
            f.ok(open());
            int dev = f.id(bind(1, 0)), ioas = f.id(ioas(1));
            f.ok(new Op.IoasMap(1, ioas, 4, 2));
            f.ok(s1(1, dev, ioas));
            if (f == seen) f.snap();
        }
        assertThat(seen.impl.stateFingerprint()).isNotNull().isEqualTo(unseen.impl.stateFingerprint());
    }

    /**
     * HWPT-2: a nest parent with FAULT_ID is refused before anything is allocated (EOPNOTSUPP,
     * hw_pagetable.c since v6.15), so it leaves the state as it was under every policy: no VMID, no
     * ICTX VMID, no pin, no KVM VMID handed out.
     */
    @ParameterizedTest
    @EnumSource(Policy.class)
    void aRefusedFaultableNestParentLeavesNoHiddenState(Policy policy) {
        Fixture f = new Fixture(platform(policy));
        f.ok(open());
        int dev = f.id(bind(1, 0)), ioas = f.id(ioas(1));
        if (policy == Policy.KVM_PINNED) {
            f.ok(new Op.KvmVmCreate());
            f.ok(new Op.KvmBind(1, 1));
        }
        Object before = f.impl.stateFingerprint();
        assertThat(f.err(faultIdParent(1, dev, ioas))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.impl.stateFingerprint()).isEqualTo(before);
        f.ok(parent(1, dev, ioas));
        assertThat(f.impl.stateFingerprint()).as("a nest parent is state").isNotEqualTo(before);
    }
}
