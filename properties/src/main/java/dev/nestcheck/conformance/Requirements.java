package dev.nestcheck.conformance;

import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REQ rules: requirements a policy may or may not meet. They are not enforced; the
 * policy × requirement matrix searches for a violation of each, on the model's state.
 */
public final class Requirements {
    public static final List<String> ALL = List.of("REQ-VCMDQ", "REQ-BTM", "REQ-ECONOMY", "REQ-NOKVM", "REQ-UNMAP1");

    private final Platform platform;
    private final String rule;

    public Requirements(Platform platform, String rule) {
        if (!ALL.contains(rule)) throw new IllegalArgumentException("unknown requirement " + rule + "; known: " + ALL);
        this.platform = platform;
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }

    /** Why the requirement fails after this step, one line each; empty when it holds. */
    List<String> check(Op op, Outcome out, Snapshot s) {
        switch (rule) {
            case "REQ-VCMDQ": return oneVmidPerContextAndSmmu(s);
            case "REQ-BTM": return stesCarryPinnedKvmVmid(s);
            case "REQ-ECONOMY": return atMostOneVmidPerContextAndSmmu(s);
            case "REQ-UNMAP1": return unmapUnderOneVmid(op, out);
            default: return nestingWithoutKvm(op, out);
        }
    }

    /**
     * REQ-UNMAP1: an unmap invalidates stage 2 (TLBI_S2_IPA, TLBI_S12_VMALL) under at most one VMID per
     * context per SMMU (an IOAS belongs to one context, so per SMMU).
     */
    private static List<String> unmapUnderOneVmid(Op op, Outcome out) {
        if (!(op instanceof Op.IoasUnmap)) return List.of();
        Map<Integer, Set<Integer>> vmids = new java.util.TreeMap<>();
        for (dev.nestcheck.spec.Issued i : out.issued()) {
            int opc = i.cmd().opcode();
            if (opc == dev.nestcheck.spec.Cmd.TLBI_S2_IPA || opc == dev.nestcheck.spec.Cmd.TLBI_S12_VMALL)
                vmids.computeIfAbsent(i.smmu(), k -> new java.util.TreeSet<>()).add(i.cmd().vmid());
        }
        List<String> unmet = new ArrayList<>();
        vmids.forEach((smmu, v) -> {
            if (v.size() > 1)
                unmet.add("REQ-UNMAP1: an unmap in ctx" + ((Op.IoasUnmap) op).ctx() + " invalidates stage 2 on smmu" + smmu
                        + " under VMIDs " + v);
        });
        return unmet;
    }

    private List<String> oneVmidPerContextAndSmmu(Snapshot s) {
        Map<List<Integer>, Set<Integer>> vmids = new HashMap<>();
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (dev.ste().kind() == SteKind.S2 || dev.ste().kind() == SteKind.NESTED)
                vmids.computeIfAbsent(List.of(dev.ctx(), platform.device(d).smmu()), k -> new HashSet<>()).add(dev.ste().vmid());
        }
        List<String> out = new ArrayList<>();
        vmids.forEach((k, v) -> {
            if (v.size() > 1)
                out.add("REQ-VCMDQ: STEs of ctx" + k.get(0) + " on smmu" + k.get(1) + " carry VMIDs " + v);
        });
        return out;
    }

    private List<String> stesCarryPinnedKvmVmid(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (dev.ste().kind() != SteKind.S2 && dev.ste().kind() != SteKind.NESTED) continue;
            int vmNo = s.contexts().get(dev.ctx()).kvmVm();
            Snapshot.Vm vm = s.kvm().vms().get(vmNo);
            if (vm == null || vm.pins() == 0 || vm.index() != dev.ste().vmid())
                out.add("REQ-BTM: device " + d + " STE carries VMID " + dev.ste().vmid() + " but ctx" + dev.ctx()
                        + (vm == null ? " has no KVM VM" : "'s vm" + vmNo + " has index " + vm.index() + " with "
                        + vm.pins() + " pins"));
        }
        return out;
    }

    private List<String> atMostOneVmidPerContextAndSmmu(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (int smmu = 0; smmu < s.smmus().size(); smmu++) {
            Map<Integer, Set<Integer>> perCtx = new HashMap<>();
            for (Map.Entry<Integer, Snapshot.Owner> e : s.smmus().get(smmu).vmids().entrySet()) {
                int ctx = contextOf(s, e.getValue());
                if (ctx != 0) perCtx.computeIfAbsent(ctx, k -> new HashSet<>()).add(e.getKey());
            }
            for (Map.Entry<Integer, Set<Integer>> e : perCtx.entrySet())
                if (e.getValue().size() > 1)
                    out.add("REQ-ECONOMY: ctx" + e.getKey() + " holds VMIDs " + e.getValue() + " on smmu" + smmu);
        }
        return out;
    }

    private static int contextOf(Snapshot s, Snapshot.Owner owner) {
        if (owner.kind() != Snapshot.OwnerKind.KVM) return owner.ctx();
        for (Map.Entry<Integer, Snapshot.Context> c : s.contexts().entrySet())
            if (c.getValue().kvmVm() == owner.id()) return c.getKey();
        return 0;
    }

    private static List<String> nestingWithoutKvm(Op op, Outcome out) {
        if (out.errno() == Errno.EINVAL && "VMID-7".equals(out.rule()) && op instanceof Op.HwptAlloc)
            return List.of("REQ-NOKVM: a nest parent cannot be allocated in ctx" + ((Op.HwptAlloc) op).ctx()
                    + " without a KVM VM bound (VMID-7)");
        return List.of();
    }
}
