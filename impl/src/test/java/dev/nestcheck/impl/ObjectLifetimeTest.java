package dev.nestcheck.impl;

import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ServiceLoader;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** PLAT and OBJ. */
class ObjectLifetimeTest {

    @Test
    void plat_providerIsRegisteredAsOptimized() {
        ImplementationProvider found = null;
        for (ImplementationProvider p : ServiceLoader.load(ImplementationProvider.class))
            if (p.name().equals("optimized")) found = p;
        assertThat(found).isInstanceOf(OptimizedProvider.class);
        assertThat(found.create(platform(Policy.S2_PARENT))).isInstanceOf(OptimizedNesting.class);
        assertThat(found.description()).as("shown by nestcheck impls").isNotBlank();
    }

    /**
     * OBJ-1: the snapshot lists every live object however the IDs fall against the object
     * table's size (16, doubling): highest ID just below, at and just above each size.
     */
    @ParameterizedTest
    @ValueSource(ints = {15, 16, 17, 31, 32, 33})
    void obj1_snapshotListsEveryObjectAtTheObjectTableBoundaries(int count) {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        for (int i = 1; i <= count; i++) assertThat(f.id(ioas(1))).isEqualTo(i);
        Snapshot.Context c = f.snap().contexts().get(1);
        assertThat(c.objects()).hasSize(count);
        for (int i = 1; i <= count; i++) assertThat(c.objects()).containsKey(i);
        f.ok(destroy(1, count));
        assertThat(f.snap().contexts().get(1).objects()).hasSize(count - 1).doesNotContainKey(count);
        f.ok(close(1));
        assertThat(f.snap().contexts()).isEmpty();
    }

