package dev.nestcheck.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * An SMMUv3 command queue entry as two 64-bit words (ARM IHI 0070, 4.1); opcode in word0
 * bits 7:0. Used both for guest commands (INV-2) and for the commands an operation issues
 * to the hardware (OBS-1).
 */
public record Cmd(long word0, long word1) {
    public static final int CFGI_STE = 0x03;
    public static final int CFGI_ALL = 0x04;
    public static final int CFGI_CD = 0x05;
    public static final int CFGI_CD_ALL = 0x06;
    public static final int TLBI_NH_ALL = 0x10;
    public static final int TLBI_NH_ASID = 0x11;
    public static final int TLBI_NH_VA = 0x12;
    public static final int TLBI_NH_VAA = 0x13;
    public static final int TLBI_EL2_ALL = 0x20;
    public static final int TLBI_EL2_ASID = 0x21;
    public static final int TLBI_EL2_VA = 0x22;
    public static final int TLBI_S12_VMALL = 0x28;
    public static final int TLBI_S2_IPA = 0x2a;
    public static final int TLBI_NSNH_ALL = 0x30;
    public static final int ATC_INV = 0x40;
    public static final int PRI_RESP = 0x41;
    public static final int RESUME = 0x44;
    public static final int STALL_TERM = 0x45;
    public static final int CMD_SYNC = 0x46;

    /** word0 bits 47:32 of TLBI commands: the VMID field. */
    public static final long VMID_MASK = 0x0000_FFFF_0000_0000L;
    /** word0 bits 63:32 of ATC_INV and CFGI_CD*: the stream ID field. */
    public static final long SID_MASK = 0xFFFF_FFFF_0000_0000L;

    private static final Map<Integer, String> NAMES = new TreeMap<>(Map.ofEntries(
            Map.entry(CFGI_STE, "CFGI_STE"), Map.entry(CFGI_ALL, "CFGI_ALL"), Map.entry(CFGI_CD, "CFGI_CD"),
            Map.entry(CFGI_CD_ALL, "CFGI_CD_ALL"), Map.entry(TLBI_NH_ALL, "TLBI_NH_ALL"),
            Map.entry(TLBI_NH_ASID, "TLBI_NH_ASID"), Map.entry(TLBI_NH_VA, "TLBI_NH_VA"),
            Map.entry(TLBI_NH_VAA, "TLBI_NH_VAA"), Map.entry(TLBI_EL2_ALL, "TLBI_EL2_ALL"),
            Map.entry(TLBI_EL2_ASID, "TLBI_EL2_ASID"), Map.entry(TLBI_EL2_VA, "TLBI_EL2_VA"),
            Map.entry(TLBI_S12_VMALL, "TLBI_S12_VMALL"), Map.entry(TLBI_S2_IPA, "TLBI_S2_IPA"),
            Map.entry(TLBI_NSNH_ALL, "TLBI_NSNH_ALL"), Map.entry(ATC_INV, "ATC_INV"),
            Map.entry(PRI_RESP, "PRI_RESP"), Map.entry(RESUME, "RESUME"), Map.entry(STALL_TERM, "STALL_TERM"),
            Map.entry(CMD_SYNC, "CMD_SYNC")));

    public int opcode() {
        return (int) (word0 & 0xFF);
    }

    /** The VMID field, meaningful for the commands where {@link #carriesVmid()} holds. */
    public int vmid() {
        return (int) ((word0 & VMID_MASK) >>> 32);
    }

    /** The stream ID field of ATC_INV and CFGI_CD*. */
    public long sid() {
        return word0 >>> 32;
    }

    /** Whether word0 bits 47:32 are a VMID, and so renamed when comparing (VMID-2). */
    public boolean carriesVmid() {
        int op = opcode();
        return (op >= TLBI_NH_ALL && op <= TLBI_NH_VAA) || op == TLBI_S12_VMALL || op == TLBI_S2_IPA;
    }

    public Cmd withVmid(int vmid) {
        return new Cmd((word0 & ~VMID_MASK) | ((long) vmid << 32), word1);
    }

    public String name() {
        return opcodeName(opcode());
    }

    /** The name of an opcode, or {@code OP_0xNN} for one without a name. */
    public static String opcodeName(int opcode) {
        String n = NAMES.get(opcode);
        return n != null ? n : String.format("OP_0x%02x", opcode);
    }

    /** The opcode for a name written in a trace, or -1. */
    public static int opcodeOf(String name) {
        for (Map.Entry<Integer, String> e : NAMES.entrySet())
            if (e.getValue().equals(name)) return e.getKey();
        return -1;
    }

    /** The canonical CMD_SYNC every implementation issues (no completion signal fields). */
    public static Cmd sync() {
        return new Cmd(CMD_SYNC, 0);
    }

    /** TLBI_S12_VMALL for one VMID (VMID-5). */
    public static Cmd tlbiS12Vmall(int vmid) {
        return new Cmd(TLBI_S12_VMALL | ((long) vmid << 32), 0);
    }

    @Override
    public String toString() {
        return String.format("%s[0x%016x,0x%016x]", name(), word0, word1);
    }
}
