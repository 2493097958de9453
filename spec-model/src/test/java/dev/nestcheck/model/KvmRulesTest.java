package dev.nestcheck.model;

import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import static dev.nestcheck.spec.Errno.EBADF;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.ENOSPC;
import static org.assertj.core.api.Assertions.assertThat;

/** KVM-1..KVM-8: the arm64 VMID allocator, its pins, and VM lifetimes. */
class KvmRulesTest {
    static Bench kvm(int cpus, int bits) {
        return new Bench(Bench.platform(Policy.KVM_PINNED, 16, new KvmSpec(cpus, bits)));
    }

    static void load(Bench b, int vm, int cpu) {
        b.ok(new Op.VcpuLoad(vm, cpu));
    }

    /** A context bound to {@code vm} with a nest parent on device {@code device}: the VM is pinned once. */
    static int pinnedParent(Bench b, int vm, int device) {
        int c = b.open();
        b.ok(new Op.KvmBind(c, vm));
        int dev = b.bind(c, device);
        b.parent(c, dev, b.ioas(c));
        return c;
    }

    @Test
    void kvm1_aNewVmHasNoVmid() {
        Bench b = kvm(2, 8);
        int vm = b.vm();
        assertThat(b.kvmVm(vm)).isEqualTo(new Snapshot.Vm(0, 0, 0));
        assertThat(b.last.rule()).isEqualTo("KVM-1");
    }

    @Test
    void kvm2_errorsAndRunning() {
        Bench b = kvm(2, 8);
        b.fails(new Op.VcpuLoad(1, 5), ENOENT, "KVM-2");
        int vm = b.vm();
        b.fails(new Op.VcpuLoad(vm, 2), EINVAL, "KVM-2");
        b.fails(new Op.VcpuLoad(vm, -1), EINVAL, "KVM-2");
        b.fails(new Op.VcpuPut(2), EINVAL, "KVM-2");
        load(b, vm, 1);
        assertThat(b.kvmVm(vm)).isEqualTo(new Snapshot.Vm(1, 1, 0));
        assertThat(b.snap().kvm().cpuRunning()).containsExactly(0, vm);
        load(b, vm, 0);
        assertThat(b.snap().kvm().cpuRunning()).containsExactly(vm, vm);
        b.ok(new Op.VcpuPut(1));
        assertThat(b.snap().kvm().cpuRunning()).containsExactly(vm, 0);
        assertThat(b.kvmVm(vm)).as("a current VM keeps its VMID").isEqualTo(new Snapshot.Vm(1, 1, 0));
    }

    /**
     * KVM-2/KVM-4 decision: loading a VM on a CPU first puts what the CPU ran (arch/arm64/kvm/arm.c:
     * kvm_arch_vcpu_put calls kvm_arm_vmid_clear_active before the next vCPU's VMID update), so a
     * rollover during that load does not reserve the replaced VM's index.
     */
    @Test
    void kvm2_loadingAnotherVmFirstPutsTheOneTheCpuRan() {
        Bench b = kvm(2, 2); // indices 1..3
        for (int i = 1; i <= 4; i++) b.vm();
        load(b, 1, 0);
        load(b, 2, 1);
        load(b, 3, 0);
        load(b, 1, 0);
        load(b, 4, 1); // rollover: CPU 0 runs VM 1; CPU 1 put VM 2 before loading VM 4
        assertThat(b.snap().kvm().rollovers()).isEqualTo(1);
        assertThat(b.kvmVm(4)).as("VM 2's index 2 is not reserved").isEqualTo(new Snapshot.Vm(2, 2, 0));
    }

    @Test
    void kvm3_nextFreeIndex_orTheOldOneIfStillFree() {
        Bench b = kvm(1, 3); // indices 1..7
        for (int i = 1; i <= 8; i++) load(b, b.vm(), 0);
        assertThat(b.kvmVm(7)).isEqualTo(new Snapshot.Vm(1, 7, 0));
        assertThat(b.kvmVm(8)).as("no free index upward of 7: rollover").isEqualTo(new Snapshot.Vm(2, 1, 0));
        load(b, 3, 0);
        assertThat(b.kvmVm(3)).as("index 3 is still free in generation 2").isEqualTo(new Snapshot.Vm(2, 3, 0));
        int vm9 = b.vm();
        load(b, vm9, 0);
        assertThat(b.kvmVm(vm9)).isEqualTo(new Snapshot.Vm(2, 2, 0));
        load(b, 1, 0);
        assertThat(b.kvmVm(1)).as("index 1 is taken by VM 8").isEqualTo(new Snapshot.Vm(2, 4, 0));
        assertThat(b.snap().kvm().rollovers()).isEqualTo(1);
    }