    @Test
    void plat_initialSnapshot() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        Snapshot s = f.snap();
        assertThat(s.contexts()).isEmpty();
        assertThat(s.devices()).hasSize(6).allMatch(d -> d.ctx() == 0 && d.objectId() == 0 && d.attached() == 0
                && d.ste().equals(Snapshot.Ste.ABORT));
        assertThat(s.smmus()).hasSize(3).allMatch(m -> m.vmids().isEmpty() && m.tlb().isEmpty());
        assertThat(s.kvm().vms()).isEmpty();
        assertThat(s.kvm().cpuRunning()).containsExactly(0, 0);
        assertThat(s.kvm().rollovers()).isZero();
    }

    @Test
    void obj0_contextsAreNumberedAndNeverReused() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        assertThat(f.ok(open())).isEqualTo(1);
        assertThat(f.ok(open())).isEqualTo(2);
        f.ok(close(1));
        assertThat(f.ok(open())).isEqualTo(3);
        assertThat(f.snap().contexts().keySet()).containsExactlyInAnyOrder(2, 3);
    }

    @Test
    void obj1_closedOrUnknownContextIsEbadf() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        f.ok(close(1));
        assertThat(f.err(ioas(1))).isEqualTo(Errno.EBADF);
        assertThat(f.err(close(1))).isEqualTo(Errno.EBADF);
        assertThat(f.err(bind(7, 0))).isEqualTo(Errno.EBADF);
        assertThat(f.err(destroy(0, 1))).isEqualTo(Errno.EBADF);
        assertThat(f.err(new Op.Invalidate(2, 1, DataType.ARM_SMMUV3, java.util.List.of()))).isEqualTo(Errno.EBADF);
        assertThat(f.last.entryNum()).isZero();
    }

    @Test
    void obj1_lowestFreeIdSharedByAllTypesAndFailuresConsumeNone() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        assertThat(f.id(bind(1, 0))).isEqualTo(1);
        assertThat(f.id(ioas(1))).isEqualTo(2);
        assertThat(f.id(ioas(1))).isEqualTo(3);
        assertThat(f.err(parent(1, 1, 99))).isEqualTo(Errno.EINVAL); // failed: consumes nothing
        assertThat(f.id(s1(1, 1, 2))).isEqualTo(4);
        f.ok(destroy(1, 3));
        assertThat(f.id(parent(1, 1, 2))).isEqualTo(3);
        assertThat(f.id(ioas(1))).isEqualTo(5);
        // Each context has its own space.
        f.ok(open());
        assertThat(f.id(ioas(2))).isEqualTo(1);
    }

    @Test
    void obj3_destroyErrnos() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        assertThat(f.err(destroy(1, 99))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(destroy(1, s.dev()))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(destroy(1, s.ioas()))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(destroy(1, s.parent()))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(destroy(1, s.viommu()))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(destroy(1, s.nested()))).isEqualTo(Errno.EBUSY); // attached
        f.ok(destroy(1, s.vdev())); // VDEVICE: never referenced
        assertThat(f.err(destroy(1, s.vdev()))).isEqualTo(Errno.ENOENT);
        f.ok(detach(1, s.dev()));
        f.ok(destroy(1, s.nested()));
        f.ok(destroy(1, s.viommu()));
        f.ok(destroy(1, s.parent()));
        assertThat(f.issuedNames()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC");
        f.ok(destroy(1, s.ioas()));
        assertThat(f.snap().contexts().get(1).objects().keySet()).containsExactly(s.dev());
    }

    @Test
    void obj5_bindOncePerDeviceAndUnbindTombstonesTheVdevice() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        assertThat(f.err(bind(1, 0))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(bind(2, 0))).isEqualTo(Errno.EBUSY);
        assertThat(f.err(bind(1, 99))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(unbind(1, s.ioas()))).isEqualTo(Errno.ENOENT);
        f.ok(unbind(1, s.dev()));
        Snapshot snap = f.snap();
        Snapshot.Context c = snap.contexts().get(1);
        assertThat(c.tombstones()).containsExactly(s.vdev());
        assertThat(c.objects()).doesNotContainKeys(s.dev(), s.vdev());
        assertThat(snap.devices().get(0)).isEqualTo(new Snapshot.Device(0, 0, 0, Snapshot.Ste.ABORT));
        assertThat(f.err(destroy(1, s.vdev()))).isEqualTo(Errno.ENOENT);
        // The DEVICE's ID is free again; the tombstone's is not.
        assertThat(f.id(bind(2, 0))).isEqualTo(1);
        assertThat(f.id(bind(1, 1))).isEqualTo(s.dev());
        assertThat(f.id(ioas(1))).isEqualTo(s.nested() + 1);
        // The nested HWPT is free to go now.
        f.ok(destroy(1, s.nested()));
    }

    @Test
    void obj7_closeUnbindsThenDestroysLeavesFirstAndReleasesEverything() {
        Fixture f = new Fixture(platform(Policy.VIOMMU));
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        int p2 = f.id(parent(1, s.dev(), s.ioas()));
        Snapshot.Smmu before = f.snap().smmus().get(0);
        assertThat(before.vmids()).hasSize(3);
        f.ok(close(1));
        // The unbind flushes the vIOMMU's VMID as its last user goes (S2INV-3); then pass 1 takes
        // nested 6 and p2 7; pass 2 the vIOMMU 4, whose release needs no second flush (VMID-5);
        // pass 3 its parent 3.
        int vParent = vmidOf(before, Snapshot.OwnerKind.HWPT, s.parent());
        int vViommu = vmidOf(before, Snapshot.OwnerKind.VIOMMU, s.viommu());
        int vP2 = vmidOf(before, Snapshot.OwnerKind.HWPT, p2);
        assertThat(f.last.issued()).extracting(i -> i.cmd().vmid() + ":" + i.cmd().name()).containsExactly(
                vViommu + ":TLBI_S12_VMALL", "0:CMD_SYNC", vP2 + ":TLBI_S12_VMALL", "0:CMD_SYNC",
                vParent + ":TLBI_S12_VMALL", "0:CMD_SYNC");
        Snapshot after = f.snap();
        assertThat(after.contexts()).isEmpty();
        assertThat(after.smmus()).allMatch(m -> m.vmids().isEmpty() && m.tlb().isEmpty());
        assertThat(after.devices()).allMatch(d -> d.ste().kind() == SteKind.ABORT && d.ctx() == 0);
    }

    @Test
    void obj7_aPassTakesObjectsFreedEarlierInTheSamePass() {
        // iommufd_fops_release decides "unreferenced" when it reaches each object, so a
        // parent whose vIOMMU has a lower ID goes in the same pass, before a later parent.
        Fixture f = new Fixture(platform(Policy.VIOMMU));
        f.ok(open());
        int dev = f.id(bind(1, 0)); // 1
        int ioas = f.id(ioas(1)); // 2
        int filler = f.id(ioas(1)); // 3
        int z = f.id(parent(1, dev, ioas)); // 4
        f.ok(destroy(1, filler));
        int v = f.id(viommu(1, dev, z)); // 3, references 4
        int w = f.id(parent(1, dev, ioas)); // 5
        assertThat(new int[] {v, z, w}).containsExactly(3, 4, 5);
        Snapshot.Smmu before = f.snap().smmus().get(0);
        f.ok(close(1));
        assertThat(f.last.issued()).extracting(i -> i.cmd().vmid()).containsExactly(
                vmidOf(before, Snapshot.OwnerKind.VIOMMU, v), 0, vmidOf(before, Snapshot.OwnerKind.HWPT, z), 0,
                vmidOf(before, Snapshot.OwnerKind.HWPT, w), 0);
    }

    @Test
    void snapshotObjectsCarryTheirFields() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        var objs = f.snap().contexts().get(1).objects();
        assertThat(objs.get(s.dev())).isEqualTo(new Snapshot.Obj(ObjectKind.DEVICE, 0, 0, false, 0, 0, 0, 0));
        assertThat(objs.get(s.ioas())).isEqualTo(new Snapshot.Obj(ObjectKind.IOAS, 0, -1, false, 0, 0, 0, -1));
        assertThat(objs.get(s.parent())).isEqualTo(new Snapshot.Obj(ObjectKind.HWPT_PAGING, s.ioas(), 0, true, 0, 0, 0, -1));
        assertThat(objs.get(s.viommu())).isEqualTo(new Snapshot.Obj(ObjectKind.VIOMMU, s.parent(), 0, false, 0, 0, 0, -1));
        assertThat(objs.get(s.vdev())).isEqualTo(new Snapshot.Obj(ObjectKind.VDEVICE, s.viommu(), 0, false, 0, 0, 7, s.dev()));
        assertThat(objs.get(s.nested())).isEqualTo(
                new Snapshot.Obj(ObjectKind.HWPT_NESTED, s.viommu(), 0, false, VSTE_TRANSLATE, 0, 0, -1));
        assertThat(f.snap().devices().get(0).attached()).isEqualTo(s.nested());
    }

    static int vmidOf(Snapshot.Smmu smmu, Snapshot.OwnerKind kind, int id) {
        return smmu.vmids().entrySet().stream().filter(e -> e.getValue().kind() == kind && e.getValue().id() == id)
                .findFirst().orElseThrow().getKey();
    }
}
