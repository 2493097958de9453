package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.Snapshot.Owner;
import dev.nestcheck.spec.Snapshot.OwnerKind;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nestcheck.model.Bench.VSTE_BYPASS;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.on;
import static dev.nestcheck.model.Bench.paging;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.ENOSPC;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static dev.nestcheck.spec.HwptFlags.NEST_PARENT;
import static org.assertj.core.api.Assertions.assertThat;

/** VMID-1..VMID-8 under the four policies. */
class VmidRulesTest {
    @Test
    void vmid1_eachSmmuHasItsOwnPool() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open(), dev = b.bind(c, 0), dev2 = b.bind(c, 2), ioas = b.ioas(c);
        int p0 = b.parent(c, dev, ioas), p1 = b.parent(c, dev2, ioas);
        assertThat(b.vmids(0)).containsOnly(Map.entry(1, new Owner(OwnerKind.HWPT, c, p0)));
        assertThat(b.vmids(1)).containsOnly(Map.entry(1, new Owner(OwnerKind.HWPT, c, p1)));
    }

    @Test
    void vmid3_exhaustedPoolIsEnospcAndCreatesNothing() {
        Bench b = new Bench(Bench.platform(Policy.S2_PARENT, 1, new KvmSpec(1, 8)));
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        b.fails(paging(c, dev, ioas, NEST_PARENT), ENOSPC, "VMID-3");
        b.ok(new Op.Destroy(c, p));
        assertThat(b.parent(c, dev, ioas)).as("the failed allocation consumed no ID").isEqualTo(p);
        assertThat(b.vmids(0)).containsOnlyKeys(1);
    }

    @Test
    void vmid4_s2Parent_everyViommuUsesItsParentsVmid() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open(), dev = b.bind(c, 0), dev1 = b.bind(c, 1), ioas = b.ioas(c);
        b.parent(c, dev, ioas);
        int p = b.parent(c, dev, ioas); // VMID 2
        int v1 = b.viommu(c, dev, p), v2 = b.viommu(c, dev, p);
        b.attach(c, dev, b.nested(c, dev, v1, VSTE_BYPASS, 0));
        b.vdevice(c, v2, dev1, 1);
        b.attach(c, dev1, b.nested(c, dev1, v2, VSTE_TRANSLATE, 0));
        assertThat(b.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S2, 2, 0, false));
        assertThat(b.ste(1).vmid()).isEqualTo(2);
        assertThat(b.vmids(0).values()).allSatisfy(o -> assertThat(o.kind()).isEqualTo(OwnerKind.HWPT));
        assertThat(b.vmids(0)).hasSize(2);
    }

    @Test
    void vmid4_viommuPolicy_theParentAndEachViommuOwnOne() {
        Bench b = new Bench(Policy.VIOMMU);
        int c = b.open(), dev = b.bind(c, 0), dev1 = b.bind(c, 1), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        int v1 = b.viommu(c, dev, p), v2 = b.viommu(c, dev, p);
        assertThat(b.vmids(0)).containsOnly(Map.entry(1, new Owner(OwnerKind.HWPT, c, p)),
                Map.entry(2, new Owner(OwnerKind.VIOMMU, c, v1)), Map.entry(3, new Owner(OwnerKind.VIOMMU, c, v2)));
        b.attach(c, dev, p);
        b.attach(c, dev1, b.nested(c, dev1, v2, VSTE_BYPASS, 0));
        assertThat(b.ste(0).vmid()).isEqualTo(1);
        assertThat(b.ste(1).vmid()).isEqualTo(3);
        b.ok(new Op.Invalidate(c, v1, DataType.ARM_SMMUV3, List.of(new Cmd(Cmd.TLBI_NH_ALL, 0))));
        assertThat(b.last.issued().get(0).cmd().vmid()).isEqualTo(2);
    }

    @Test
    void vmid8_viommuPolicyAllocatesLastAtViommuAlloc() {
        Bench b = new Bench(Bench.platform(Policy.VIOMMU, 1, new KvmSpec(1, 8)));
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        b.fails(new Op.ViommuAlloc(c, dev, s1, "ARM_SMMUV3"), EINVAL, "VIOMMU-1");
        b.fails(new Op.ViommuAlloc(c, dev, p, "ARM_SMMUV3"), ENOSPC, "VMID-3");
    }

    @Test
    void vmid4_ictx_oneVmidPerContextAndSmmu() {
        Bench b = new Bench(Policy.ICTX);
        int c = b.open(), dev = b.bind(c, 0), dev2 = b.bind(c, 2), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        int v = b.viommu(c, dev, p);
        b.parent(c, dev2, ioas);
        int d = b.open(), ddev = b.bind(d, 1), dioas = b.ioas(d);
        b.parent(d, ddev, dioas);
        assertThat(b.vmids(0)).containsOnly(Map.entry(1, new Owner(OwnerKind.ICTX, c, 0)),
                Map.entry(2, new Owner(OwnerKind.ICTX, d, 0)));
        assertThat(b.vmids(1)).containsOnly(Map.entry(1, new Owner(OwnerKind.ICTX, c, 0)));
        b.attach(c, dev, b.nested(c, dev, v, VSTE_BYPASS, 0));
        assertThat(b.ste(0).vmid()).isEqualTo(1);
        b.fails(paging(c, dev, ioas, NEST_PARENT), EBUSY, "VMID-6");
    }

    @Test
    void vmid8_ictxBusyComesBeforeEnospc() {
        Bench b = new Bench(Bench.platform(Policy.ICTX, 1, new KvmSpec(1, 8)));
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        b.parent(c, dev, ioas);
        b.fails(paging(c, dev, ioas, NEST_PARENT), EBUSY, "VMID-6");
        int d = b.open(), ddev = b.bind(d, 1), dioas = b.ioas(d);
        b.fails(paging(d, ddev, dioas, NEST_PARENT), ENOSPC, "VMID-3");
    }

    @Test
    void vmid5_ictxIsReleasedWithThePairsLastParent() {
        Bench b = new Bench(Policy.ICTX);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        b.ok(new Op.Destroy(c, p));
        assertThat(b.last.issued()).containsExactly(on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.sync()));
        assertThat(b.vmids(0)).isEmpty();
    }

    @Test
    void vmid5_releaseIssuesS12VmallThenSync() {
        Bench b = new Bench(Policy.S2_PARENT);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        b.parent(c, dev, ioas);
        int p = b.parent(c, dev, ioas);
        b.attach(c, dev, p);
        assertThat(b.tlb(0)).containsExactly(2);
        b.ok(new Op.Detach(c, dev));
        b.ok(new Op.Destroy(c, p));
        assertThat(b.last.issued()).containsExactly(on(0, Cmd.tlbiS12Vmall(2)), on(0, Cmd.sync()));
        assertThat(b.last.rule()).isEqualTo("OBJ-3");
        assertThat(b.vmids(0)).containsOnlyKeys(1);
        assertThat(b.tlb(0)).isEmpty();
        assertThat(b.parent(c, dev, ioas)).isEqualTo(p);
        assertThat(b.vmids(0)).containsOnlyKeys(1, 2);
    }

    @Test
    void vmid4_kvmPinned_theSmmuUsesThePinnedKvmIndex() {
        Bench b = new Bench(Policy.KVM_PINNED);
        int vm1 = b.vm(), vm2 = b.vm();
        b.ok(new Op.VcpuLoad(vm1, 0)); // index 1
        int c = b.open();
        b.ok(new Op.KvmBind(c, vm2));
        int dev = b.bind(c, 0), dev2 = b.bind(c, 2), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        assertThat(b.kvmVm(vm2)).isEqualTo(new Snapshot.Vm(1, 2, 1));
        assertThat(b.vmids(0)).containsOnly(Map.entry(2, new Owner(OwnerKind.KVM, 0, vm2)));
        b.parent(c, dev2, ioas);
        assertThat(b.kvmVm(vm2)).isEqualTo(new Snapshot.Vm(1, 2, 2));
        assertThat(b.vmids(1)).containsOnly(Map.entry(2, new Owner(OwnerKind.KVM, 0, vm2)));
        int v = b.viommu(c, dev, p);
        b.attach(c, dev, b.nested(c, dev, v, VSTE_BYPASS, 0));
        assertThat(b.ste(0).vmid()).isEqualTo(2);
        b.fails(paging(c, dev, ioas, NEST_PARENT), EBUSY, "VMID-6");
    }

    @Test
    void vmid7_kvmPinnedChecksInOrder() {
        Bench narrow = new Bench(Bench.platform(Policy.KVM_PINNED, 4, new KvmSpec(2, 8)));
        int c = narrow.open(), dev = narrow.bind(c, 0), ioas = narrow.ioas(c);
        narrow.fails(paging(c, dev, ioas, NEST_PARENT), EINVAL, "VMID-7");
        narrow.ok(new Op.KvmBind(c, narrow.vm()));
        narrow.fails(paging(c, dev, ioas, NEST_PARENT), EOPNOTSUPP, "VMID-7");
        narrow.ok(paging(c, dev, ioas, 0));
    }

    @Test
    void vmid7_pinFailureIsEnospc_pinCapZeroWithTwoBitsAndTwoCpus() {
        Bench b = new Bench(Bench.platform(Policy.KVM_PINNED, 8, new KvmSpec(2, 2)));
        int c = b.open(), vm = b.vm();
        b.ok(new Op.KvmBind(c, vm));
        int dev = b.bind(c, 0), ioas = b.ioas(c);
        b.fails(paging(c, dev, ioas, NEST_PARENT), ENOSPC, "VMID-7");
        assertThat(b.kvmVm(vm)).isEqualTo(new Snapshot.Vm(0, 0, 0));
    }

    @Test
    void vmid8_kvmPinnedBusyComesBeforePinFailure() {
        Bench b = new Bench(Bench.platform(Policy.KVM_PINNED, 8, new KvmSpec(1, 2))); // pin cap 1
        int c = b.open();
        b.ok(new Op.KvmBind(c, b.vm()));
        int dev = b.bind(c, 0), ioas = b.ioas(c);
        b.parent(c, dev, ioas);
        b.fails(paging(c, dev, ioas, NEST_PARENT), EBUSY, "VMID-6");
        int d = b.open();
        b.ok(new Op.KvmBind(d, b.vm()));
        int ddev = b.bind(d, 1), dioas = b.ioas(d);
        b.fails(paging(d, ddev, dioas, NEST_PARENT), ENOSPC, "VMID-7");
    }

    @Test
    void vmid5_kvmPinnedInvalidatesBeforeTheUnpin() {
        Bench b = new Bench(Policy.KVM_PINNED);
        int c = b.open(), vm = b.vm();
        b.ok(new Op.KvmBind(c, vm));
        int dev = b.bind(c, 0), ioas = b.ioas(c);
        int p = b.parent(c, dev, ioas);
        b.attach(c, dev, p);
        assertThat(b.tlb(0)).containsExactly(1);
        b.ok(new Op.Detach(c, dev));
        b.ok(new Op.Destroy(c, p));
        assertThat(b.last.issued()).containsExactly(on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.sync()));
        assertThat(b.kvmVm(vm).pins()).isZero();
        assertThat(b.vmids(0)).isEmpty();
        assertThat(b.tlb(0)).isEmpty();
    }
}
