package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
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
import java.util.TreeSet;

/**
 * The GLOBAL invariants of RULES.md, checked on an implementation's own snapshot after
 * every step. TLB-3 (G-4), G-9 and G-10 are checked against a shadow TLB that this checker
 * derives from what it observes (the installed STEs, the IOAS areas and the issued
 * commands), rather than trusting the implementation's own TLB set: per SMMU the VMIDs that
 * may be cached (TLB-1) and, per VMID, the pages that may be cached (TLB-4: stage-2 entries
 * and combined stage-1+2 entries), and per device the pages its ATC may hold.
 */
final class Invariants {
    private final Platform platform;
    private final List<Set<Integer>> shadowTlb = new ArrayList<>();
    /** TLB-4: per SMMU, per VMID, the pages of stage-2 entries and of combined (nested) entries. */
    private final List<Map<Integer, PageSet>> s2Pages = new ArrayList<>(), nestedPages = new ArrayList<>();
    /** TLB-4: per platform device, the pages its ATC may hold. */
    private final PageSet[] atc;
    private Snapshot previous;
    private boolean tlb4Exercised;

    Invariants(Platform platform, Snapshot initial) {
        this.platform = platform;
        this.previous = initial;
        for (int i = 0; i < platform.smmus().size(); i++) {
            shadowTlb.add(new HashSet<>());
            s2Pages.add(new HashMap<>());
            nestedPages.add(new HashMap<>());
        }
        atc = new PageSet[platform.devices().size()];
        for (int d = 0; d < atc.length; d++) atc[d] = new PageSet();
    }

    /** Whether the last step's commands removed cached pages (TLB-4 at work), for coverage. */
    boolean tlb4Exercised() {
        return tlb4Exercised;
    }

    /** Violations after a step, each line starting with its rule ID; empty when all hold. */
    List<String> afterStep(Op op, List<Issued> issued, Snapshot now) {
        List<String> violations = new ArrayList<>();
        g1SteVmidRange(now, violations);
        g2NoVmidSharedAcrossContexts(now, violations);
        g3SharedVmidMeansSameParent(now, violations);
        if (!(op instanceof Op.Invalidate)) g10AtcInvAfterSync(issued, violations);
        tlb4Exercised = false;
        mappedNow.clear();
        for (int s = 0; s < shadowTlb.size(); s++) applyCommands(s, issued, now);
        g4NoStaleReuse(now, violations);
        tlb4Fill(now);
        g9NoStaleTranslation(now, violations);
        if (platform.policy() == Policy.KVM_PINNED) g5PinnedKvmVmid(now, violations);
        g6KvmCpus(now, violations);
        g8References(now, violations);
        previous = now;
        return violations;
    }

    /** The TLB-4 entries that may still be cached (OBS-4: derived by the suite, not reported by implementations). */
    String describeTlb4() {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < shadowTlb.size(); s++) {
            b.append("smmu").append(s).append(" TLB-4:");
            for (int v : new TreeSet<>(s2Pages.get(s).keySet())) b.append(" vmid").append(v).append(' ').append(s2Pages.get(s).get(v));
            for (int v : new TreeSet<>(nestedPages.get(s).keySet()))
                b.append(" vmid").append(v).append(" nested ").append(nestedPages.get(s).get(v));
            b.append('\n');
        }
        for (int d = 0; d < atc.length; d++)
            if (!atc[d].isEmpty()) b.append("device ").append(d).append(" ATC ").append(atc[d]).append('\n');
        return b.toString();
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

    private void g4NoStaleReuse(Snapshot now, List<String> out) {
        for (int s = 0; s < now.smmus().size(); s++) {
            Map<Integer, Snapshot.Owner> before = previous.smmus().get(s).vmids();
            for (Map.Entry<Integer, Snapshot.Owner> e : now.smmus().get(s).vmids().entrySet())
                if (!Objects.equals(before.get(e.getKey()), e.getValue()) && shadowTlb.get(s).contains(e.getKey()))
                    out.add("G-4/TLB-3: smmu" + s + " VMID " + e.getKey() + " handed to " + e.getValue()
                            + " while it may still be cached (no TLBI_S12_VMALL + CMD_SYNC since its last use)");
        }
    }

