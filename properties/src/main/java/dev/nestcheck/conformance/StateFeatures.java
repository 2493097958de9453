package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Coverage of combinations, beyond single rules: a state feature per step (category
 * {@code feature}), some of which need several earlier steps, and the pair of deciding rules of
 * consecutive steps (category {@code pair}, "A>B"). Rule coverage can say "every rule reached"
 * while such multi-step states come up once in thousands of sequences; these labels measure
 * them, and the generator steers towards the rare ones ({@link OpGenerator}).
 */
final class StateFeatures {
    /** Re-attaching a translate nested HWPT after its device's VDEVICE went away under that attachment. */
    static final String REATTACH_AFTER_VDEVICE_GONE = "reattach-translate-after-its-vdevice-went-away";
    /** A rollover after a VM that was loaded on a CPU was destroyed. */
    static final String ROLLOVER_AFTER_LOADED_VM_DESTROYED = "rollover-after-destroying-a-loaded-vm";
    /** The rare multi-step states the default run must reach several times per policy. */
    static final List<String> RARE = List.of(REATTACH_AFTER_VDEVICE_GONE, ROLLOVER_AFTER_LOADED_VM_DESTROYED);
    /** Every feature this class labels, for "n of N" coverage. */
    static final List<String> ALL = List.of("map-adjacent-areas", "unmap-all", "unmap-big-area", "unmap-range-inv",
            "unmap-several-vmids", "unmap-with-ats", "unmap-cuts-an-area-after-unmapping-some", "unmap-cuts-or-misses-areas",
            "unmap-after-a-device-left-the-parent", "last-user-flush-at-replace", "last-user-flush-at-detach",
            "last-user-flush-at-unbind", "last-user-flush-at-close", "release-flush-at-destroy", "ats-enabled",
            "ats-replaced", "ats-disabled", "same-parent-nested-and-direct", "guest-atc-inv", "fault-id",
            "fault-id-nest-parent-released", "unknown-flag-bits", "virt-id-above-32-bits", "vmid-pool-exhausted",
            "vmid-pool-past-64", "vmid-pool-past-128", "destroy-a-loaded-vm", "rollover-with-a-pinned-vm",
            REATTACH_AFTER_VDEVICE_GONE, ROLLOVER_AFTER_LOADED_VM_DESTROYED);

    /** (ctx, DEVICE ID) whose VDEVICE was destroyed while the device was attached to a translate nested HWPT. */
    private final Set<List<Integer>> vdeviceGoneUnderTranslate = new HashSet<>();
    /** (ctx, IOAS ID) of nest parents a device left (detach, replace, unbind): an unmap there comes after it. */
    private final Set<List<Integer>> ioasLeftByADevice = new HashSet<>();
    private boolean loadedVmDestroyed;
    private String previousRule = "start";

    void label(Op op, Outcome out, Snapshot before, Snapshot after, Session.Labels labels) {
        String rule = out.rule() == null ? "?" : out.rule();
        labels.label("pair", previousRule + ">" + rule);
        previousRule = rule;
        Set<String> issuedRules = new TreeSet<>();
        Set<Integer> s2Vmids = new TreeSet<>();
        for (Issued i : out.issued()) {
            if (i.rule() != null) issuedRules.add(i.rule());
            if ("S2INV-2".equals(i.rule()) && (i.cmd().opcode() == Cmd.TLBI_S2_IPA || i.cmd().opcode() == Cmd.TLBI_S12_VMALL))
                s2Vmids.add(i.smmu() << 16 | i.cmd().vmid());
            if ("S2INV-2".equals(i.rule()) && i.cmd().opcode() == Cmd.TLBI_S12_VMALL) labels.label("feature", "unmap-big-area");
            if ("S2INV-2".equals(i.rule()) && i.cmd().opcode() == Cmd.ATC_INV) labels.label("feature", "unmap-with-ats");
            if ("S2INV-2".equals(i.rule()) && i.cmd().opcode() == Cmd.TLBI_S2_IPA && i.cmd().ipaPages() > 1)
                labels.label("feature", "unmap-range-inv");
            if ("INV-3".equals(i.rule()) && i.cmd().opcode() == Cmd.ATC_INV) labels.label("feature", "guest-atc-inv");
        }
        if (s2Vmids.size() > 1) labels.label("feature", "unmap-several-vmids");
        if (issuedRules.contains("S2INV-3"))
            labels.label("feature", "last-user-flush-at-" + (op instanceof Op.Attach ? "replace" : op.name()));
        if (op instanceof Op.Destroy && issuedRules.contains("VMID-5")) labels.label("feature", "release-flush-at-destroy");
        if (op instanceof Op.HwptAlloc && out.errno() == Errno.ENOENT && issuedRules.contains("VMID-5"))
            labels.label("feature", "fault-id-nest-parent-released");
        if (out.errno() == Errno.ENOSPC) labels.label("feature", "vmid-pool-exhausted");
        for (Snapshot.Smmu m : after.smmus()) {
            if (m.vmids().size() > 64) labels.label("feature", "vmid-pool-past-64");
            if (m.vmids().size() > 128) labels.label("feature", "vmid-pool-past-128");
        }
        if (op instanceof Op.HwptAlloc && (((Op.HwptAlloc) op).flags() & ~0xF) != 0) labels.label("feature", "unknown-flag-bits");
        if (op instanceof Op.HwptAlloc && (((Op.HwptAlloc) op).flags() & HwptFlags.FAULT_ID) != 0)
            labels.label("feature", "fault-id");
        if (op instanceof Op.VdeviceAlloc && out.isOk() && Long.compareUnsigned(((Op.VdeviceAlloc) op).virtId(), 1L << 32) >= 0)
            labels.label("feature", "virt-id-above-32-bits");
        mapFeatures(op, out, before, after, labels);
        deviceFeatures(op, out, before, after, labels);
        kvmFeatures(op, before, after, labels);
    }

