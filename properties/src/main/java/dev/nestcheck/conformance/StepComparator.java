package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * OBS-3: compares one step of an implementation with the model. Outcomes must be equal
 * exactly (errno, value, entryNum); issued commands per SMMU, in order, and snapshots
 * must be equal up to the run's {@link VmidRenaming}. KVM state is compared exactly: the
 * allocator's choices are specified (KVM-3), unlike SMMU VMIDs.
 */
final class StepComparator {
    private final Platform platform;
    private final VmidRenaming renaming;

    StepComparator(Platform platform) {
        this.platform = platform;
        this.renaming = new VmidRenaming(platform.smmus().size());
    }

    /** Differences in the outcome, one line each; empty when they agree. */
    List<String> compareOutcomes(Outcome model, Outcome impl) {
        List<String> diffs = new ArrayList<>();
        if (!Objects.equals(model.errno(), impl.errno()) || model.value() != impl.value()
                || model.entryNum() != impl.entryNum())
            diffs.add("outcome: model " + model.brief() + ", impl " + impl.brief());
        for (int smmu = 0; smmu < platform.smmus().size(); smmu++)
            compareCommands(smmu, onSmmu(model.issued(), smmu), onSmmu(impl.issued(), smmu), diffs);
        for (Issued i : impl.issued())
            if (i.smmu() < 0 || i.smmu() >= platform.smmus().size())
                diffs.add("commands: impl issued " + i.cmd() + " to unknown smmu " + i.smmu());
        return diffs;
    }

    private static List<Cmd> onSmmu(List<Issued> issued, int smmu) {
        List<Cmd> out = new ArrayList<>();
        for (Issued i : issued)
            if (i.smmu() == smmu) out.add(i.cmd());
        return out;
    }

    private void compareCommands(int smmu, List<Cmd> model, List<Cmd> impl, List<String> diffs) {
        int n = Math.min(model.size(), impl.size());
        for (int k = 0; k < n; k++) {
            Cmd m = model.get(k), i = impl.get(k);
            String where = "smmu" + smmu + " command " + k;
            if (m.carriesVmid() && m.opcode() == i.opcode()) {
                if (m.withVmid(0).equals(i.withVmid(0))) {
                    String clash = renaming.bind(smmu, i.vmid(), m.vmid(), where + " " + m.name());
                    if (clash != null) diffs.add("commands: " + clash);
                    continue;
                }
            } else if (m.equals(i)) {
                continue;
            }
            diffs.add("commands: " + where + ": model " + m + ", impl " + i);
            return;
        }
        if (model.size() != impl.size())
            diffs.add("commands: smmu" + smmu + ": model issued " + model.size() + " commands, impl " + impl.size()
                    + (model.size() > n ? "; first missing: " + model.get(n) : "; first extra: " + impl.get(n)));
    }

    /** Differences in the snapshot, one line each; empty when they agree up to renaming. */
    List<String> compareSnapshots(Snapshot model, Snapshot impl) {
        List<String> diffs = new ArrayList<>();
        compareContexts(model, impl, diffs);
        compareDevices(model, impl, diffs);
        compareSmmus(model, impl, diffs);
        if (!model.kvm().equals(impl.kvm()))
            diffs.add("kvm: model " + describeKvm(model.kvm()) + ", impl " + describeKvm(impl.kvm()));
        return diffs;
    }

    private static void compareContexts(Snapshot model, Snapshot impl, List<String> diffs) {
        if (!model.contexts().keySet().equals(impl.contexts().keySet())) {
            diffs.add("contexts: model " + new TreeSet<>(model.contexts().keySet()) + ", impl "
                    + new TreeSet<>(impl.contexts().keySet()));
            return;
        }
        for (int ctx : new TreeSet<>(model.contexts().keySet())) {
            Snapshot.Context m = model.contexts().get(ctx), i = impl.contexts().get(ctx);
            Set<Integer> ids = new TreeSet<>(m.objects().keySet());
            ids.addAll(i.objects().keySet());
            for (int id : ids) {
                Snapshot.Obj mo = m.objects().get(id), io = i.objects().get(id);
                if (!Objects.equals(mo, io))
                    diffs.add("ctx" + ctx + " object " + id + ": model " + Describe.obj(mo) + ", impl " + Describe.obj(io));
            }
            if (!m.tombstones().equals(i.tombstones()))
                diffs.add("ctx" + ctx + " tombstones: model " + new TreeSet<>(m.tombstones()) + ", impl "
                        + new TreeSet<>(i.tombstones()));
            if (m.kvmVm() != i.kvmVm())
                diffs.add("ctx" + ctx + " kvm binding: model vm" + m.kvmVm() + ", impl vm" + i.kvmVm());
        }
    }

