package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.on;
import static dev.nestcheck.model.Bench.paging;
import static dev.nestcheck.spec.Errno.EBADF;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static org.assertj.core.api.Assertions.assertThat;

/** PLAT and OBJ: contexts, IDs, references, destroy, bind/unbind, close. */
class ObjRulesTest {
    @Test
    void plat5_modelIsRegisteredAsModelAndStartsEmpty() {
        var providers = StreamSupport.stream(ServiceLoader.load(ImplementationProvider.class).spliterator(), false)
                .filter(p -> p.name().equals("model")).collect(Collectors.toList());
        assertThat(providers).hasSize(1);
        Snapshot s = providers.get(0).create(Bench.platform(Policy.S2_PARENT)).snapshot();
        assertThat(s.contexts()).isEmpty();
        assertThat(s.devices()).allSatisfy(d -> assertThat(d.ste()).isEqualTo(Snapshot.Ste.ABORT));
        assertThat(s.kvm().cpuRunning()).containsExactly(0, 0);
    }

    @Test
    void obj0_contextsAndVmsAreNumberedInOrderAndNeverReused() {
        Bench b = new Bench(Policy.S2_PARENT);
        assertThat(b.open()).isEqualTo(1);
        assertThat(b.open()).isEqualTo(2);
        b.ok(new Op.Close(1));
        assertThat(b.open()).isEqualTo(3);
        assertThat(b.vm()).isEqualTo(1);
        b.ok(new Op.KvmVmDestroy(1));
        assertThat(b.vm()).isEqualTo(2);
    }

    @Test
    void obj1_closedOrUnknownContextIsEbadf() {
        Bench b = new Bench(Policy.S2_PARENT);
        b.fails(new Op.IoasAlloc(1), EBADF, "OBJ-1");
        int c = b.open();
        b.ok(new Op.Close(c));
        b.fails(new Op.Bind(c, 0), EBADF, "OBJ-1");
        b.fails(new Op.Close(c), EBADF, "OBJ-1");
        b.fails(new Op.Destroy(c, 1), EBADF, "OBJ-1");
    }

