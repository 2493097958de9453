package dev.nestcheck.conformance;

import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Snapshot;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** Short, stable text forms of operations and snapshot parts for reports. */
public final class Describe {
    private Describe() {
    }

    /** An object ID field that the record prints signed: IDs are u32 in the uapi, and the trace writes them so. */
    private static final java.util.regex.Pattern NEGATIVE_ID =
            java.util.regex.Pattern.compile("\\b((?:dev|pt|hwpt|viommu|id|ioas)=)(-\\d+)");

    /** An operation as in the trace format, e.g. {@code hwpt_alloc(ctx=1, dev=1, pt=2, flags=1)}. */
    public static String op(Op op) {
        String s = op.toString();
        int brace = s.indexOf('[');
        String fields = brace < 0 ? "" : s.substring(brace + 1, s.length() - 1);
        fields = fields.replace(", data=null", "").replace(", dataType=NONE", "");
        fields = NEGATIVE_ID.matcher(fields).replaceAll(m -> m.group(1) + u32(Integer.parseInt(m.group(2))));
        if (op instanceof Op.Invalidate) {
            Op.Invalidate inv = (Op.Invalidate) op;
            fields = "ctx=" + inv.ctx() + ", id=" + u32(inv.id()) + ", dataType=" + inv.dataType() + ", " + commands(inv.commands());
        } else if (op instanceof Op.HwptAlloc) {
            Op.HwptAlloc h = (Op.HwptAlloc) op;
            fields = "ctx=" + h.ctx() + ", dev=" + u32(h.dev()) + ", pt=" + u32(h.pt()) + ", flags=" + u32(h.flags());
            if (h.dataType() != dev.nestcheck.spec.DataType.NONE) fields += ", dataType=" + h.dataType();
            if (h.data() != null) {
                StringJoiner words = new StringJoiner(",", "[", "]");
                for (long w : h.data()) words.add(String.format("0x%x", w));
                fields += ", data=" + words;
            }
        } else if (op instanceof Op.VdeviceAlloc) {
            Op.VdeviceAlloc v = (Op.VdeviceAlloc) op;
            fields = "ctx=" + v.ctx() + ", viommu=" + u32(v.viommu()) + ", dev=" + u32(v.dev()) + ", virtId=" + u64(v.virtId());
        } else if (op instanceof Op.IoasMap) {
            Op.IoasMap m = (Op.IoasMap) op;
            fields = "ctx=" + m.ctx() + ", ioas=" + u32(m.ioas()) + ", iova=" + u64(m.iova()) + ", pages=" + u64(m.pages());
        } else if (op instanceof Op.IoasUnmap) {
            Op.IoasUnmap m = (Op.IoasUnmap) op;
            fields = "ctx=" + m.ctx() + ", ioas=" + u32(m.ioas()) + ", iova=" + u64(m.iova()) + ", pages=" + u64(m.pages());
        }
        return op.name() + "(" + fields + ")";
    }

    /** {@code 1 batch}, {@code 2 batches}. */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** {@code 1 case}, {@code 1,000 cases}: with thousands separators, as the summaries print counts. */
    public static String counted(long n, String one, String many) {
        return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    /** A u32 uapi field (an object ID, flags), as the trace writes it. */
    static String u32(int v) {
        return Integer.toUnsignedString(v);
    }

    /** An unsigned 64-bit value: decimal below 2^53, else hex. */
    static String u64(long v) {
        return v >= 0 && v < (1L << 53) ? Long.toString(v) : String.format("0x%x", v);
    }

    /** A command list, abbreviated past a few entries so that tables stay readable. */
    static String commands(java.util.List<dev.nestcheck.spec.Cmd> cmds) {
        StringJoiner j = new StringJoiner(" ", count(cmds.size(), "command", "commands") + " [", "]");
        for (int i = 0; i < cmds.size(); i++) {
            if (i == 3 && cmds.size() > 4) {
                j.add("... " + cmds.get(cmds.size() - 1));
                break;
            }
            j.add(cmds.get(i).toString());
        }
        return j.toString();
    }

    static String obj(Snapshot.Obj o) {
        if (o == null) return "none";
        StringBuilder b = new StringBuilder(o.kind().name());
        if (o.ref() != 0) b.append(" ref=").append(o.ref());
        if (o.smmu() >= 0) b.append(" smmu").append(o.smmu());
        if (o.nestParent()) b.append(" nest-parent");
        if (o.kind() == ObjectKind.HWPT_NESTED) b.append(String.format(" vste=[0x%x,0x%x]", o.vste0(), o.vste1()));
        if (o.kind() == ObjectKind.VDEVICE) b.append(" virtId=").append(o.virtId());
        if (o.device() >= 0) b.append(" device=").append(o.device());
        if (!o.areas().isEmpty()) {
            StringJoiner a = new StringJoiner(",", " areas=[", "]");
            for (Snapshot.Area x : o.areas()) a.add(x.pages() == 1 ? Long.toString(x.iova()) : x.iova() + ".." + (x.end() - 1));
            b.append(a);
        }
        return b.toString();
    }

    static String device(Snapshot.Device d) {
        if (d.ctx() == 0) return "unbound, STE " + ste(d.ste());
        return "ctx" + d.ctx() + "#" + d.objectId() + (d.attached() == 0 ? " blocked" : " attached to " + d.attached())
                + ", STE " + ste(d.ste());
    }

    static String ste(Snapshot.Ste s) {
        String t = s.kind() + " vmid=" + s.vmid();
        if (s.s1ContextPtr() != 0) t += String.format(" s1ctx=0x%x", s.s1ContextPtr());
        if (s.ats()) t += " ats";
        return t;
    }

    static String owners(Snapshot.Smmu s) {
        return new TreeMap<>(s.vmids()).toString();
    }

    static String kvm(Snapshot.Kvm k) {
        StringJoiner vms = new StringJoiner(", ", "{", "}");
        new TreeMap<>(k.vms()).forEach((n, vm) -> vms.add("vm" + n + "=(" + vm.generation() + "," + vm.index() + ")"
                + (vm.pins() > 0 ? " pins=" + vm.pins() : "")));
        return vms + " cpus=" + k.cpuRunning() + " rollovers=" + k.rollovers();
    }

    /** A whole snapshot, several lines, sorted, for the end of a report. */
    public static String snapshot(Snapshot s) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Integer, Snapshot.Context> c : new TreeMap<>(s.contexts()).entrySet()) {
            b.append("ctx").append(c.getKey());
            if (c.getValue().kvmVm() != 0) b.append(" (vm").append(c.getValue().kvmVm()).append(')');
            b.append(':');
            new TreeMap<>(c.getValue().objects()).forEach((id, o) -> b.append(' ').append(id).append('=').append(obj(o)).append(';'));
            if (!c.getValue().tombstones().isEmpty()) b.append(" tombstones=").append(new java.util.TreeSet<>(c.getValue().tombstones()));
            b.append('\n');
        }
        for (int d = 0; d < s.devices().size(); d++)
            b.append("device ").append(d).append(": ").append(device(s.devices().get(d))).append('\n');
        for (int m = 0; m < s.smmus().size(); m++)
            b.append("smmu").append(m).append(": vmids ").append(owners(s.smmus().get(m))).append(" tlb ")
                    .append(new java.util.TreeSet<>(s.smmus().get(m).tlb())).append('\n');
        b.append("kvm: ").append(kvm(s.kvm())).append('\n');
        return b.toString();
    }
}