    private void compareDevices(Snapshot model, Snapshot impl, List<String> diffs) {
        if (model.devices().size() != impl.devices().size()) {
            diffs.add("devices: model lists " + model.devices().size() + ", impl " + impl.devices().size());
            return;
        }
        for (int d = 0; d < model.devices().size(); d++) {
            Snapshot.Device m = model.devices().get(d), i = impl.devices().get(d);
            String where = "device " + d;
            if (m.ctx() != i.ctx() || m.objectId() != i.objectId() || m.attached() != i.attached()) {
                diffs.add(where + ": model " + Describe.device(m) + ", impl " + Describe.device(i));
                continue;
            }
            Snapshot.Ste ms = m.ste(), is = i.ste();
            if (ms.kind() != is.kind() || ms.s1ContextPtr() != is.s1ContextPtr() || ms.ats() != is.ats()) {
                diffs.add(where + " STE: model " + Describe.ste(ms) + ", impl " + Describe.ste(is));
                continue;
            }
            String clash = renaming.bind(platform.device(d).smmu(), is.vmid(), ms.vmid(), where + " STE");
            if (clash != null) diffs.add(clash);
        }
    }

    private void compareSmmus(Snapshot model, Snapshot impl, List<String> diffs) {
        for (int s = 0; s < platform.smmus().size(); s++) {
            Snapshot.Smmu m = model.smmus().get(s), i = impl.smmus().get(s);
            Map<Snapshot.Owner, Integer> mo = byOwner(m), io = byOwner(i);
            if (mo.size() != m.vmids().size() || io.size() != i.vmids().size())
                diffs.add("smmu" + s + ": an owner holds two VMIDs: model " + m.vmids() + ", impl " + i.vmids());
            if (!mo.keySet().equals(io.keySet())) {
                diffs.add("smmu" + s + " VMID owners: model " + Describe.owners(m) + ", impl " + Describe.owners(i));
                continue;
            }
            for (Map.Entry<Snapshot.Owner, Integer> e : mo.entrySet()) {
                String clash = renaming.bind(s, io.get(e.getKey()), e.getValue(), "smmu" + s + " VMID of " + e.getKey());
                if (clash != null) diffs.add(clash);
            }
            Set<Integer> renamedTlb = new TreeSet<>();
            for (int v : i.tlb()) {
                Integer mv = renaming.modelOf(s, v);
                if (mv == null) {
                    diffs.add("smmu" + s + " TLB: impl holds VMID " + v + ", which corresponds to nothing in the model");
                } else {
                    renamedTlb.add(mv);
                }
            }
            if (!renamedTlb.equals(new TreeSet<>(m.tlb())) && renamedTlb.size() == i.tlb().size())
                diffs.add("smmu" + s + " TLB: model " + new TreeSet<>(m.tlb()) + ", impl " + new TreeSet<>(i.tlb())
                        + " (in model VMIDs: " + renamedTlb + ")");
            renaming.retain(s, live(i), live(m));
        }
    }

    private static Map<Snapshot.Owner, Integer> byOwner(Snapshot.Smmu smmu) {
        Map<Snapshot.Owner, Integer> out = new HashMap<>();
        smmu.vmids().forEach((v, o) -> out.put(o, v));
        return out;
    }

    private static Set<Integer> live(Snapshot.Smmu smmu) {
        Set<Integer> live = new HashSet<>(smmu.vmids().keySet());
        live.addAll(smmu.tlb());
        return live;
    }

    private static String describeKvm(Snapshot.Kvm kvm) {
        return Describe.kvm(kvm);
    }

    static boolean carriesVmid(SteKind kind) {
        return kind == SteKind.S2 || kind == SteKind.NESTED;
    }
}
