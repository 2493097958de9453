package dev.nestcheck.model;

import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;

/**
 * KVM-1..KVM-7 alone: the KVM VMID allocator as a component, for implementations that check
 * only their allocator (the {@code kvm} component of the process protocol, docs/PROTOCOL.md).
 * The allocator is {@link KvmVmids}, the same one {@link ReferenceModel} uses; this class only
 * adds the errno checks and makes PIN and UNPIN explicit operations (in the whole contract they
 * happen inside HWPT_ALLOC and DESTROY under KVM_PINNED).
 *
 * <p>Two component decisions, consistent with the whole contract: destroying a pinned VM is
 * EBUSY (a pin only exists while a context is bound to the VM, and KVM-7 makes destroying a
 * bound VM EBUSY), and UNPIN of a VM that is not pinned is EINVAL (the contract never does it).
 */
public final class KvmComponentModel {
    private final KvmVmids kvm;

    public KvmComponentModel(KvmSpec spec) {
        this.kvm = new KvmVmids(spec);
    }

    /** KVM-1: a new VM, numbered 1, 2, ... (OBJ-0), without a VMID. */
    public Outcome vmCreate() {
        return Outcome.ok(kvm.kvm1_create(), "KVM-1");
    }

    /** KVM-7: unknown → ENOENT; pinned → EBUSY; else its CPUs stop running it and it is gone. */
    public Outcome vmDestroy(int vm) {
        KvmVmids.Vm v = kvm.vms.get(vm);
        if (v == null) return Outcome.fail(Errno.ENOENT, "KVM-7");
        if (v.pins > 0) return Outcome.fail(Errno.EBUSY, "KVM-7");
        kvm.kvm7_destroy(vm);
        return Outcome.ok("KVM-7");
    }

    /** KVM-2 VCPU_LOAD: unknown VM → ENOENT; CPU out of range → EINVAL. */
    public Outcome vcpuLoad(int vm, int cpu) {
        if (!kvm.vms.containsKey(vm)) return Outcome.fail(Errno.ENOENT, "KVM-2");
        if (cpu < 0 || cpu >= kvm.cpus()) return Outcome.fail(Errno.EINVAL, "KVM-2");
        kvm.kvm2_load(vm, cpu);
        return Outcome.ok("KVM-2");
    }

    /** KVM-2 VCPU_PUT: CPU out of range → EINVAL. */
    public Outcome vcpuPut(int cpu) {
        if (cpu < 0 || cpu >= kvm.cpus()) return Outcome.fail(Errno.EINVAL, "KVM-2");
        kvm.kvm2_put(cpu);
        return Outcome.ok("KVM-2");
    }

    /** KVM-5 PIN: unknown → ENOENT; the pin cap reached → ENOSPC (VMID-7); else the pinned index. */
    public Outcome pin(int vm) {
        if (!kvm.vms.containsKey(vm)) return Outcome.fail(Errno.ENOENT, "KVM-5");
        int index = kvm.kvm5_pin(vm);
        if (index == 0) return Outcome.fail(Errno.ENOSPC, "KVM-5");
        return Outcome.ok(index, "KVM-5");
    }

    /** KVM-5 UNPIN: unknown → ENOENT; not pinned → EINVAL; else one pin less. */
    public Outcome unpin(int vm) {
        KvmVmids.Vm v = kvm.vms.get(vm);
        if (v == null) return Outcome.fail(Errno.ENOENT, "KVM-5");
        if (v.pins == 0) return Outcome.fail(Errno.EINVAL, "KVM-5");
        kvm.kvm5_unpin(vm);
        return Outcome.ok("KVM-5");
    }

    /** The KVM part of OBS-2. */
    public Snapshot.Kvm snapshot() {
        return kvm.snapshot();
    }
}