    @Test
    void kvm4_rolloverKeepsRunningAndPinnedIndices() {
        Bench b = kvm(3, 3); // indices 1..7, pin cap 3
        for (int i = 1; i <= 8; i++) b.vm();
        load(b, 1, 0);
        load(b, 2, 1);
        pinnedParent(b, 3, 0);
        assertThat(b.kvmVm(3)).isEqualTo(new Snapshot.Vm(1, 3, 1));
        for (int vm = 4; vm <= 7; vm++) load(b, vm, 2);
        load(b, 8, 2);
        Snapshot.Kvm k = b.snap().kvm();
        assertThat(k.rollovers()).isEqualTo(1);
        assertThat(k.vms().get(8)).as("1, 2 run and 3 is pinned").isEqualTo(new Snapshot.Vm(2, 4, 0));
        assertThat(k.cpuRunning()).containsExactly(1, 2, 8);
        load(b, 1, 0);
        assertThat(b.kvmVm(1)).as("reserved by CPU 0").isEqualTo(new Snapshot.Vm(2, 1, 0));
        load(b, 4, 2);
        assertThat(b.kvmVm(4)).isEqualTo(new Snapshot.Vm(2, 5, 0));
        load(b, 3, 1);
        assertThat(b.kvmVm(3)).as("KVM-6: pinned").isEqualTo(new Snapshot.Vm(2, 3, 1));
        load(b, 2, 2);
        assertThat(b.kvmVm(2)).as("still reserved by CPU 1").isEqualTo(new Snapshot.Vm(2, 2, 0));
    }

    @Test
    void kvm4_aCpuIdleSinceTheLastRolloverKeepsItsReservedIndex() {
        Bench b = kvm(2, 2); // indices 1..3
        for (int i = 1; i <= 6; i++) b.vm();
        load(b, 1, 0);
        load(b, 2, 1);
        load(b, 3, 1);
        load(b, 4, 1); // rollover 1: CPU 0 runs VM 1
        assertThat(b.kvmVm(4)).isEqualTo(new Snapshot.Vm(2, 2, 0));
        load(b, 5, 1);
        load(b, 6, 1); // rollover 2: CPU 0's active slot is 0, its reservation (VM 1) is kept
        assertThat(b.kvmVm(5)).isEqualTo(new Snapshot.Vm(2, 3, 0));
        assertThat(b.kvmVm(6)).isEqualTo(new Snapshot.Vm(3, 2, 0));
        assertThat(b.snap().kvm().rollovers()).isEqualTo(2);
        load(b, 1, 0);
        assertThat(b.kvmVm(1)).isEqualTo(new Snapshot.Vm(3, 1, 0));
    }

    @Test
    void kvm4_vcpuPutReleasesTheCpusIndexAtTheNextRollover() {
        Bench b = kvm(2, 2);
        for (int i = 1; i <= 4; i++) b.vm();
        load(b, 1, 0);
        b.ok(new Op.VcpuPut(0));
        load(b, 2, 1);
        load(b, 3, 1);
        load(b, 4, 1); // rollover: nothing is running
        assertThat(b.kvmVm(4)).isEqualTo(new Snapshot.Vm(2, 1, 0));
    }

