package dev.nestcheck.conformance;

import dev.nestcheck.engine.Coverage;
import dev.nestcheck.spec.Policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rule IDs a default run must reach, per policy. Rules that decide outcomes must be
 * named by the model as the deciding rule ("rule" labels); rules about state must be
 * exercised by some step ("exercised" labels, see {@link Session}). PLAT and OBS define
 * the harness itself and every GLOBAL invariant (G-9 and G-10 included) is checked on every
 * step, so they are not listed; G-7 is, because it is checked only once all contexts are
 * closed. MAP-1/2 decide the outcomes of map and unmap; MAP-3, S2INV-1..5 and TLB-4 are
 * exercised by the commands and shadow-TLB effects of a step.
 */
public final class RequiredRules {
    /** Rules that decide outcomes under every policy. */
    static final List<String> DECIDING = List.of("OBJ-0", "OBJ-1", "OBJ-3", "OBJ-5", "OBJ-6", "OBJ-7", "HWPT-1", "HWPT-2",
            "VIOMMU-1", "NEST-1", "NEST-2", "VDEV-1", "ATT-1", "ATT-2", "ATT-3", "ATT-4", "ATT-6", "INV-1", "INV-2",
            "INV-3", "KVM-1", "KVM-2", "KVM-7", "KVM-8", "MAP-1", "MAP-2");
    /** State rules every policy exercises. */
    static final List<String> EXERCISED = List.of("OBJ-2", "OBJ-4", "VIOMMU-2", "NEST-3", "VDEV-2", "ATT-5", "STE-1",
            "STE-2", "STE-3", "STE-4", "STE-5", "VMID-1", "VMID-2", "VMID-4", "VMID-5", "VMID-8", "TLB-1", "TLB-2",
            "TLB-3", "KVM-3", "KVM-4", "G-7", "MAP-3", "S2INV-1", "S2INV-2", "S2INV-3", "S2INV-4", "S2INV-5", "TLB-4");

    private RequiredRules() {
    }

    /** The rule IDs the default run under a policy must reach, each as "category:rule". */
    public static List<String> required(Policy policy) {
        List<String> out = new ArrayList<>();
        DECIDING.forEach(r -> out.add("rule:" + r));
        EXERCISED.forEach(r -> out.add("exercised:" + r));
        switch (policy) {
            case S2_PARENT:
            case VIOMMU:
                out.add("rule:VMID-3");
                break;
            case ICTX:
                out.add("rule:VMID-6");
                break;
            case KVM_PINNED:
                out.add("rule:VMID-6");
                out.add("rule:VMID-7");
                out.add("exercised:KVM-5"); // pins happen only through KVM_PINNED nest parents
                out.add("exercised:KVM-6");
                break;
            default:
                throw new AssertionError(policy);
        }
        return out;
    }

    /** The same as engine coverage requirements: each rule in at least one case. */
    public static Coverage[] requirements(Policy policy) {
        return required(policy).stream().map(r -> {
            int colon = r.indexOf(':');
            return Coverage.atLeastCases(r.substring(0, colon), r.substring(colon + 1), 1);
        }).toArray(Coverage[]::new);
    }
}
