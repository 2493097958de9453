package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * OBS-3: compares one step of an implementation with the model. Outcomes must be equal
 * exactly (errno, value, entryNum). Issued commands are compared per SMMU as a sequence of
 * batches, each ending at a CMD_SYNC, each batch a multiset (the order inside a batch is not
 * part of the contract, rules v2), up to the run's {@link VmidRenaming}; snapshots likewise up
 * to the renaming. KVM state is compared exactly: the allocator's choices are specified
 * (KVM-3), unlike SMMU VMIDs. Each comparison also collects the rules the differences break
 * ({@link #brokenRules()}): the deciding rule of a differing outcome, the rules the model's
 * commands of a differing batch name (e.g. VMID-5, S2INV-3), the rule a snapshot difference
 * belongs to.
 */
final class StepComparator {
    private final Platform platform;
    private final VmidRenaming renaming;
    private final Set<String> brokenRules = new LinkedHashSet<>();
    /** Each SMMU's part of the last snapshots compared. */
    private final Snapshot.Smmu[] previousModel, previousImpl;

    StepComparator(Platform platform) {
        this.platform = platform;
        this.renaming = new VmidRenaming(platform.smmus().size());
        this.previousModel = new Snapshot.Smmu[platform.smmus().size()];
        this.previousImpl = new Snapshot.Smmu[platform.smmus().size()];
    }

    /** The rules broken by the differences found since the last {@link #compareOutcomes}, in the order found. */
    List<String> brokenRules() {
        return new ArrayList<>(brokenRules);
    }

    /** Differences in the outcome, one line each; empty when they agree. */
    List<String> compareOutcomes(Outcome model, Outcome impl) {
        brokenRules.clear();
        List<String> diffs = new ArrayList<>();
        if (!Objects.equals(model.errno(), impl.errno()) || model.value() != impl.value()
                || model.entryNum() != impl.entryNum()) {
            diffs.add("outcome: model " + model.brief() + ", impl " + impl.brief());
            rule(model.rule());
        }
        if (!sameCommandsAsBound(model.issued(), impl.issued()))
            for (int smmu = 0; smmu < platform.smmus().size(); smmu++)
                compareCommands(smmu, onSmmu(model.issued(), smmu), onSmmu(impl.issued(), smmu), model.rule(), diffs);
        for (Issued i : impl.issued())
            if (i.smmu() < 0 || i.smmu() >= platform.smmus().size()) {
                diffs.add("commands: impl issued " + i.cmd() + " to unknown smmu " + i.smmu());
                rule("OBS-1");
            }
        return diffs;
    }

    /**
     * The common case, without grouping or sorting: the same commands in the same order, each VMID
     * already bound to the model's. Batch by batch these are then the same multisets, and comparing
     * them would bind nothing new.
     */
    private boolean sameCommandsAsBound(List<Issued> model, List<Issued> impl) {
        if (model.size() != impl.size()) return false;
        for (int k = 0; k < model.size(); k++) {
            Issued m = model.get(k), i = impl.get(k);
            if (m.smmu() != i.smmu()) return false;
            Cmd mc = m.cmd(), ic = i.cmd();
            if (!mc.carriesVmid()) {
                if (!mc.equals(ic)) return false;
            } else if (!ic.carriesVmid() || !renaming.bound(i.smmu(), ic.vmid(), mc.vmid())
                    || !mc.equals(ic.withVmid(mc.vmid()))) {
                return false;
            }
        }
        return true;
    }

    private void rule(String r) {
        if (r != null) brokenRules.add(r);
    }

    private static List<Issued> onSmmu(List<Issued> issued, int smmu) {
        List<Issued> out = new ArrayList<>();
        for (Issued i : issued)
            if (i.smmu() == smmu) out.add(i);
        return out;
    }

    /** Splits one SMMU's commands after each CMD_SYNC; trailing commands without one form a last batch. */
    static List<List<Issued>> batches(List<Issued> cmds) {
        List<List<Issued>> out = new ArrayList<>();
        List<Issued> cur = new ArrayList<>();
        for (Issued i : cmds) {
            cur.add(i);
            if (i.cmd().opcode() == Cmd.CMD_SYNC) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    private void compareCommands(int smmu, List<Issued> model, List<Issued> impl, String outcomeRule, List<String> diffs) {
        List<List<Issued>> mb = batches(model), ib = batches(impl);
        int n = Math.min(mb.size(), ib.size());
        for (int k = 0; k < n; k++) {
            String why = compareBatch(smmu, mb.get(k), ib.get(k));
            if (why != null) {
                diffs.add("commands: smmu" + smmu + " batch " + (k + 1) + " of " + mb.size() + ": " + why + ": model "
                        + describe(mb.get(k)) + ", impl " + describe(ib.get(k)));
                batchRules(mb.get(k), outcomeRule);
                return;
            }
        }
        if (mb.size() != ib.size()) {
            boolean missing = mb.size() > n;
            List<Issued> first = missing ? mb.get(n) : ib.get(n);
            diffs.add("commands: smmu" + smmu + ": model issued " + Describe.count(mb.size(), "batch", "batches") + ", impl "
                    + ib.size() + "; first "
                    + (missing ? "missing: " : "extra: ") + describe(first));
            batchRules(missing ? first : (n > 0 ? mb.get(n - 1) : List.of()), outcomeRule);
        }
    }

    /** The rules the model's commands of a batch name, or the step's deciding rule when they name none. */
    private void batchRules(List<Issued> modelBatch, String outcomeRule) {
        int before = brokenRules.size();
        for (Issued i : modelBatch) rule(i.rule());
        if (brokenRules.size() == before) rule(outcomeRule);
    }

    /**
     * Whether two batches are the same multiset of commands up to the renaming, binding new pairs
     * as it goes; the reason when not. Commands that carry a VMID are grouped by VMID and each
     * group's multiset of commands with the VMID field cleared must match its counterpart's.
     */
    private String compareBatch(int smmu, List<Issued> model, List<Issued> impl) {
        List<Cmd> mPlain = new ArrayList<>(), iPlain = new ArrayList<>();
        Map<Integer, List<Cmd>> mByVmid = new TreeMap<>(), iByVmid = new TreeMap<>();
        split(model, mPlain, mByVmid);
        split(impl, iPlain, iByVmid);
        if (!sorted(mPlain).equals(sorted(iPlain))) return "the commands without a VMID differ";
        if (mByVmid.size() != iByVmid.size()) return "the batches name " + mByVmid.size() + " and " + iByVmid.size() + " VMIDs";
        Map<Integer, Integer> pairs = new TreeMap<>(); // impl VMID -> model VMID, this batch
        for (Map.Entry<Integer, List<Cmd>> e : iByVmid.entrySet()) {
            Integer m = renaming.modelOf(smmu, e.getKey());
            if (m == null) continue;
            if (!mByVmid.containsKey(m) || !sorted(mByVmid.get(m)).equals(sorted(e.getValue())))
                return "impl VMID " + e.getKey() + " (model VMID " + m + ") is invalidated differently";
            pairs.put(e.getKey(), m);
        }
        for (Map.Entry<Integer, List<Cmd>> e : iByVmid.entrySet()) {
            if (pairs.containsKey(e.getKey())) continue;
            List<Cmd> shapes = sorted(e.getValue());
            Integer match = null;
            for (Map.Entry<Integer, List<Cmd>> m : mByVmid.entrySet()) {
                if (pairs.containsValue(m.getKey()) || renaming.implOf(smmu, m.getKey()) != null) continue;
                if (sorted(m.getValue()).equals(shapes)) {
                    match = m.getKey();
                    break;
                }
            }
            if (match == null) return "impl VMID " + e.getKey() + " matches no VMID of the model's batch";
            String clash = renaming.bind(smmu, e.getKey(), match, () -> "smmu" + smmu + " commands");
            if (clash != null) return clash;
            pairs.put(e.getKey(), match);
        }
        return null;
    }

    private static void split(List<Issued> batch, List<Cmd> plain, Map<Integer, List<Cmd>> byVmid) {
        for (Issued i : batch) {
            Cmd c = i.cmd();
            if (c.carriesVmid()) byVmid.computeIfAbsent(c.vmid(), k -> new ArrayList<>()).add(c.withVmid(0));
            else plain.add(c);
        }
    }

    private static List<Cmd> sorted(List<Cmd> cmds) {
        List<Cmd> out = new ArrayList<>(cmds);
        out.sort(Comparator.comparingLong(Cmd::word0).thenComparingLong(Cmd::word1));
        return out;
    }

    /** A batch in short: runs of TLBI_S2_IPA on consecutive pages of one VMID are merged. */
    static String describe(List<Issued> batch) {
        StringJoiner j = new StringJoiner(" ", "[", "]");
        for (int k = 0; k < batch.size(); k++) {
            Cmd c = batch.get(k).cmd();
            if (c.opcode() == Cmd.TLBI_S2_IPA) {
                long first = c.ipaFirstPage(), end = first + c.ipaPages();
                while (k + 1 < batch.size() && batch.get(k + 1).cmd().opcode() == Cmd.TLBI_S2_IPA
                        && batch.get(k + 1).cmd().vmid() == c.vmid() && batch.get(k + 1).cmd().ipaFirstPage() == end) {
                    end += batch.get(++k).cmd().ipaPages();
                }
                j.add("TLBI_S2_IPA(" + c.vmid() + ", pages " + first + (end - first > 1 ? ".." + (end - 1) : "") + ")");
            } else if (c.carriesVmid()) {
                j.add(c.name() + "(" + c.vmid() + ")");
            } else if (c.opcode() == Cmd.ATC_INV) {
                j.add("ATC_INV(sid " + c.sid() + (c.atcSize() >= Cmd.ATC_SIZE_ALL ? ", all" : ", size " + c.atcSize()) + ")");
            } else if (c.opcode() == Cmd.CMD_SYNC && c.word1() == 0 && c.word0() == Cmd.CMD_SYNC) {
                j.add("CMD_SYNC");
            } else {
                j.add(c.toString());
            }
        }
        return j.toString();
    }

    /**
     * Differences in the snapshot, one line each; empty when they agree up to renaming. The rules
     * they break: the step's deciding rule for objects, devices and KVM state, VMID-4 for owners,
     * TLB-1 for the TLB set.
     */
    List<String> compareSnapshots(Snapshot model, Snapshot impl, String stepRule) {
        List<String> diffs = new ArrayList<>();
        compareContexts(model, impl, diffs);
        compareDevices(model, impl, diffs);
        if (!diffs.isEmpty()) rule(stepRule);
        int before = diffs.size();
        compareSmmus(model, impl, diffs);
        for (String d : diffs.subList(before, diffs.size())) rule(d.contains(" TLB") ? "TLB-1" : "VMID-4");
        if (!model.kvm().equals(impl.kvm())) {
            diffs.add("kvm: model " + describeKvm(model.kvm()) + ", impl " + describeKvm(impl.kvm()));
            rule(stepRule);
        }
        return diffs;
    }

    private static void compareContexts(Snapshot model, Snapshot impl, List<String> diffs) {
        if (model.contexts().equals(impl.contexts())) return; // the common case, without sorting anything
        if (!model.contexts().keySet().equals(impl.contexts().keySet())) {
            diffs.add("contexts: model " + new TreeSet<>(model.contexts().keySet()) + ", impl "
                    + new TreeSet<>(impl.contexts().keySet()));
            return;
        }
        for (int ctx : new TreeSet<>(model.contexts().keySet())) {
            Snapshot.Context m = model.contexts().get(ctx), i = impl.contexts().get(ctx);
            if (m.equals(i)) continue;
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
            if (m.ctx() != i.ctx() || m.objectId() != i.objectId() || m.attached() != i.attached()) {
                diffs.add("device " + d + ": model " + Describe.device(m) + ", impl " + Describe.device(i));
                continue;
            }
            Snapshot.Ste ms = m.ste(), is = i.ste();
            if (ms.kind() != is.kind() || ms.s1ContextPtr() != is.s1ContextPtr() || ms.ats() != is.ats()) {
                diffs.add("device " + d + " STE: model " + Describe.ste(ms) + ", impl " + Describe.ste(is));
                continue;
            }
            int smmu = platform.device(d).smmu(), device = d;
            if (renaming.bound(smmu, is.vmid(), ms.vmid())) continue;
            String clash = renaming.bind(smmu, is.vmid(), ms.vmid(), () -> "device " + device + " STE");
            if (clash != null) diffs.add(clash);
        }
    }

    private void compareSmmus(Snapshot model, Snapshot impl, List<String> diffs) {
        for (int s = 0; s < platform.smmus().size(); s++) {
            Snapshot.Smmu m = model.smmus().get(s), i = impl.smmus().get(s);
            // unchanged on both sides since the last step: the renaming already covers them
            if (previousImpl[s] != null && previousImpl[s].equals(i) && previousModel[s].equals(m)) continue;
            previousModel[s] = m;
            previousImpl[s] = i;
            if (sameAsBound(s, m, i)) {
                renaming.retain(s, i, m);
                continue;
            }
            Map<Snapshot.Owner, Integer> mo = byOwner(m), io = byOwner(i);
            if (mo.size() != m.vmids().size() || io.size() != i.vmids().size())
                diffs.add("smmu" + s + ": an owner holds two VMIDs: model " + m.vmids() + ", impl " + i.vmids());
            if (!mo.keySet().equals(io.keySet())) {
                diffs.add("smmu" + s + " VMID owners: model " + Describe.owners(m) + ", impl " + Describe.owners(i));
                continue;
            }
            for (Map.Entry<Snapshot.Owner, Integer> e : mo.entrySet()) {
                int smmu = s;
                String clash = renaming.bind(s, io.get(e.getKey()), e.getValue(), () -> "smmu" + smmu + " VMID of " + e.getKey());
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
            renaming.retain(s, i, m);
        }
    }

    /**
     * The common case, without maps of every owner: each impl VMID is bound to a model VMID with the
     * same owner, or (a VMID new on both sides) unbound with an owner that exactly one unbound model
     * VMID has; every impl TLB VMID stands for one in the model's TLB set; the sizes agree. The
     * renaming is one-to-one, so the sides then match entry for entry and true is returned. Otherwise
     * the full comparison finds and words the difference; the only pairs bound here are new owners
     * matched one to one, which it binds too.
     */
    private boolean sameAsBound(int s, Snapshot.Smmu m, Snapshot.Smmu i) {
        if (m.vmids().size() != i.vmids().size() || m.tlb().size() != i.tlb().size()) return false;
        List<Map.Entry<Integer, Snapshot.Owner>> unbound = null;
        for (Map.Entry<Integer, Snapshot.Owner> e : i.vmids().entrySet()) {
            Integer mv = renaming.modelOf(s, e.getKey());
            if (mv == null) {
                if (unbound == null) unbound = new ArrayList<>();
                unbound.add(e);
            } else if (!e.getValue().equals(m.vmids().get(mv))) {
                return false;
            }
        }
        if (unbound != null) {
            Map<Snapshot.Owner, Integer> newInModel = new HashMap<>();
            m.vmids().forEach((v, o) -> {
                if (renaming.implOf(s, v) == null) newInModel.merge(o, v, (a, b) -> 0); // 0: an owner twice
            });
            if (newInModel.size() != unbound.size()) return false;
            int[] pairs = new int[2 * unbound.size()];
            for (int k = 0; k < unbound.size(); k++) {
                Integer mv = newInModel.remove(unbound.get(k).getValue());
                if (mv == null || mv == 0) return false;
                pairs[2 * k] = unbound.get(k).getKey();
                pairs[2 * k + 1] = mv;
            }
            for (int k = 0; k < pairs.length; k += 2) renaming.bind(s, pairs[k], pairs[k + 1], () -> ""); // both unbound: no clash
        }
        for (int v : i.tlb()) {
            Integer mv = renaming.modelOf(s, v);
            if (mv == null || !m.tlb().contains(mv)) return false;
        }
        return true;
    }

    private static Map<Snapshot.Owner, Integer> byOwner(Snapshot.Smmu smmu) {
        Map<Snapshot.Owner, Integer> out = new HashMap<>();
        smmu.vmids().forEach((v, o) -> out.put(o, v));
        return out;
    }

    private static String describeKvm(Snapshot.Kvm kvm) {
        return Describe.kvm(kvm);
    }

    static boolean carriesVmid(SteKind kind) {
        return kind == SteKind.S2 || kind == SteKind.NESTED;
    }
}
