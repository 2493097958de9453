package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The GLOBAL invariants of RULES.md, checked on an implementation's own snapshot after
 * every step. TLB-3 (G-4) is checked against a shadow TLB that this checker derives from
 * what it observes, the installed STEs and the issued commands, rather than trusting the
 * implementation's own TLB set.
 */
final class Invariants {
    private final Platform platform;
    private final List<Set<Integer>> shadowTlb = new ArrayList<>();
    private Snapshot previous;

    Invariants(Platform platform, Snapshot initial) {
        this.platform = platform;
        this.previous = initial;
        for (int i = 0; i < platform.smmus().size(); i++) shadowTlb.add(new HashSet<>());
    }

    /** Violations after a step, each line starting with its rule ID; empty when all hold. */
    List<String> afterStep(List<Issued> issued, Snapshot now) {
        List<String> violations = new ArrayList<>();
        g1SteVmidRange(now, violations);
        g2NoVmidSharedAcrossContexts(now, violations);
        g3SharedVmidMeansSameParent(now, violations);
        g4NoStaleReuse(issued, now, violations);
        if (platform.policy() == Policy.KVM_PINNED) g5PinnedKvmVmid(now, violations);
        g6KvmCpus(now, violations);
        g8References(now, violations);
        previous = now;
        return violations;
    }

    /** G-7, once every context is closed. */
    List<String> afterAllClosed(Snapshot now) {
        List<String> violations = new ArrayList<>();
        for (int s = 0; s < now.smmus().size(); s++)
            if (!now.smmus().get(s).vmids().isEmpty())
                violations.add("G-7: smmu" + s + " still has VMIDs in use after every context closed: "
                        + Describe.owners(now.smmus().get(s)));
        for (int d = 0; d < now.devices().size(); d++)
            if (now.devices().get(d).ste().kind() != SteKind.ABORT)
                violations.add("G-7: device " + d + " STE is " + Describe.ste(now.devices().get(d).ste())
                        + " after every context closed");
        now.kvm().vms().forEach((n, vm) -> {
            if (vm.pins() > 0) violations.add("G-7: vm" + n + " still pinned (" + vm.pins() + ") after every context closed");
        });
        return violations;
    }

    private static boolean stage2(SteKind k) {
        return k == SteKind.S2 || k == SteKind.NESTED;
    }