    @Test
    void obj1_lowestFreeIdPerContextAndFailedAllocationConsumesNone() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open(), d = b.open();
        assertThat(b.bind(c, 0)).isEqualTo(1);
        assertThat(b.ioas(c)).isEqualTo(2);
        assertThat(b.ioas(d)).as("each context has its own ID space").isEqualTo(1);
        b.fails(paging(c, 1, 2, 2), EOPNOTSUPP, "HWPT-2");
        assertThat(b.ioas(c)).isEqualTo(3);
        b.ok(new Op.Destroy(c, 2));
        assertThat(b.ioas(c)).as("the lowest free ID").isEqualTo(2);
    }

    @Test
    void obj3_destroyUnknownIsEnoentAndDeviceIsEbusy() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        int dev = b.bind(c, 0);
        b.fails(new Op.Destroy(c, 9), ENOENT, "OBJ-3");
        b.fails(new Op.Destroy(c, dev), EBUSY, "OBJ-3");
    }

    @Test
    void obj3_referencedObjectsAreEbusyAndVdeviceIsAlwaysDestroyable() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        int dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        int viommu = b.viommu(c, dev, parent), vdev = b.vdevice(c, viommu, dev, 7);
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        b.attach(c, dev, s1);
        b.fails(new Op.Destroy(c, ioas), EBUSY, "OBJ-3");
        b.fails(new Op.Destroy(c, parent), EBUSY, "OBJ-3");
        b.fails(new Op.Destroy(c, viommu), EBUSY, "OBJ-3");
        b.fails(new Op.Destroy(c, s1), EBUSY, "OBJ-3");
        b.ok(new Op.Destroy(c, vdev));
        b.ok(new Op.Destroy(c, viommu));
        assertThat(b.last.issued()).as("S2_PARENT: a vIOMMU owns no VMID").isEmpty();
    }

    @Test
    void obj4_lookupOfWrongKindIsEnoent() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        b.bind(c, 0);
        int ioas = b.ioas(c);
        b.fails(new Op.Unbind(c, ioas), ENOENT, "OBJ-5");
        b.fails(new Op.Attach(c, ioas, ioas), ENOENT, "ATT-1");
        b.fails(new Op.Detach(c, ioas), ENOENT, "ATT-6");
    }

    @Test
    void obj5_deviceIsBoundToAtMostOneContext() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open(), d = b.open();
        b.bind(c, 0);
        b.fails(new Op.Bind(d, 0), EBUSY, "OBJ-5");
        b.fails(new Op.Bind(c, 0), EBUSY, "OBJ-5");
        b.fails(new Op.Bind(c, 3), ENOENT, "OBJ-5");
        b.ok(new Op.Unbind(c, 1));
        assertThat(b.bind(d, 0)).isEqualTo(1);
    }

    @Test
    void obj5_unbindDetachesTombstonesTheVdeviceAndFreesTheDeviceId() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        int dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        int viommu = b.viommu(c, dev, parent), vdev = b.vdevice(c, viommu, dev, 7);
        int nested = b.nested(c, dev, viommu, VSTE_TRANSLATE, 0);
        b.attach(c, dev, nested);
        assertThat(b.ste(0).kind()).isEqualTo(SteKind.NESTED);

        b.ok(new Op.Unbind(c, dev));
        assertThat(b.last.issued()).as("the parent's VMID lost its last user (S2INV-3)")
                .containsExactly(on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.sync()));
        Snapshot s = b.snap();
        assertThat(s.devices().get(0)).isEqualTo(new Snapshot.Device(0, 0, 0, Snapshot.Ste.ABORT));
        assertThat(s.contexts().get(c).tombstones()).containsExactly(vdev);
        assertThat(s.contexts().get(c).objects()).doesNotContainKeys(dev, vdev);
        b.fails(new Op.Destroy(c, vdev), ENOENT, "OBJ-3");
        assertThat(b.bind(c, 0)).as("the DEVICE ID is free again").isEqualTo(dev);
        assertThat(b.ioas(c)).as("the tombstoned ID stays reserved").isEqualTo(nested + 1);
    }

    @Test
    void obj7_closeReleasesEverything() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        int vm = b.vm();
        b.ok(new Op.KvmBind(c, vm));
        int dev = b.bind(c, 0), dev2 = b.bind(c, 2), ioas = b.ioas(c);
        int parent = b.parent(c, dev, ioas), parent2 = b.parent(c, dev2, ioas);
        int viommu = b.viommu(c, dev, parent);
        b.vdevice(c, viommu, dev, 1);
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_TRANSLATE, 0));
        b.attach(c, dev2, parent2);

        b.ok(new Op.Close(c));
        assertThat(b.last.rule()).isEqualTo("OBJ-7");
        // the unbinds flush each parent's VMID as its last user goes (S2INV-3, S2INV-5), so the
        // releases that follow in the same operation issue nothing more (VMID-5)
        assertThat(b.last.issued()).containsExactly(
                on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.sync()), on(1, Cmd.tlbiS12Vmall(1)), on(1, Cmd.sync()));
        assertThat(b.last.issued()).allSatisfy(i -> assertThat(i.rule()).isEqualTo("S2INV-3"));
        Snapshot s = b.snap();
        assertThat(s.contexts()).isEmpty();
        assertThat(s.devices()).allSatisfy(d -> assertThat(d).isEqualTo(new Snapshot.Device(0, 0, 0, Snapshot.Ste.ABORT)));
        assertThat(s.smmus()).allSatisfy(m -> {
            assertThat(m.vmids()).isEmpty();
            assertThat(m.tlb()).isEmpty();
        });
        b.fails(new Op.IoasAlloc(c), EBADF, "OBJ-1");
        b.ok(new Op.KvmVmDestroy(vm));
    }

    @Test
    void obj7_closeDestroysLeavesFirstInIncreasingIdOrder() {
        Bench b = new Bench(Policy.VIOMMU);
        int c = b.open();
        int dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas); // VMID 1
        int v1 = b.viommu(c, dev, parent), v2 = b.viommu(c, dev, parent); // VMIDs 2, 3
        b.nested(c, dev, v1, VSTE_TRANSLATE, 0);
        assertThat(b.vmids(0)).containsOnlyKeys(1, 2, 3);
        // pass 1: v2 (VMID 3) and the nested HWPT; pass 2: v1 (VMID 2); pass 3: the parent; pass 4: the IOAS
        b.ok(new Op.Close(c));
        assertThat(b.last.issued()).containsExactly(
                on(0, Cmd.tlbiS12Vmall(3)), on(0, Cmd.sync()),
                on(0, Cmd.tlbiS12Vmall(2)), on(0, Cmd.sync()),
                on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.sync()));
        assertThat(v2).isGreaterThan(v1);
    }

    @Test
    void obj7_aPassDestroysAHigherIdItJustFreed() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open();
        int dev = b.bind(c, 0), ioas = b.ioas(c), ioas2 = b.ioas(c);
        b.ok(new Op.Destroy(c, ioas));
        int parent = b.parent(c, dev, ioas2);
        assertThat(parent).isLessThan(ioas2);
        assertThat(b.snap().contexts().get(c).objects().get(parent).kind()).isEqualTo(ObjectKind.HWPT_PAGING);
        b.ok(new Op.Close(c));
        assertThat(b.issuedNames()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC");
        assertThat(b.snap().contexts()).isEmpty();
    }
}
