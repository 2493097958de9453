package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** VMID-1..8 under every policy, TLB-1..3. */
class VmidPolicyTest {

    private static Snapshot.Owner owner(Snapshot.OwnerKind k, int ctx, int id) {
        return new Snapshot.Owner(k, ctx, id);
    }

    private static int only(Map<Integer, Snapshot.Owner> vmids, Snapshot.Owner o) {
        return vmids.entrySet().stream().filter(e -> e.getValue().equals(o)).findFirst().orElseThrow().getKey();
    }

    @Test
    void s2parent_parentOwnsAndEveryViommuOnItShares() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        int dev5 = f.id(bind(1, 5));
        int v2 = f.id(viommu(1, dev5, s.parent()));
        f.id(vdev(1, v2, dev5, 1));
        f.ok(attach(1, dev5, f.id(nested(1, dev5, v2, VSTE_TRANSLATE, 0))));
        Map<Integer, Snapshot.Owner> vmids = f.snap().smmus().get(0).vmids();
        assertThat(vmids).hasSize(1);
        int v = only(vmids, owner(Snapshot.OwnerKind.HWPT, 1, s.parent()));
        assertThat(v).isBetween(1, 255);
        assertThat(f.ste(0).vmid()).isEqualTo(v);
        assertThat(f.ste(5).vmid()).isEqualTo(v);
        int p2 = f.id(parent(1, s.dev(), s.ioas()));
        int w = only(f.snap().smmus().get(0).vmids(), owner(Snapshot.OwnerKind.HWPT, 1, p2));
        assertThat(w).isNotEqualTo(v);
        f.ok(destroy(1, p2));
        assertThat(f.last.issued()).containsExactly(new Issued(0, Cmd.tlbiS12Vmall(w)), new Issued(0, Cmd.sync()));
    }

    @Test
    void vmid3_exhaustionIsEnospcAndConsumesNothing() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT, 2, new KvmSpec(1, 2)));
        f.ok(open());
        int dev = f.id(bind(1, 0));
        int ioas = f.id(ioas(1));
        int a = f.id(parent(1, dev, ioas));
        f.id(parent(1, dev, ioas));
        f.id(parent(1, dev, ioas));
        assertThat(f.snap().smmus().get(0).vmids().keySet()).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(f.err(parent(1, dev, ioas))).isEqualTo(Errno.ENOSPC);
        assertThat(f.id(ioas(1))).isEqualTo(6);
        f.ok(destroy(1, a));
        assertThat(f.id(parent(1, dev, ioas))).isEqualTo(a);
    }

    @Test
    void vmid5_tlb3_releasedVmidIsInvalidatedBeforeReuse() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT, 1, new KvmSpec(1, 2))); // one VMID only
        f.ok(open());
        int dev = f.id(bind(1, 0));
        int ioas = f.id(ioas(1));
        int p = f.id(parent(1, dev, ioas));
        f.ok(attach(1, dev, p));
        assertThat(f.snap().smmus().get(0).tlb()).containsExactly(1);
        assertThat(f.err(parent(1, dev, ioas))).isEqualTo(Errno.ENOSPC);
        f.ok(detach(1, dev));
        f.ok(destroy(1, p));
        assertThat(f.last.issued()).containsExactly(new Issued(0, Cmd.tlbiS12Vmall(1)), new Issued(0, Cmd.sync()));
        assertThat(f.snap().smmus().get(0).tlb()).isEmpty();
        int q = f.id(parent(1, dev, ioas));
        assertThat(f.snap().smmus().get(0).vmids()).containsOnlyKeys(1);
        assertThat(f.snap().smmus().get(0).tlb()).doesNotContain(1);
        assertThat(q).isEqualTo(p);
    }

    @Test
    void viommuPolicy_parentAndEachViommuOwnOne() {
        Fixture f = new Fixture(platform(Policy.VIOMMU));
        f.ok(open());
        Fixture.Setup s = f.nestedSetup(1, 0, 7);
        int dev5 = f.id(bind(1, 5));
        f.ok(attach(1, dev5, s.parent()));
        Map<Integer, Snapshot.Owner> vmids = f.snap().smmus().get(0).vmids();
        int vp = only(vmids, owner(Snapshot.OwnerKind.HWPT, 1, s.parent()));
        int vv = only(vmids, owner(Snapshot.OwnerKind.VIOMMU, 1, s.viommu()));
        assertThat(vp).isNotEqualTo(vv);
        assertThat(f.ste(0)).extracting(Snapshot.Ste::kind, Snapshot.Ste::vmid).containsExactly(SteKind.NESTED, vv);
        assertThat(f.ste(5)).extracting(Snapshot.Ste::kind, Snapshot.Ste::vmid).containsExactly(SteKind.S2, vp);
        assertThat(f.snap().smmus().get(0).tlb()).containsExactlyInAnyOrder(vp, vv);
        f.ok(detach(1, s.dev()));
        f.ok(destroy(1, s.nested()));
        f.ok(destroy(1, s.vdev()));
        f.ok(destroy(1, s.viommu()));
        assertThat(f.last.issued()).containsExactly(new Issued(0, Cmd.tlbiS12Vmall(vv)), new Issued(0, Cmd.sync()));
        assertThat(f.snap().smmus().get(0).tlb()).containsExactly(vp);
    }

    @Test
    void viommuPolicy_allocationIsTheLastCheck() {
        Fixture f = new Fixture(platform(Policy.VIOMMU, 1, new KvmSpec(1, 2)));
        f.ok(open());
        int dev = f.id(bind(1, 0));
        int ioas = f.id(ioas(1));
        int p = f.id(parent(1, dev, ioas)); // takes the only VMID
        int s1 = f.id(s1(1, dev, ioas));
        assertThat(f.err(viommu(1, dev, s1))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(viommu(1, dev, 99))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(viommu(1, dev, p))).isEqualTo(Errno.ENOSPC);
        assertThat(f.id(ioas(1))).isEqualTo(s1 + 1);
    }

    @Test
    void ictx_oneVmidPerContextAndSmmu() {
        Fixture f = new Fixture(platform(Policy.ICTX));
        f.ok(open());
        f.ok(open());
        Fixture.Setup a = f.nestedSetup(1, 0, 7);
        int dev5 = f.id(bind(1, 5));
        f.ok(attach(1, dev5, a.parent()));
        assertThat(f.err(parent(1, a.dev(), a.ioas()))).isEqualTo(Errno.EBUSY); // VMID-6
        Fixture.Setup b = f.nestedSetup(2, 1, 7);
        int dev2 = f.id(bind(1, 2));
        int p2 = f.id(parent(1, dev2, a.ioas())); // other SMMU: its own pair
        Snapshot snap = f.snap();
        int v1 = only(snap.smmus().get(0).vmids(), owner(Snapshot.OwnerKind.ICTX, 1, 0));
        int v2 = only(snap.smmus().get(0).vmids(), owner(Snapshot.OwnerKind.ICTX, 2, 0));
        assertThat(v1).isNotEqualTo(v2);
        assertThat(snap.smmus().get(1).vmids().values()).containsExactly(owner(Snapshot.OwnerKind.ICTX, 1, 0));
        assertThat(f.ste(0).vmid()).isEqualTo(v1);
        assertThat(f.ste(5).vmid()).isEqualTo(v1);
        assertThat(f.ste(1).vmid()).isEqualTo(v2);
        f.ok(destroy(1, p2));
        assertThat(f.issuedNames()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC");
        assertThat(f.snap().smmus().get(1).vmids()).isEmpty();
        f.ok(close(2));
        assertThat(f.last.issued()).containsExactly(new Issued(0, Cmd.tlbiS12Vmall(v2)), new Issued(0, Cmd.sync()));
        assertThat(b.parent()).isPositive();
    }

    @Test
    void ictx_busyComesBeforeExhaustion() {
        Fixture f = new Fixture(platform(Policy.ICTX, 1, new KvmSpec(1, 2)));
        f.ok(open());
        f.ok(open());
        int dev = f.id(bind(1, 0));
        int ioas = f.id(ioas(1));
        f.id(parent(1, dev, ioas));
        assertThat(f.err(parent(1, dev, ioas))).isEqualTo(Errno.EBUSY);
        int dev2 = f.id(bind(2, 1));
        assertThat(f.err(parent(2, dev2, f.id(ioas(2))))).isEqualTo(Errno.ENOSPC);
    }

    @Test
    void kvmPinned_checksAndPinnedIndex() {
        Fixture f = new Fixture(platform(Policy.KVM_PINNED, 4, new KvmSpec(2, 8)));
        f.ok(open());
        int dev0 = f.id(bind(1, 0));
        int dev2 = f.id(bind(1, 2));
        int dev4 = f.id(bind(1, 4));
        int ioas = f.id(ioas(1));
        assertThat(f.err(parent(1, dev4, ioas))).isEqualTo(Errno.EOPNOTSUPP); // no nesting first
        assertThat(f.err(parent(1, dev2, ioas))).isEqualTo(Errno.EINVAL); // no VM bound
        assertThat(f.id(s1(1, dev2, ioas))).isPositive(); // stage 1 needs none
        int vm = (int) f.ok(vmCreate());
        f.ok(kvmBind(1, vm));
        assertThat(f.err(parent(1, dev0, ioas))).isEqualTo(Errno.EOPNOTSUPP); // smmu0: 4 < 8 bits
        int p = f.id(parent(1, dev2, ioas));
        assertThat(f.err(parent(1, dev2, ioas))).isEqualTo(Errno.EBUSY);
        Snapshot.Vm v = f.snap().kvm().vms().get(vm);
        assertThat(v.pins()).isEqualTo(1);
        assertThat(v.index()).isPositive();
        assertThat(f.snap().smmus().get(1).vmids()).containsExactly(Map.entry(v.index(), owner(Snapshot.OwnerKind.KVM, 0, vm)));
        int viommu = f.id(viommu(1, dev2, p));
        f.id(vdev(1, viommu, dev2, 1));
        f.ok(attach(1, dev2, f.id(nested(1, dev2, viommu, VSTE_TRANSLATE, 0))));
        assertThat(f.ste(2).vmid()).isEqualTo(v.index()); // REQ-BTM
        assertThat(f.err(vmDestroy(vm))).isEqualTo(Errno.EBUSY);
        f.ok(close(1));
        assertThat(f.last.issued()).containsExactly(new Issued(1, Cmd.tlbiS12Vmall(v.index())), new Issued(1, Cmd.sync()));
        assertThat(f.snap().kvm().vms().get(vm).pins()).isZero();
        assertThat(f.snap().smmus().get(1).vmids()).isEmpty();
        f.ok(vmDestroy(vm));
    }

    @Test
    void kvmPinned_pinCapIsEnospc() {
        // kvm 2 bits, 1 cpu: pin cap 4 - 1 - 2 = 1.
        Fixture f = new Fixture(platform(Policy.KVM_PINNED, 8, new KvmSpec(1, 2)));
        int vm1 = (int) f.ok(vmCreate());
        int vm2 = (int) f.ok(vmCreate());
        f.ok(open());
        f.ok(open());
        f.ok(kvmBind(1, vm1));
        f.ok(kvmBind(2, vm2));
        assertThat(f.err(kvmBind(1, vm2))).isEqualTo(Errno.EBUSY);
        int d1 = f.id(bind(1, 0));
        int d2 = f.id(bind(2, 1));
        int d3 = f.id(bind(1, 2));
        f.id(parent(1, d1, f.id(ioas(1))));
        f.id(parent(1, d3, f.id(ioas(1)))); // same VM, other SMMU: pinned twice
        assertThat(f.snap().kvm().vms().get(vm1).pins()).isEqualTo(2);
        assertThat(f.err(parent(2, d2, f.id(ioas(2))))).isEqualTo(Errno.ENOSPC);
        assertThat(f.snap().smmus().get(0).vmids()).hasSize(1);
        f.ok(close(1));
        assertThat(f.issuedNames()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC", "TLBI_S12_VMALL", "CMD_SYNC");
        assertThat(f.snap().kvm().vms().get(vm1).pins()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void g7_noLeakAfterClose(Policy policy) {
        Fixture f = new Fixture(platform(policy));
        int vm = (int) f.ok(vmCreate());
        f.ok(open());
        f.ok(kvmBind(1, vm));
        f.nestedSetup(1, 0, 1);
        int dev2 = f.id(bind(1, 2));
        int io = f.id(ioas(1));
        int p = f.id(parent(1, dev2, io));
        f.ok(attach(1, dev2, p));
        f.ok(close(1));
        Snapshot s = f.snap();
        assertThat(s.smmus()).allMatch(m -> m.vmids().isEmpty() && m.tlb().isEmpty());
        assertThat(s.devices()).allMatch(d -> d.ste().kind() == SteKind.ABORT);
        assertThat(s.kvm().vms().get(vm).pins()).isZero();
    }
}
