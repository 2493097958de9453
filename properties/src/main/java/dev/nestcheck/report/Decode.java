package dev.nestcheck.report;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decoded forms of the raw words in a counterexample, for a reader who would otherwise decode
 * them by hand: vSTE words (NEST-2: V, Config, S1ContextPtr, EATS, the reserved bits), HWPT_ALLOC
 * flags, and SMMU commands (opcode and the fields the rules use: VMID, ASID, stream ID, address).
 */
public final class Decode {
    private Decode() {
    }

    /** What an operation's raw arguments mean, one line each; empty when nothing needs decoding. */
    public static List<String> op(Op op) {
        List<String> out = new ArrayList<>();
        if (op instanceof Op.HwptAlloc h) {
            if (h.flags() != 0) out.add("flags " + h.flags() + " = " + flags(h.flags()));
            if (h.data() != null && h.data().size() == 2) out.add("vSTE: " + vste(h.data().get(0), h.data().get(1)));
        } else if (op instanceof Op.Invalidate inv) {
            for (int i = 0; i < inv.commands().size(); i++)
                out.add("command " + i + ": " + command(inv.commands().get(i)));
        }
        return out;
    }

    /** HWPT_ALLOC flags by name, e.g. {@code NEST_PARENT|FAULT_ID}. */
    public static String flags(int flags) {
        List<String> names = new ArrayList<>();
        int rest = flags;
        int[] bits = {HwptFlags.NEST_PARENT, HwptFlags.DIRTY_TRACKING, HwptFlags.FAULT_ID, HwptFlags.PASID};
        String[] labels = {"NEST_PARENT", "DIRTY_TRACKING", "FAULT_ID", "PASID"};
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                names.add(labels[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) names.add(String.format(Locale.ROOT, "0x%x (unknown)", rest));
        return String.join("|", names);
    }

    /** NEST-2's view of a vSTE: {@code V=1 Config=5 (stage-1 translate) S1ContextPtr=0x1c0 EATS=1}. */
    public static String vste(long word0, long word1) {
        long v = word0 & 1;
        if (v == 0) return "V=0 (invalid: accepted as abort, both words zeroed)";
        int config = (int) ((word0 >>> 1) & 7);
        long s1ctx = word0 & 0x000F_FFFF_FFFF_FFC0L;
        int eats = (int) ((word1 >>> 28) & 3);
        StringBuilder b = new StringBuilder("V=1 Config=").append(config).append(" (").append(configName(config))
                .append(")");
        if (s1ctx != 0) b.append(String.format(Locale.ROOT, " S1ContextPtr=0x%x", s1ctx));
        b.append(" EATS=").append(eats);
        if (eats > 1) b.append(" (not 0 or 1)");
        long reserved0 = word0 & 0x07F0_0000_0000_0000L;
        long reserved1 = word1 & ~0x0000_0000_3800_00FFL;
        if (reserved0 != 0) b.append(" reserved word0 bits ").append(bits(reserved0));
        if (reserved1 != 0) b.append(" reserved word1 bits ").append(bits(reserved1));
        return b.toString();
    }

    private static String configName(int config) {
        switch (config) {
            case 0: return "abort";
            case 4: return "bypass";
            case 5: return "stage-1 translate";
            default: return "not allowed: 0, 4 or 5";
        }
    }

    private static String bits(long w) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) if ((w >>> i & 1) != 0) out.add(Integer.toString(i));
        return String.join(",", out);
    }

    /** An issued command with its SMMU: {@code smmu0 TLBI_S12_VMALL vmid=1}. */
    public static String issued(Issued i) {
        return "smmu" + i.smmu() + " " + command(i.cmd());
    }

    /** A command by opcode name and the fields that matter to the rules. */
    public static String command(Cmd c) {
        int op = c.opcode();
        StringBuilder b = new StringBuilder(c.name());
        switch (op) {
            case Cmd.TLBI_NH_ALL:
            case Cmd.TLBI_S12_VMALL:
                b.append(" vmid=").append(c.vmid());
                break;
            case Cmd.TLBI_NH_ASID:
                b.append(" vmid=").append(c.vmid()).append(" asid=").append(c.word0() >>> 48);
                break;
            case Cmd.TLBI_NH_VA:
                b.append(" vmid=").append(c.vmid()).append(" asid=").append(c.word0() >>> 48)
                        .append(String.format(Locale.ROOT, " addr=0x%x", c.word1() & ~0xFFFL));
                break;
            case Cmd.TLBI_NH_VAA:
            case Cmd.TLBI_S2_IPA:
                b.append(" vmid=").append(c.vmid())
                        .append(String.format(Locale.ROOT, " addr=0x%x", c.word1() & ~0xFFFL));
                break;
            case Cmd.ATC_INV:
            case Cmd.CFGI_CD:
            case Cmd.CFGI_CD_ALL:
            case Cmd.CFGI_STE:
                b.append(" sid=").append(c.sid());
                break;
            case Cmd.CMD_SYNC:
                break;
            default:
                b.append(String.format(Locale.ROOT, " [0x%x,0x%x]", c.word0(), c.word1()));
        }
        return b.toString();
    }
}