    /**
     * TLB-2, TLB-4: the commands to one SMMU take effect at the CMD_SYNC that follows them. At a
     * sync, ATC_INVs come first: the device's ATC empties (or loses the range of a guest ATC_INV)
     * and, while its STE translates with ATS, refills at once from what the TLB holds for its VMID
     * before this sync's TLBIs complete (so an ATC_INV not after the sync of the TLBIs does not
     * count). Then the TLBIs: TLBI_S12_VMALL(v) drops v with its pages, TLBI_NSNH_ALL everything,
     * TLBI_S2_IPA the stage-2 entries of its pages, TLBI_NH_ALL(v) v's combined entries. Guest
     * TLBI_NH_ASID/VA/VAA name guest addresses and remove nothing here.
     */
    private void applyCommands(int smmu, List<Issued> issued, Snapshot now) {
        List<Cmd> pending = new ArrayList<>();
        for (Issued i : issued) {
            if (i.smmu() != smmu) continue;
            if (i.cmd().opcode() != Cmd.CMD_SYNC) {
                pending.add(i.cmd());
                continue;
            }
            for (Cmd c : pending) if (c.opcode() == Cmd.ATC_INV) atcInvalidate(smmu, c, now);
            for (Cmd c : pending) tlbInvalidate(smmu, c);
            pending.clear();
        }
    }

    private void atcInvalidate(int smmu, Cmd c, Snapshot now) {
        for (int d = 0; d < atc.length; d++) {
            DeviceSpec spec = platform.device(d);
            if (spec.smmu() != smmu || spec.streamId() != c.sid()) continue;
            boolean had = !atc[d].isEmpty();
            if (c.atcSize() >= 20) {
                atc[d].clear(); // 2^20 pages or more: the whole IOVA space (PLAT-6)
            } else {
                long span = 1L << c.atcSize(), first = c.atcFirstPage() & ~(span - 1);
                atc[d].remove(first, first + span);
            }
            Snapshot.Ste ste = now.devices().get(d).ste();
            if (ste.ats() && stage2(ste.kind())) { // refill from what the TLB holds now
                PageSet s2 = s2Pages.get(smmu).get(ste.vmid()), nested = nestedPages.get(smmu).get(ste.vmid());
                if (s2 != null) atc[d].addAll(s2);
                if (nested != null) atc[d].addAll(nested);
            }
            tlb4Exercised |= had;
        }
    }

    private void tlbInvalidate(int smmu, Cmd c) {
        Map<Integer, PageSet> s2 = s2Pages.get(smmu), nested = nestedPages.get(smmu);
        switch (c.opcode()) {
            case Cmd.TLBI_S12_VMALL:
                shadowTlb.get(smmu).remove(c.vmid());
                tlb4Exercised |= s2.remove(c.vmid()) != null | nested.remove(c.vmid()) != null;
                break;
            case Cmd.TLBI_NSNH_ALL:
                shadowTlb.get(smmu).clear();
                s2.clear();
                nested.clear();
                break;
            case Cmd.TLBI_S2_IPA: {
                PageSet p = s2.get(c.vmid());
                if (p != null) {
                    p.remove(c.ipaFirstPage(), c.ipaFirstPage() + c.ipaPages());
                    tlb4Exercised = true;
                }
                break;
            }
            case Cmd.TLBI_NH_ALL:
                tlb4Exercised |= nested.remove(c.vmid()) != null;
                break;
            default:
                break;
        }
    }

    /**
     * TLB-1, TLB-4: after the operation, every installed S2 or NESTED STE with VMID v may cache v
     * and every page mapped in its parent (combined entries too under NESTED; ATC entries with ATS).
     */
    private void tlb4Fill(Snapshot now) {
        for (int d = 0; d < now.devices().size(); d++) {
            Snapshot.Device dev = now.devices().get(d);
            Snapshot.Ste ste = dev.ste();
            if (!stage2(ste.kind())) continue;
            int s = platform.device(d).smmu();
            shadowTlb.get(s).add(ste.vmid());
            PageSet mapped = mapped(now, dev.ctx(), stage2Parent(now, dev));
            if (mapped.isEmpty()) continue;
            s2Pages.get(s).computeIfAbsent(ste.vmid(), k -> new PageSet()).addAll(mapped);
            if (ste.kind() == SteKind.NESTED) nestedPages.get(s).computeIfAbsent(ste.vmid(), k -> new PageSet()).addAll(mapped);
            if (ste.ats()) atc[d].addAll(mapped);
        }
    }

    /** {@link #mappedPages(Snapshot, int, int)} for the current state, computed once per parent per step. */
    private final Map<List<Integer>, PageSet> mappedNow = new HashMap<>();

    private PageSet mapped(Snapshot s, int ctx, int parent) {
        return mappedNow.computeIfAbsent(List.of(ctx, parent), k -> mappedPages(s, ctx, parent));
    }

    /** The pages mapped in nest parent {@code parent} of context {@code ctx}: its IOAS's areas (OBS-4). */
    static PageSet mappedPages(Snapshot s, int ctx, int parent) {
        PageSet out = new PageSet();
        Snapshot.Context c = s.contexts().get(ctx);
        Snapshot.Obj p = c == null ? null : c.objects().get(parent);
        Snapshot.Obj ioas = p == null ? null : c.objects().get(p.ref());
        if (ioas != null) for (Snapshot.Area a : ioas.areas()) out.add(a.iova(), a.end());
        return out;
    }

