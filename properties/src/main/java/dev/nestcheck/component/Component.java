package dev.nestcheck.component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule families an implementation may implement alone (docs/PROTOCOL.md, "Components"), each
 * with its operations and their fields in writing order. The KVM operations that are trace ops
 * keep their TRACE.md names and fields; {@code kvm_pin}, {@code kvm_unpin}, {@code vste} and
 * {@code viommu_invalidate} exist only here (they are not trace ops, so component
 * counterexamples are written as {@code nestcheck-component-trace/1}, never as traces).
 */
public enum Component {
    /** KVM-1..7: the KVM VMID allocator, with VM create/destroy, vCPU load/put and pin/unpin. */
    KVM("kvm", "KVM-1..7: the KVM VMID allocator (VM create/destroy, vCPU load/put, pin/unpin)",
            ops("kvm_vm_create", List.of(), "kvm_vm_destroy", List.of("vm"), "vcpu_load", List.of("vm", "cpu"),
                    "vcpu_put", List.of("cpu"), "kvm_pin", List.of("vm"), "kvm_unpin", List.of("vm"))),
    /** NEST-2 vSTE validation and STE-4/STE-5 construction of the nested STE. */
    VSTE("vste", "NEST-2 vSTE validation and the nested STE it gives (STE-4, STE-5)",
            ops("vste", List.of("data", "vmid"))),
    /** INV-1..3: guest command conversion and batching for one vIOMMU. */
    INV("inv", "INV-1..3: guest invalidation, command conversion and batching",
            ops("viommu_invalidate", List.of("vmid", "vdevices", "dataType", "commands")));

    private final String id;
    private final String title;
    private final Map<String, List<String>> ops;

    Component(String id, String title, Map<String, List<String>> ops) {
        this.id = id;
        this.title = title;
        this.ops = ops;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> ops(Object... nameFields) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameFields.length; i += 2) m.put((String) nameFields[i], (List<String>) nameFields[i + 1]);
        return m;
    }

    /** The name in handshakes and on the command line: {@code kvm}, {@code vste}, {@code inv}. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public List<String> opNames() {
        return List.copyOf(ops.keySet());
    }

    /** The fields of an op in writing order, or null when the component has no such op. */
    public List<String> fields(String op) {
        return ops.get(op);
    }

    /** Whether the harness compares a snapshot after each step (only the stateful KVM allocator). */
    public boolean stateful() {
        return this == KVM;
    }

    public static Component byId(String id) {
        for (Component c : values()) if (c.id.equals(id)) return c;
        throw new IllegalArgumentException("unknown component \"" + id + "\" (kvm, vste or inv)");
    }
}