    private void mapFeatures(Op op, Outcome out, Snapshot before, Snapshot after, Session.Labels labels) {
        if (op instanceof Op.IoasMap && out.isOk()) {
            Op.IoasMap m = (Op.IoasMap) op;
            for (Snapshot.Area a : before.contexts().get(m.ctx()).objects().get(m.ioas()).areas())
                if (a.end() == m.iova() || a.iova() == m.iova() + m.pages()) labels.label("feature", "map-adjacent-areas");
        }
        if (!(op instanceof Op.IoasUnmap)) return;
        Op.IoasUnmap u = (Op.IoasUnmap) op;
        if (u.unmapsAll()) labels.label("feature", "unmap-all");
        Snapshot.Context b = before.contexts().get(u.ctx()), a = after.contexts().get(u.ctx());
        Snapshot.Obj was = b == null ? null : b.objects().get(u.ioas()), now = a == null ? null : a.objects().get(u.ioas());
        boolean unmappedSome = was != null && now != null && !was.areas().equals(now.areas());
        if (out.errno() == Errno.ENOENT && unmappedSome) labels.label("feature", "unmap-cuts-an-area-after-unmapping-some");
        else if (out.errno() == Errno.ENOENT && was != null && was.kind() == ObjectKind.IOAS && !was.areas().isEmpty())
            labels.label("feature", "unmap-cuts-or-misses-areas");
        if (unmappedSome && ioasLeftByADevice.contains(List.of(u.ctx(), u.ioas())))
            labels.label("feature", "unmap-after-a-device-left-the-parent");
    }

    private void deviceFeatures(Op op, Outcome out, Snapshot before, Snapshot after, Session.Labels labels) {
        for (int d = 0; d < before.devices().size(); d++) {
            Snapshot.Device was = before.devices().get(d), now = after.devices().get(d);
            if (was.ste().ats() && now.ste().ats() && was.attached() != now.attached()) labels.label("feature", "ats-replaced");
            else if (was.ste().ats() && !now.ste().ats()) labels.label("feature", "ats-disabled");
            else if (!was.ste().ats() && now.ste().ats()) labels.label("feature", "ats-enabled");
            int parentBefore = was.ctx() == 0 ? 0 : Invariants.stage2Parent(before, was);
            int parentAfter = now.ctx() == 0 ? 0 : Invariants.stage2Parent(after, now);
            if (parentBefore != 0 && parentBefore != parentAfter) {
                Snapshot.Obj p = before.contexts().get(was.ctx()).objects().get(parentBefore);
                if (p != null) ioasLeftByADevice.add(List.of(was.ctx(), p.ref()));
            }
            if (parentBefore != 0 && parentBefore == parentAfter && was.ste().kind() != now.ste().kind())
                labels.label("feature", "same-parent-nested-and-direct");
            if (was.ctx() != 0 && now.ctx() == 0) vdeviceGoneUnderTranslate.remove(List.of(was.ctx(), was.objectId()));
        }
        if (op instanceof Op.Destroy && out.isOk()) {
            Op.Destroy x = (Op.Destroy) op;
            Snapshot.Obj o = before.contexts().get(x.ctx()).objects().get(x.id());
            if (o != null && o.kind() == ObjectKind.VDEVICE && attachedToTranslate(before, x.ctx(), o.device()))
                vdeviceGoneUnderTranslate.add(List.of(x.ctx(), o.device()));
        }
        if (op instanceof Op.Attach) {
            Op.Attach x = (Op.Attach) op;
            Snapshot.Context c = before.contexts().get(x.ctx());
            Snapshot.Obj h = c == null ? null : c.objects().get(x.hwpt());
            if (h != null && isTranslate(h) && vdeviceGoneUnderTranslate.contains(List.of(x.ctx(), x.dev())))
                labels.label("feature", REATTACH_AFTER_VDEVICE_GONE);
        }
    }

    private static boolean attachedToTranslate(Snapshot s, int ctx, int devObj) {
        for (Snapshot.Device d : s.devices()) {
            if (d.ctx() != ctx || d.objectId() != devObj || d.attached() == 0) continue;
            Snapshot.Obj h = s.contexts().get(ctx).objects().get(d.attached());
            return h != null && isTranslate(h);
        }
        return false;
    }

    /** NEST-2.3: a nested HWPT with Config 5 (the stored vSTE keeps V and Config). */
    private static boolean isTranslate(Snapshot.Obj h) {
        return h.kind() == ObjectKind.HWPT_NESTED && (h.vste0() & 1) == 1 && ((h.vste0() >>> 1) & 7) == 5;
    }

    private void kvmFeatures(Op op, Snapshot before, Snapshot after, Session.Labels labels) {
        if (op instanceof Op.KvmVmDestroy && before.kvm().cpuRunning().contains(((Op.KvmVmDestroy) op).vm())
                && !after.kvm().vms().containsKey(((Op.KvmVmDestroy) op).vm())) {
            loadedVmDestroyed = true;
            labels.label("feature", "destroy-a-loaded-vm");
        }
        if (after.kvm().rollovers() > before.kvm().rollovers()) {
            if (loadedVmDestroyed) labels.label("feature", ROLLOVER_AFTER_LOADED_VM_DESTROYED);
            loadedVmDestroyed = false;
            if (after.kvm().vms().values().stream().anyMatch(v -> v.pins() > 0)) labels.label("feature", "rollover-with-a-pinned-vm");
        }
    }
}