    /**
     * G-9: no TLB entry of a VMID still allocated translates a page its parent no longer maps, and
     * no ATC entry of a device a page its STE no longer maps.
     */
    private void g9NoStaleTranslation(Snapshot now, List<String> out) {
        for (int s = 0; s < now.smmus().size(); s++) {
            for (Map.Entry<Integer, Snapshot.Owner> e : now.smmus().get(s).vmids().entrySet()) {
                PageSet s2 = s2Pages.get(s).get(e.getKey()), nested = nestedPages.get(s).get(e.getKey());
                if ((s2 == null || s2.isEmpty()) && (nested == null || nested.isEmpty())) continue;
                int[] parent = parentOf(now, s, e.getValue());
                PageSet mapped = parent == null ? new PageSet() : mapped(now, parent[0], parent[1]);
                PageSet stale = s2 == null ? new PageSet() : s2.minus(mapped);
                if (nested != null) stale.addAll(nested.minus(mapped));
                if (!stale.isEmpty())
                    out.add("G-9: smmu" + s + " VMID " + e.getKey() + " (" + e.getValue() + ") may still translate pages "
                            + stale + " that " + (parent == null ? "no parent" : "its parent ctx" + parent[0] + "#" + parent[1])
                            + " no longer maps");
            }
        }
        for (int d = 0; d < atc.length; d++) {
            if (atc[d].isEmpty()) continue;
            Snapshot.Device dev = now.devices().get(d);
            PageSet mapped = stage2(dev.ste().kind()) ? mapped(now, dev.ctx(), stage2Parent(now, dev)) : new PageSet();
            PageSet stale = atc[d].minus(mapped);
            if (!stale.isEmpty())
                out.add("G-9: device " + d + " ATC may still translate pages " + stale + " that its STE ("
                        + Describe.ste(dev.ste()) + ") no longer maps");
        }
    }

    /** The nest parent (ctx, ID) whose STEs use a VMID with this owner on this SMMU (VMID-4), or null. */
    static int[] parentOf(Snapshot s, int smmu, Snapshot.Owner owner) {
        switch (owner.kind()) {
            case HWPT:
                return new int[] {owner.ctx(), owner.id()};
            case VIOMMU: {
                Snapshot.Context c = s.contexts().get(owner.ctx());
                Snapshot.Obj v = c == null ? null : c.objects().get(owner.id());
                return v == null ? null : new int[] {owner.ctx(), v.ref()};
            }
            case ICTX:
                return nestParentOn(s, owner.ctx(), smmu);
            default: // KVM: the bound context's nest parent on that SMMU
                for (Map.Entry<Integer, Snapshot.Context> c : s.contexts().entrySet())
                    if (c.getValue().kvmVm() == owner.id()) return nestParentOn(s, c.getKey(), smmu);
                return null;
        }
    }

    private static int[] nestParentOn(Snapshot s, int ctx, int smmu) {
        Snapshot.Context c = s.contexts().get(ctx);
        if (c == null) return null;
        for (Map.Entry<Integer, Snapshot.Obj> e : c.objects().entrySet())
            if (e.getValue().kind() == ObjectKind.HWPT_PAGING && e.getValue().nestParent() && e.getValue().smmu() == smmu)
                return new int[] {ctx, e.getKey()};
        return null;
    }

    /**
     * G-10: in the host-generated commands of one operation to one SMMU, every ATC_INV follows a
     * CMD_SYNC that follows every TLBI issued before it.
     */
    private void g10AtcInvAfterSync(List<Issued> issued, List<String> out) {
        for (int s = 0; s < platform.smmus().size(); s++) {
            boolean tlbiPending = false;
            int k = 0;
            for (Issued i : issued) {
                if (i.smmu() != s) continue;
                int op = i.cmd().opcode();
                if (op == Cmd.CMD_SYNC) tlbiPending = false;
                else if (op == Cmd.ATC_INV && tlbiPending)
                    out.add("G-10: smmu" + s + " command " + k + ": ATC_INV(sid " + i.cmd().sid()
                            + ") before the CMD_SYNC that completes the operation's earlier TLBIs");
                else if (isTlbi(op)) tlbiPending = true;
                k++;
            }
        }
    }

    private static boolean isTlbi(int opcode) {
        return (opcode >= Cmd.TLBI_NH_ALL && opcode <= Cmd.TLBI_NH_VAA) || (opcode >= Cmd.TLBI_EL2_ALL && opcode <= Cmd.TLBI_S2_IPA)
                || opcode == Cmd.TLBI_NSNH_ALL;
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