    private void g1SteVmidRange(Snapshot s, List<String> out) {
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Ste ste = s.devices().get(d).ste();
            int max = platform.smmu(platform.device(d).smmu()).maxVmid();
            if (stage2(ste.kind()) ? ste.vmid() < 1 || ste.vmid() > max : ste.vmid() != 0)
                out.add("G-1: device " + d + " STE " + Describe.ste(ste) + " (pool is [1, " + max + "])");
        }
    }

    private void g2NoVmidSharedAcrossContexts(Snapshot s, List<String> out) {
        Map<List<Integer>, Integer> ctxOf = new HashMap<>();
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (!stage2(dev.ste().kind())) continue;
            Integer other = ctxOf.putIfAbsent(List.of(platform.device(d).smmu(), dev.ste().vmid()), dev.ctx());
            if (other != null && other != dev.ctx())
                out.add("G-2: VMID " + dev.ste().vmid() + " on smmu" + platform.device(d).smmu()
                        + " is used by STEs of ctx" + other + " and ctx" + dev.ctx());
        }
    }

    private void g3SharedVmidMeansSameParent(Snapshot s, List<String> out) {
        Map<List<Integer>, List<Integer>> parentOf = new HashMap<>();
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (!stage2(dev.ste().kind())) continue;
            List<Integer> parent = List.of(dev.ctx(), stage2Parent(s, dev));
            List<Integer> other = parentOf.putIfAbsent(List.of(platform.device(d).smmu(), dev.ste().vmid()), parent);
            if (other != null && !other.equals(parent))
                out.add("G-3: VMID " + dev.ste().vmid() + " on smmu" + platform.device(d).smmu()
                        + " tags two stage-2 tables: ctx" + other.get(0) + "#" + other.get(1) + " and ctx"
                        + parent.get(0) + "#" + parent.get(1));
        }
    }

    /** The nest parent behind a device's attachment (the HWPT itself, or its vIOMMU's parent), or 0. */
    static int stage2Parent(Snapshot s, Snapshot.Device dev) {
        Snapshot.Context ctx = s.contexts().get(dev.ctx());
        if (ctx == null) return 0;
        Snapshot.Obj hwpt = ctx.objects().get(dev.attached());
        if (hwpt == null) return 0;
        if (hwpt.kind() == ObjectKind.HWPT_PAGING) return dev.attached();
        Snapshot.Obj viommu = ctx.objects().get(hwpt.ref());
        return viommu == null ? 0 : viommu.ref();
    }

    private void g4NoStaleReuse(List<Issued> issued, Snapshot now, List<String> out) {
        for (int s = 0; s < shadowTlb.size(); s++) applyInvalidations(s, issued, shadowTlb.get(s));
        for (int s = 0; s < now.smmus().size(); s++) {
            Map<Integer, Snapshot.Owner> before = previous.smmus().get(s).vmids();
            for (Map.Entry<Integer, Snapshot.Owner> e : now.smmus().get(s).vmids().entrySet())
                if (!Objects.equals(before.get(e.getKey()), e.getValue()) && shadowTlb.get(s).contains(e.getKey()))
                    out.add("G-4/TLB-3: smmu" + s + " VMID " + e.getKey() + " handed to " + e.getValue()
                            + " while it may still be cached (no TLBI_S12_VMALL + CMD_SYNC since its last use)");
        }
        for (int d = 0; d < now.devices().size(); d++) {
            Snapshot.Ste ste = now.devices().get(d).ste();
            if (stage2(ste.kind())) shadowTlb.get(platform.device(d).smmu()).add(ste.vmid());
        }
    }

    /** TLB-2: an invalidation takes effect at the CMD_SYNC that follows it. */
    private static void applyInvalidations(int smmu, List<Issued> issued, Set<Integer> tlb) {
        Set<Integer> pending = new HashSet<>();
        boolean all = false;
        for (Issued i : issued) {
            if (i.smmu() != smmu) continue;
            int op = i.cmd().opcode();
            if (op == Cmd.TLBI_S12_VMALL) pending.add(i.cmd().vmid());
            else if (op == Cmd.TLBI_NSNH_ALL) all = true;
            else if (op == Cmd.CMD_SYNC) {
                if (all) tlb.clear();
                tlb.removeAll(pending);
                pending.clear();
                all = false;
            }
        }
    }

    private void g5PinnedKvmVmid(Snapshot s, List<String> out) {
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (!stage2(dev.ste().kind())) continue;
            Snapshot.Context ctx = s.contexts().get(dev.ctx());
            Snapshot.Vm vm = ctx == null ? null : s.kvm().vms().get(ctx.kvmVm());
            if (vm == null) out.add("G-5: device " + d + " has a stage-2 STE but ctx" + dev.ctx() + " has no KVM VM");
            else if (vm.index() != dev.ste().vmid() || vm.pins() <= 0)
                out.add("G-5: device " + d + " STE vmid " + dev.ste().vmid() + " but vm" + ctx.kvmVm() + " has index "
                        + vm.index() + " with " + vm.pins() + " pins");
        }
    }

    private void g6KvmCpus(Snapshot s, List<String> out) {
        Map<Integer, Integer> vmOfIndex = new HashMap<>();
        List<Integer> running = s.kvm().cpuRunning();
        for (int cpu = 0; cpu < running.size(); cpu++) {
            int vmNo = running.get(cpu);
            if (vmNo == 0) continue;
            Snapshot.Vm vm = s.kvm().vms().get(vmNo);
            if (vm == null) {
                out.add("G-6: cpu" + cpu + " runs vm" + vmNo + ", which does not exist");
                continue;
            }
            if (vm.index() == 0) out.add("G-6: cpu" + cpu + " runs vm" + vmNo + " with index 0");
            Integer other = vmOfIndex.putIfAbsent(vm.index(), vmNo);
            if (other != null && other != vmNo)
                out.add("G-6: vm" + other + " and vm" + vmNo + " run on CPUs with the same index " + vm.index());
        }
        previous.kvm().vms().forEach((n, before) -> {
            Snapshot.Vm after = s.kvm().vms().get(n);
            if (after != null && before.pins() > 0 && after.pins() > 0 && before.index() != after.index())
                out.add("G-6/KVM-6: pinned vm" + n + " changed index " + before.index() + " -> " + after.index());
        });
    }

    private void g8References(Snapshot s, List<String> out) {
        s.contexts().forEach((c, ctx) -> ctx.objects().forEach((id, o) -> {
            if (o.ref() != 0 && !ctx.objects().containsKey(o.ref()))
                out.add("G-8: ctx" + c + " object " + id + " (" + o.kind() + ") references " + o.ref() + ", which is gone");
            if (o.kind() == ObjectKind.VDEVICE && !ctx.objects().containsKey(o.device()))
                out.add("G-8: ctx" + c + " VDEVICE " + id + " names DEVICE " + o.device() + ", which is gone");
        }));
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Device dev = s.devices().get(d);
            if (dev.ctx() == 0) continue;
            Snapshot.Context ctx = s.contexts().get(dev.ctx());
            if (ctx == null) {
                out.add("G-8: device " + d + " is bound to ctx" + dev.ctx() + ", which is closed");
                continue;
            }
            if (!ctx.objects().containsKey(dev.objectId()))
                out.add("G-8: device " + d + "'s DEVICE object " + dev.objectId() + " is gone");
            if (dev.attached() != 0 && !ctx.objects().containsKey(dev.attached()))
                out.add("G-8: device " + d + " is attached to " + dev.attached() + ", which is gone");
        }
    }
}
