package dev.nestcheck.spec;

import java.util.List;

/**
 * Every operation of the contract, one immutable record each, named and shaped as in the
 * trace format (TRACE.md). {@code ctx} is a context number (OBJ-0); {@code dev}, {@code pt},
 * {@code hwpt}, {@code viommu}, {@code id} are object IDs inside that context; {@code device}
 * is a platform device; {@code vm} a KVM VM number; {@code cpu} a KVM CPU.
 *
 * <p>Fields that are unsigned in the kernel's uapi keep their whole range as bit patterns:
 * {@code flags} is a u32 (values from 2^31 are negative ints), {@code virtId}, {@code iova}
 * and {@code pages} are u64 (values from 2^63 are negative longs). Compare them with
 * {@link Integer#compareUnsigned} / {@link Long#compareUnsigned}.
 */
public sealed interface Op {
    /** The trace's {@code op} name. */
    String name();

    /** Whether success returns a number (an ID) rather than {@code true}. */
    default boolean returnsValue() {
        return false;
    }

    <R> R accept(Visitor<R> v);

    /**
     * Dispatch without pattern matching for switch (Java 17). Operations added after v1 (rules
     * v2: {@link IoasMap}, {@link IoasUnmap}) have default methods, so that a visitor written
     * against the v1 contract still compiles; they call {@link #unsupported}, which throws. A
     * v2 implementation overrides them (nestcheck's model and implementation do, and a test
     * checks it).
     */
    interface Visitor<R> {
        R open(Open op);
        R close(Close op);
        R bind(Bind op);
        R unbind(Unbind op);
        R ioasAlloc(IoasAlloc op);
        R hwptAlloc(HwptAlloc op);
        R viommuAlloc(ViommuAlloc op);
        R vdeviceAlloc(VdeviceAlloc op);
        R attach(Attach op);
        R detach(Detach op);
        R destroy(Destroy op);
        R invalidate(Invalidate op);
        R kvmVmCreate(KvmVmCreate op);
        R kvmVmDestroy(KvmVmDestroy op);
        R kvmBind(KvmBind op);
        R vcpuLoad(VcpuLoad op);
        R vcpuPut(VcpuPut op);

        /** MAP-1 (rules v2). Default: {@link #unsupported}. */
        default R ioasMap(IoasMap op) {
            return unsupported(op);
        }

        /** MAP-2 (rules v2). Default: {@link #unsupported}. */
        default R ioasUnmap(IoasUnmap op) {
            return unsupported(op);
        }

        /**
         * What a visitor answers for an operation it was not written for: by default an
         * {@link UnsupportedOperationException} naming the operation and the rules that define it,
         * which nestcheck reports as a crash of the implementation.
         */
        default R unsupported(Op op) {
            throw new UnsupportedOperationException(op.name() + " is not implemented by " + getClass().getName()
                    + ": implement Op.Visitor." + (op instanceof IoasMap ? "ioasMap" : op instanceof IoasUnmap
                    ? "ioasUnmap" : op.name()) + " (RULES.md v2, section MAP)");
        }
    }

    record Open() implements Op {
        public String name() { return "open"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.open(this); }
    }

    record Close(int ctx) implements Op {
        public String name() { return "close"; }
        public <R> R accept(Visitor<R> v) { return v.close(this); }
    }

    record Bind(int ctx, int device) implements Op {
        public String name() { return "bind"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.bind(this); }
    }

    record Unbind(int ctx, int dev) implements Op {
        public String name() { return "unbind"; }
        public <R> R accept(Visitor<R> v) { return v.unbind(this); }
    }

    record IoasAlloc(int ctx) implements Op {
        public String name() { return "ioas_alloc"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.ioasAlloc(this); }
    }

    /**
     * HWPT-1. {@code flags} is the uapi's u32 (HWPT-2: NEST_PARENT 1, DIRTY 2, FAULT_ID 4, PASID 8;
     * any other bit is an unknown flag). {@code data} is the user data as 64-bit words, or
     * {@code null} when none is given (an empty list is data of length 0).
     */
    record HwptAlloc(int ctx, int dev, int pt, int flags, DataType dataType, List<Long> data) implements Op {
        public HwptAlloc {
            dataType = dataType == null ? DataType.NONE : dataType;
            data = data == null ? null : List.copyOf(data);
        }
        public String name() { return "hwpt_alloc"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.hwptAlloc(this); }
    }

