package dev.nestcheck.component;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * OBS-3 restricted to a component: outcomes exactly; commands per SMMU batch by batch (each batch
 * ends at a CMD_SYNC and is compared as a multiset, as OBS-3 says since rules v2), with no VMID
 * renaming since the component is told its VMID; the vSTE results exactly; the KVM state
 * exactly (KVM-3 specifies every choice); and G-6 on the implementation's own KVM state.
 */
final class ComponentComparator {
    private ComponentComparator() {
    }

    static List<String> compare(ComponentAnswer model, ComponentAnswer impl) {
        List<String> diffs = new ArrayList<>();
        Outcome m = model.outcome(), i = impl.outcome();
        if (!Objects.equals(m.errno(), i.errno()) || m.value() != i.value() || m.entryNum() != i.entryNum())
            diffs.add("outcome: model " + m.brief() + ", impl " + i.brief());
        commands(m.issued(), i.issued(), diffs);
        if (!Arrays.equals(model.vste(), impl.vste()))
            diffs.add("stored vSTE (NEST-2): model " + words(model.vste()) + ", impl " + words(impl.vste()));
        if (!Objects.equals(model.ste(), impl.ste()))
            diffs.add("STE (STE-4): model " + ste(model.ste()) + ", impl " + ste(impl.ste()));
        if (model.kvm() != null && impl.kvm() != null) kvm(model.kvm(), impl.kvm(), diffs);
        return diffs;
    }

    private static void commands(List<Issued> model, List<Issued> impl, List<String> diffs) {
        TreeSet<Integer> smmus = new TreeSet<>();
        for (Issued x : model) smmus.add(x.smmu());
        for (Issued x : impl) smmus.add(x.smmu());
        for (int s : smmus) {
            List<List<Cmd>> mb = batches(model, s), ib = batches(impl, s);
            for (int b = 0; b < Math.max(mb.size(), ib.size()); b++) {
                List<Cmd> x = b < mb.size() ? sorted(mb.get(b)) : List.of(), y = b < ib.size() ? sorted(ib.get(b)) : List.of();
                if (!x.equals(y)) {
                    diffs.add("commands (INV-3): smmu" + s + " batch " + (b + 1) + " of " + mb.size() + ": model "
                            + dev.nestcheck.conformance.Describe.count(x.size(), "command", "commands") + ", impl " + y.size()
                            + firstDifference(x, y));
                    return;
                }
            }
        }
    }

    private static String firstDifference(List<Cmd> x, List<Cmd> y) {
        for (int k = 0; k < Math.max(x.size(), y.size()); k++) {
            Cmd a = k < x.size() ? x.get(k) : null, c = k < y.size() ? y.get(k) : null;
            if (!Objects.equals(a, c)) return "; first difference (in sorted order): model " + a + ", impl " + c;
        }
        return "";
    }

    /** The commands to one SMMU split after each CMD_SYNC (a trailing batch without one counts too). */
    static List<List<Cmd>> batches(List<Issued> issued, int smmu) {
        List<List<Cmd>> out = new ArrayList<>();
        List<Cmd> cur = new ArrayList<>();
        for (Issued x : issued) {
            if (x.smmu() != smmu) continue;
            cur.add(x.cmd());
            if (x.cmd().opcode() == Cmd.CMD_SYNC) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    private static List<Cmd> sorted(List<Cmd> batch) {
        List<Cmd> s = new ArrayList<>(batch);
        s.sort(Comparator.comparingLong(Cmd::word0).thenComparingLong(Cmd::word1));
        return s;
    }

    private static void kvm(Snapshot.Kvm m, Snapshot.Kvm i, List<String> diffs) {
        TreeSet<Integer> vms = new TreeSet<>(m.vms().keySet());
        vms.addAll(i.vms().keySet());
        for (int vm : vms) {
            Snapshot.Vm a = m.vms().get(vm), b = i.vms().get(vm);
            if (!Objects.equals(a, b)) diffs.add("kvm vm" + vm + ": model " + vm(a) + ", impl " + vm(b));
        }
        if (!m.cpuRunning().equals(i.cpuRunning()))
            diffs.add("kvm CPUs run (KVM-2): model " + m.cpuRunning() + ", impl " + i.cpuRunning());
        if (m.rollovers() != i.rollovers())
            diffs.add("kvm rollovers (KVM-4): model " + m.rollovers() + ", impl " + i.rollovers());
    }

    /**
     * G-6 on the implementation's KVM state: two CPUs running different VMs run different indices;
     * no running VM has index 0; a pinned index never changes while it stays pinned (KVM-6).
     */
    static List<String> g6(Snapshot.Kvm before, Snapshot.Kvm now) {
        List<String> out = new ArrayList<>();
        List<Integer> run = now.cpuRunning();
        for (int a = 0; a < run.size(); a++) {
            Snapshot.Vm va = now.vms().get(run.get(a));
            if (run.get(a) == 0) continue;
            if (va == null) {
                out.add("G-6: cpu" + a + " runs vm" + run.get(a) + ", which the implementation does not list");
                continue;
            }
            if (va.index() == 0) out.add("G-6: cpu" + a + " runs vm" + run.get(a) + " with index 0");
            for (int b = a + 1; b < run.size(); b++) {
                Snapshot.Vm vb = now.vms().get(run.get(b));
                if (vb != null && run.get(b) != 0 && !run.get(a).equals(run.get(b)) && va.index() == vb.index())
                    out.add("G-6: cpu" + a + " (vm" + run.get(a) + ") and cpu" + b + " (vm" + run.get(b) + ") both run index "
                            + va.index());
            }
        }
        if (before != null) {
            for (Map.Entry<Integer, Snapshot.Vm> e : before.vms().entrySet()) {
                Snapshot.Vm was = e.getValue(), is = now.vms().get(e.getKey());
                if (was.pins() > 0 && is != null && is.pins() > 0 && is.index() != was.index())
                    out.add("G-6 (KVM-6): pinned vm" + e.getKey() + " moved from index " + was.index() + " to " + is.index());
            }
        }
        return out;
    }

    private static String vm(Snapshot.Vm v) {
        return v == null ? "none" : "(generation " + v.generation() + ", index " + v.index() + ", pins " + v.pins() + ")";
    }

    private static String words(long[] w) {
        return w == null ? "none" : String.format("[0x%016x, 0x%016x]", w[0], w[1]);
    }

    private static String ste(Snapshot.Ste s) {
        return s == null ? "none" : s.kind() + " vmid " + s.vmid() + String.format(" s1ContextPtr 0x%x", s.s1ContextPtr())
                + (s.ats() ? " ats" : "");
    }
}
