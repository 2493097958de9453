package dev.nestcheck.component;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.model.KvmComponentModel;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference side of each component, taken from the reference model so that a component
 * means exactly what the whole contract means: the KVM allocator is the model's own
 * ({@link KvmComponentModel}); {@code vste} and {@code inv} run the whole model behind a fixed
 * set-up (a context, a nest parent, a vIOMMU and its vDEVICEs) and read the component's part
 * of the answer off it.
 */
public final class Oracles {
    private Oracles() {
    }

    /** The oracle of a component for a case's platform. */
    public static ComponentImplementation of(Component c, Platform platform) {
        switch (c) {
            case KVM: return new Kvm(platform.kvm());
            case VSTE: return new Vste();
            default: return new Inv(platform);
        }
    }

    /** KVM-1..7 through the model's allocator. */
    static final class Kvm implements ComponentImplementation {
        private final KvmComponentModel model;

        Kvm(KvmSpec spec) {
            model = new KvmComponentModel(spec);
        }

        @Override
        public ComponentAnswer execute(ComponentOp op, boolean withSnapshot) {
            Outcome o;
            switch (op.op()) {
                case "kvm_vm_create": o = model.vmCreate(); break;
                case "kvm_vm_destroy": o = model.vmDestroy(op.i("vm")); break;
                case "vcpu_load": o = model.vcpuLoad(op.i("vm"), op.i("cpu")); break;
                case "vcpu_put": o = model.vcpuPut(op.i("cpu")); break;
                case "kvm_pin": o = model.pin(op.i("vm")); break;
                case "kvm_unpin": o = model.unpin(op.i("vm")); break;
                default: throw new IllegalArgumentException("no kvm op " + op.op());
            }
            return new ComponentAnswer(o, null, null, withSnapshot ? model.snapshot() : null);
        }

        Snapshot.Kvm snapshot() {
            return model.snapshot();
        }
    }