    /** VIOMMU-1. {@code type} is DEFAULT, ARM_SMMUV3, or any other string (an unknown type). */
    record ViommuAlloc(int ctx, int dev, int hwpt, String type) implements Op {
        public String name() { return "viommu_alloc"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.viommuAlloc(this); }
    }

    /** VDEV-1. {@code virtId} is the uapi's u64 virtual ID, every value allowed. */
    record VdeviceAlloc(int ctx, int viommu, int dev, long virtId) implements Op {
        public String name() { return "vdevice_alloc"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.vdeviceAlloc(this); }
    }

    record Attach(int ctx, int dev, int hwpt) implements Op {
        public String name() { return "attach"; }
        public <R> R accept(Visitor<R> v) { return v.attach(this); }
    }

    record Detach(int ctx, int dev) implements Op {
        public String name() { return "detach"; }
        public <R> R accept(Visitor<R> v) { return v.detach(this); }
    }

    record Destroy(int ctx, int id) implements Op {
        public String name() { return "destroy"; }
        public <R> R accept(Visitor<R> v) { return v.destroy(this); }
    }

    /** INV-1. {@code commands} may be empty (→ EINVAL) but not null. */
    record Invalidate(int ctx, int id, DataType dataType, List<Cmd> commands) implements Op {
        public Invalidate {
            dataType = dataType == null ? DataType.NONE : dataType;
            commands = List.copyOf(commands);
        }
        public String name() { return "invalidate"; }
        public <R> R accept(Visitor<R> v) { return v.invalidate(this); }
    }

    record KvmVmCreate() implements Op {
        public String name() { return "kvm_vm_create"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.kvmVmCreate(this); }
    }

    record KvmVmDestroy(int vm) implements Op {
        public String name() { return "kvm_vm_destroy"; }
        public <R> R accept(Visitor<R> v) { return v.kvmVmDestroy(this); }
    }

    record KvmBind(int ctx, int vm) implements Op {
        public String name() { return "kvm_bind"; }
        public <R> R accept(Visitor<R> v) { return v.kvmBind(this); }
    }

    record VcpuLoad(int vm, int cpu) implements Op {
        public String name() { return "vcpu_load"; }
        public <R> R accept(Visitor<R> v) { return v.vcpuLoad(this); }
    }

    record VcpuPut(int cpu) implements Op {
        public String name() { return "vcpu_put"; }
        public <R> R accept(Visitor<R> v) { return v.vcpuPut(this); }
    }

    /**
     * MAP-1 IOAS_MAP with a fixed IOVA: {@code pages} pages from page {@code iova} (PLAT-6 page
     * numbers, both u64). Success returns {@code true}.
     */
    record IoasMap(int ctx, int ioas, long iova, long pages) implements Op {
        public String name() { return "ioas_map"; }
        public <R> R accept(Visitor<R> v) { return v.ioasMap(this); }
    }

    /**
     * MAP-2 IOAS_UNMAP of {@code pages} pages from page {@code iova} (both u64); iova 0 with
     * pages 2^64 - 1 (-1L) unmaps everything, as the kernel's length U64_MAX does. Success
     * returns the number of pages unmapped.
     */
    record IoasUnmap(int ctx, int ioas, long iova, long pages) implements Op {
        /** The pages value that, at iova 0, means "unmap everything" (the uapi's U64_MAX). */
        public static final long ALL = -1L;

        public String name() { return "ioas_unmap"; }
        public boolean returnsValue() { return true; }
        public <R> R accept(Visitor<R> v) { return v.ioasUnmap(this); }

        /** Whether this is the kernel's unmap-all form (iova 0, pages U64_MAX). */
        public boolean unmapsAll() {
            return iova == 0 && pages == ALL;
        }
    }
}