    @Test
    void kvm5_pinsAreCountedPerVmAndCapped() {
        Bench b = new Bench(Bench.platform(Policy.KVM_PINNED, 8, new KvmSpec(1, 2))); // pin cap 1
        int vm1 = b.vm(), vm2 = b.vm();
        int c = b.open();
        b.ok(new Op.KvmBind(c, vm1));
        int dev = b.bind(c, 0), dev2 = b.bind(c, 2), ioas = b.ioas(c);
        int p0 = b.parent(c, dev, ioas), p1 = b.parent(c, dev2, ioas);
        assertThat(b.kvmVm(vm1)).isEqualTo(new Snapshot.Vm(1, 1, 2));
        int d = b.open();
        b.ok(new Op.KvmBind(d, vm2));
        int ddev = b.bind(d, 1), dioas = b.ioas(d);
        b.fails(Bench.paging(d, ddev, dioas, HwptFlags.NEST_PARENT), ENOSPC, "VMID-7");
        b.ok(new Op.Destroy(c, p1));
        assertThat(b.kvmVm(vm1)).isEqualTo(new Snapshot.Vm(1, 1, 1));
        b.ok(new Op.Destroy(c, p0));
        assertThat(b.kvmVm(vm1)).isEqualTo(new Snapshot.Vm(1, 1, 0));
        b.parent(d, ddev, dioas);
        assertThat(b.kvmVm(vm2)).as("KVM-5: the unpinned index 1 stays in use").isEqualTo(new Snapshot.Vm(1, 2, 1));
    }

    @Test
    void kvm5_unpinnedIndexIsReclaimedAtTheNextRollover() {
        Bench b = kvm(1, 2); // pin cap 1
        int vm1 = b.vm();
        int c = pinnedParent(b, vm1, 0);
        b.ok(new Op.Close(c));
        assertThat(b.kvmVm(vm1)).isEqualTo(new Snapshot.Vm(1, 1, 0));
        for (int i = 0; i < 3; i++) load(b, b.vm(), 0);
        assertThat(b.kvmVm(4)).isEqualTo(new Snapshot.Vm(2, 1, 0));
    }

    @Test
    void kvm6_aPinnedIndexIsNeverGivenToAnotherVm() {
        Bench b = kvm(1, 2); // indices 1..3, pin cap 1
        int vm1 = b.vm();
        pinnedParent(b, vm1, 0);
        for (int i = 0; i < 10; i++) {
            int vm = b.vm();
            load(b, vm, 0);
            assertThat(b.kvmVm(vm).index()).isNotEqualTo(1);
        }
        assertThat(b.snap().kvm().rollovers()).isGreaterThanOrEqualTo(4);
        load(b, vm1, 0);
        assertThat(b.kvmVm(vm1).index()).isEqualTo(1);
        assertThat(b.vmids(0)).containsOnlyKeys(1);
    }

    @Test
    void kvm7_destroyStopsItsCpusAndFreesNoIndex() {
        Bench b = kvm(2, 8);
        b.fails(new Op.KvmVmDestroy(1), ENOENT, "KVM-7");
        int vm1 = b.vm(), vm2 = b.vm();
        int c = b.open();
        b.ok(new Op.KvmBind(c, vm2));
        b.fails(new Op.KvmVmDestroy(vm2), EBUSY, "KVM-7");
        load(b, vm1, 1);
        b.ok(new Op.KvmVmDestroy(vm1));
        assertThat(b.snap().kvm().cpuRunning()).containsExactly(0, 0);
        assertThat(b.snap().kvm().vms()).containsOnlyKeys(vm2);
        b.fails(new Op.VcpuLoad(vm1, 0), ENOENT, "KVM-2");
        load(b, vm2, 0);
        assertThat(b.kvmVm(vm2).index()).isEqualTo(2);
    }

    @Test
    void kvm8_bindOneVmToOneContextUntilClose() {
        Bench b = kvm(2, 8);
        int c = b.open(), d = b.open();
        b.fails(new Op.KvmBind(c, 1), ENOENT, "KVM-8");
        int vm1 = b.vm(), vm2 = b.vm();
        b.ok(new Op.KvmBind(c, vm1));
        b.fails(new Op.KvmBind(c, vm2), EBUSY, "KVM-8");
        b.fails(new Op.KvmBind(d, vm1), EBUSY, "KVM-8");
        assertThat(b.snap().contexts().get(c).kvmVm()).isEqualTo(vm1);
        b.ok(new Op.Close(c));
        b.fails(new Op.KvmBind(c, vm2), EBADF, "OBJ-1");
        b.ok(new Op.KvmBind(d, vm1));
    }
}
