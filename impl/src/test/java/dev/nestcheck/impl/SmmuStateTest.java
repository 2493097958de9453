package dev.nestcheck.impl;

import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One SMMU's VMID pool and owner table (VMID-1, -3, -5; KVM_PINNED claims). */
class SmmuStateTest {

    private static Snapshot.Owner kvm(int vm) {
        return new Snapshot.Owner(Snapshot.OwnerKind.KVM, 0, vm);
    }

    /** A pinned KVM index can lie far above every VMID handed out so far (the owner table starts small). */
    @Test
    void claimFarAboveTheOwnerTableKeepsItsOwner() {
        SmmuState s = new SmmuState(new SmmuSpec(0, 8, true, true, true));
        s.claim(200, kvm(7));
        s.claim(255, kvm(8));
        assertThat(s.snapshot().vmids()).isEqualTo(Map.of(200, kvm(7), 255, kvm(8)));
        Snapshot.Owner h = new Snapshot.Owner(Snapshot.OwnerKind.HWPT, 1, 2);
        assertThat(s.allocate(h)).isEqualTo(1);
        assertThat(s.snapshot().vmids()).containsEntry(1, h).containsEntry(200, kvm(7)).hasSize(3);
        assertThatThrownBy(() -> s.claim(200, kvm(9))).isInstanceOf(IllegalStateException.class);
        List<Issued> issued = new ArrayList<>();
        s.release(200, issued, true);
        assertThat(s.snapshot().vmids()).containsOnlyKeys(1, 255);
        s.claim(200, kvm(9));
        assertThat(s.snapshot().vmids()).containsEntry(200, kvm(9));
    }

    /** Every VMID of a 5-bit pool, allocated one by one, keeps its owner (the table grows as needed). */
    @Test
    void allocationFillsTheWholePoolWithOwners() {
        SmmuState s = new SmmuState(new SmmuSpec(0, 5, true, true, true));
        for (int v = 1; v <= 31; v++) {
            assertThat(s.allocate(new Snapshot.Owner(Snapshot.OwnerKind.HWPT, 1, v))).isEqualTo(v);
        }
        assertThat(s.allocate(new Snapshot.Owner(Snapshot.OwnerKind.HWPT, 1, 99))).as("VMID-3: exhausted").isZero();
        Map<Integer, Snapshot.Owner> vmids = s.snapshot().vmids();
        assertThat(vmids).hasSize(31);
        vmids.forEach((v, o) -> assertThat(o.id()).isEqualTo(v));
    }
}
