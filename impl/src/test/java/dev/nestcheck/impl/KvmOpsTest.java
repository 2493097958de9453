package dev.nestcheck.impl;

import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** KVM_VM_CREATE/DESTROY, KVM_BIND, VCPU_LOAD/PUT around the allocator (KVM-1, -2, -7, -8). */
class KvmOpsTest {

    @Test
    void vmsAreNumberedNeverReusedAndStartWithoutVmid() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        assertThat(f.ok(vmCreate())).isEqualTo(1);
        assertThat(f.ok(vmCreate())).isEqualTo(2);
        assertThat(f.snap().kvm().vms().get(1)).isEqualTo(new Snapshot.Vm(0, 0, 0));
        f.ok(vmDestroy(1));
        assertThat(f.ok(vmCreate())).isEqualTo(3);
        assertThat(f.snap().kvm().vms()).containsOnlyKeys(2, 3);
        assertThat(f.err(vmDestroy(1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(vmDestroy(9))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void kvm2_loadAndPut() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(vmCreate());
        f.ok(vmCreate());
        assertThat(f.err(load(3, 0))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(load(3, 7))).isEqualTo(Errno.ENOENT); // vm checked first
        assertThat(f.err(load(1, 2))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(load(1, -1))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(put(2))).isEqualTo(Errno.EINVAL);
        f.ok(load(1, 0));
        f.ok(load(2, 1));
        Snapshot.Kvm k = f.snap().kvm();
        assertThat(k.cpuRunning()).containsExactly(1, 2);
        assertThat(k.vms().get(1).generation()).isEqualTo(1);
        assertThat(k.vms().get(1).index()).isPositive().isNotEqualTo(k.vms().get(2).index());
        f.ok(load(2, 0)); // replaces what cpu 0 ran
        assertThat(f.snap().kvm().cpuRunning()).containsExactly(2, 2);
        f.ok(put(0));
        assertThat(f.snap().kvm().cpuRunning()).containsExactly(0, 2);
        f.ok(put(0)); // running nothing already: fine
    }

    @Test
    void kvm7_destroyStopsItsCpusAndKeepsOthers() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(vmCreate());
        f.ok(vmCreate());
        f.ok(load(1, 0));
        f.ok(load(2, 1));
        f.ok(vmDestroy(1));
        Snapshot.Kvm k = f.snap().kvm();
        assertThat(k.cpuRunning()).containsExactly(0, 2);
        assertThat(k.vms()).containsOnlyKeys(2);
        assertThat(f.last.issued()).isEmpty();
    }

    @Test
    void kvm7_kvm8_binding() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(vmCreate());
        f.ok(vmCreate());
        assertThat(f.err(kvmBind(1, 1))).isEqualTo(Errno.EBADF);
        f.ok(open());
        f.ok(open());
        assertThat(f.err(kvmBind(1, 5))).isEqualTo(Errno.ENOENT);
        f.ok(kvmBind(1, 1));
        assertThat(f.snap().contexts().get(1).kvmVm()).isEqualTo(1);
        assertThat(f.err(kvmBind(1, 2))).isEqualTo(Errno.EBUSY); // context already bound
        assertThat(f.err(kvmBind(2, 1))).isEqualTo(Errno.EBUSY); // VM already bound
        assertThat(f.err(vmDestroy(1))).isEqualTo(Errno.EBUSY);
        f.ok(close(1));
        f.ok(kvmBind(2, 1)); // the binding ended with the context
        f.ok(close(2));
        f.ok(vmDestroy(1));
    }

    @Test
    void rolloverIsVisibleInTheSnapshot() {
        // 2 bits, 1 cpu: indices 1..3; a fourth VM forces a rollover.
        Fixture f = new Fixture(platform(Policy.S2_PARENT, 8, new KvmSpec(1, 2)));
        for (int vm = 1; vm <= 4; vm++) {
            f.ok(vmCreate());
            f.ok(load(vm, 0));
        }
        Snapshot.Kvm k = f.snap().kvm();
        assertThat(k.rollovers()).isEqualTo(1);
        assertThat(k.vms().get(4).generation()).isEqualTo(2);
        assertThat(k.vms().get(1).generation()).isEqualTo(1);
        assertThat(k.cpuRunning()).containsExactly(4);
    }

    @Test
    void kvm2_theVmALoadReplacesIsNotReservedByThatCpuAtRollover() {
        // 2 cpus, 2 bits: indices 1..3. cpu0 runs vm1 (1), cpu1 ran vm2 (2) and now vm3 (3).
        // Loading vm4 on cpu0 rolls over; cpu0's vm1 was scheduled out first, so only
        // cpu1's index 3 stays in use and vm4 takes 1.
        Fixture f = new Fixture(platform(Policy.S2_PARENT, 8, new KvmSpec(2, 2)));
        for (int i = 0; i < 4; i++) f.ok(vmCreate());
        f.ok(load(1, 0));
        f.ok(load(2, 1));
        f.ok(load(3, 1));
        f.ok(load(4, 0));
        Snapshot.Kvm k = f.snap().kvm();
        assertThat(k.rollovers()).isEqualTo(1);
        assertThat(k.vms().get(4)).isEqualTo(new Snapshot.Vm(2, 1, 0));
        assertThat(k.vms().get(3)).isEqualTo(new Snapshot.Vm(1, 3, 0));
        assertThat(k.cpuRunning()).containsExactly(4, 3);
    }

    /**
     * KVM-7: destroy stops the VM's CPUs as VCPU_PUT does, so at the next rollover those
     * CPUs reserve nothing and the destroyed VM's index is free again.
     */
    @Test
    void kvm7_aDestroyedRunningVmsIndexIsReclaimedAtTheNextRollover() {
        Fixture f = new Fixture(platform(Policy.S2_PARENT, 8, new KvmSpec(2, 2))); // indices 1..3
        for (int i = 0; i < 4; i++) f.ok(vmCreate());
        f.ok(load(1, 0));
        int gone = f.snap().kvm().vms().get(1).index();
        f.ok(vmDestroy(1)); // cpu 0 ran VM 1 and now runs nothing
        f.ok(load(2, 1));
        f.ok(load(3, 1));
        assertThat(f.snap().kvm().rollovers()).isZero();
        f.ok(load(4, 1)); // no index left: rollover; nobody runs anything at that moment
        Snapshot.Kvm k = f.snap().kvm();
        assertThat(k.rollovers()).isEqualTo(1);
        assertThat(k.cpuRunning()).containsExactly(0, 4);
        assertThat(k.vms().get(4)).isEqualTo(new Snapshot.Vm(2, gone, 0));
    }
}