    /** The platform of the {@code vste} component: one nesting SMMU with 16-bit VMIDs, one canwbs device. */
    public static Platform vstePlatform() {
        return new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 16, true, true, false)),
                List.of(new DeviceSpec(0, 0, 1, true)), KvmSpec.DEFAULT);
    }

    /**
     * NEST-2 and STE-4 on the model: HWPT_ALLOC of a nested domain on a vIOMMU (whose device has a
     * vDEVICE), then attach, read the stored vSTE and the STE, then detach and destroy, so that
     * every op starts from the same state.
     */
    static final class Vste implements ComponentImplementation {
        private static final int CTX = 1, DEV = 1, VIOMMU = 4;
        private final NestingImplementation model = Implementations.model().create(vstePlatform());

        Vste() {
            setUp(model, List.of(new Op.Open(), new Op.Bind(CTX, 0), new Op.IoasAlloc(CTX),
                    new Op.HwptAlloc(CTX, DEV, 2, HwptFlags.NEST_PARENT, DataType.NONE, null),
                    new Op.ViommuAlloc(CTX, DEV, 3, "ARM_SMMUV3"), new Op.VdeviceAlloc(CTX, VIOMMU, DEV, 0)));
        }

        @Override
        public ComponentAnswer execute(ComponentOp op, boolean withSnapshot) {
            Outcome alloc = model.execute(new Op.HwptAlloc(CTX, DEV, VIOMMU, 0, DataType.ARM_SMMUV3, op.words("data")));
            if (!alloc.isOk()) return ComponentAnswer.of(Outcome.fail(alloc.errno(), alloc.rule()));
            int id = (int) alloc.value();
            must(model.execute(new Op.Attach(CTX, DEV, id)), "attach");
            Snapshot s = model.snapshot();
            Snapshot.Obj nested = s.contexts().get(CTX).objects().get(id);
            Snapshot.Ste ste = s.devices().get(0).ste();
            must(model.execute(new Op.Detach(CTX, DEV)), "detach");
            must(model.execute(new Op.Destroy(CTX, id)), "destroy");
            // STE-4: the vIOMMU's VMID, which the component is given as "vmid"
            Snapshot.Ste out = new Snapshot.Ste(ste.kind(), ste.vmid() == 0 ? 0 : op.i("vmid"), ste.s1ContextPtr(), ste.ats());
            return new ComponentAnswer(Outcome.ok(alloc.rule()), new long[] {nested.vste0(), nested.vste1()}, out, null);
        }
    }

    /**
     * INV-1..3 on the model: a vIOMMU on smmu0 of the platform whose vDEVICEs are the op's
     * ({@code [virtId, streamId]}, stream IDs of platform devices); the model's choice of VMID is
     * then renamed to the op's {@code vmid} in the commands (the component is told its VMID). The
     * set-up is made once per distinct vDEVICE list.
     */
    static final class Inv implements ComponentImplementation {
        private static final int CTX = 1;
        private final Platform platform;
        private NestingImplementation model;
        private String setUpFor;
        private int viommu;
        private int vmid;

        Inv(Platform platform) {
            this.platform = platform;
        }

        private void setUpFor(List<long[]> vdevices) {
            String key = ComponentOp.of("v", "vdevices", vdevices).json();
            if (key.equals(setUpFor)) return;
            model = Implementations.model().create(platform);
            int n = platform.devices().size();
            List<Op> set = new ArrayList<>(List.of(new Op.Open()));
            for (int d = 0; d < n; d++) set.add(new Op.Bind(CTX, d));
            set.add(new Op.IoasAlloc(CTX));
            set.add(new Op.HwptAlloc(CTX, 1, n + 1, HwptFlags.NEST_PARENT, DataType.NONE, null));
            set.add(new Op.ViommuAlloc(CTX, 1, n + 2, "ARM_SMMUV3"));
            viommu = n + 3;
            for (long[] v : vdevices) {
                int device = -1;
                for (DeviceSpec d : platform.devices()) if (d.streamId() == v[1]) device = d.id();
                if (device < 0) throw new IllegalArgumentException("vdevices: no platform device has stream ID " + v[1]);
                set.add(new Op.VdeviceAlloc(CTX, viommu, device + 1, v[0]));
            }
            setUp(model, set);
            vmid = model.snapshot().smmus().get(0).vmids().keySet().iterator().next();
            setUpFor = key;
        }

        @Override
        public ComponentAnswer execute(ComponentOp op, boolean withSnapshot) {
            setUpFor(op.pairs("vdevices"));
            DataType type;
            try {
                type = DataType.valueOf(op.s("dataType"));
            } catch (IllegalArgumentException e) {
                type = DataType.NONE;
            }
            Outcome o = model.execute(new Op.Invalidate(CTX, viommu, type, op.commands("commands")));
            List<Issued> renamed = new ArrayList<>(o.issued().size());
            for (Issued i : o.issued())
                renamed.add(i.cmd().carriesVmid() && i.cmd().vmid() == vmid ? new Issued(i.smmu(), i.cmd().withVmid(op.i("vmid"))) : i);
            return ComponentAnswer.of(o.withIssued(renamed));
        }
    }

    private static void setUp(NestingImplementation model, List<Op> ops) {
        for (Op op : ops) must(model.execute(op), op.name());
    }

    private static void must(Outcome o, String what) {
        if (!o.isOk()) throw new IllegalStateException("nestcheck bug: component set-up " + what + " failed: " + o.brief());
    }

    /** The platform of an {@code inv} case with devices of these stream IDs on smmu0. */
    public static Platform invPlatform(List<Long> streamIds) {
        List<DeviceSpec> devices = new ArrayList<>();
        for (int i = 0; i < streamIds.size(); i++) devices.add(new DeviceSpec(i, 0, streamIds.get(i), true));
        return new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 8, true, true, false)), devices, KvmSpec.DEFAULT);
    }
}
