package dev.nestcheck.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * An SMMUv3 command queue entry as two 64-bit words (ARM IHI 0070, 4.1); opcode in word0
 * bits 7:0. Used both for guest commands (INV-2) and for the commands an operation issues
 * to the hardware (OBS-1).
 *
 * <p>The host commands the rules require, with the fields that are observed (the factories
 * below build them; every other bit is 0):
 * <ul>
 * <li>{@code CMD_SYNC}: word0 = 0x46, word1 = 0 (no completion signal fields).</li>
 * <li>{@code TLBI_S12_VMALL(v)}, {@code TLBI_NH_ALL(v)}: VMID in word0 bits 47:32.</li>
 * <li>{@code TLBI_S2_IPA(v, first, pages)} (S2INV-2): VMID in word0 bits 47:32; the first page
 *     (a PLAT-6 page number) in word1 bits 63:12, where the architecture has the IPA of a
 *     4 KiB page; pages - 1 in word0 bits 31:12. The last field is nestcheck's abstraction of
 *     the architecture's NUM/SCALE range encoding, which is out of scope (one command per
 *     area): a single-page command (pages = 1) has the architecture's own encoding with TG,
 *     TTL and LEAF 0.</li>
 * <li>{@code ATC_INV(sid, all)} (S2INV-2, S2INV-4): stream ID in word0 bits 63:32, SIZE
 *     (word1 bits 5:0) = 52, the kernel's ATC_INV_SIZE_ALL; no SSID, address 0.</li>
 * </ul>
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
    /** ATC_INV word1 bits 5:0: log2 of the number of 4 KiB pages invalidated. */
    public static final long ATC_SIZE_MASK = 0x3F;
    /** ATC_INV SIZE meaning "the whole ATC" (the kernel's ATC_INV_SIZE_ALL). */
    public static final int ATC_SIZE_ALL = 52;
    /** TLBI_S2_IPA word0 bits 31:12: pages - 1 (nestcheck's range field, see the class comment). */
    public static final long IPA_PAGES_MASK = 0xFFFF_F000L;
    /** The most pages one TLBI_S2_IPA can name: the whole IOVA space (PLAT-6). */
    public static final long MAX_IPA_PAGES = 1L << 20;

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

    /** TLBI_S2_IPA: the first page invalidated (word1 bits 63:12). */
    public long ipaFirstPage() {
        return word1 >>> 12;
    }

    /** TLBI_S2_IPA: how many pages, from {@link #ipaFirstPage()} (word0 bits 31:12, plus 1). */
    public long ipaPages() {
        return ((word0 & IPA_PAGES_MASK) >>> 12) + 1;
    }

    /** ATC_INV: the SIZE field, log2 of the pages invalidated ({@link #ATC_SIZE_ALL} or more: all). */
    public int atcSize() {
        return (int) (word1 & ATC_SIZE_MASK);
    }

    /** ATC_INV: the first page of the range (word1 bits 63:12, the address of a 4 KiB page). */
    public long atcFirstPage() {
        return word1 >>> 12;
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

    /** TLBI_S12_VMALL for one VMID (VMID-5, S2INV-2, S2INV-3). */
    public static Cmd tlbiS12Vmall(int vmid) {
        return new Cmd(TLBI_S12_VMALL | ((long) vmid << 32), 0);
    }

    /** TLBI_NH_ALL for one VMID: every stage-1 (and combined) entry of that VMID (S2INV-2). */
    public static Cmd tlbiNhAll(int vmid) {
        return new Cmd(TLBI_NH_ALL | ((long) vmid << 32), 0);
    }

    /**
     * TLBI_S2_IPA for {@code pages} pages from {@code firstPage} under one VMID (S2INV-2), in the
     * encoding of the class comment: {@code firstPage} below 2^52, {@code pages} 1 to 2^20.
     */
    public static Cmd tlbiS2Ipa(int vmid, long firstPage, long pages) {
        if (pages < 1 || pages > MAX_IPA_PAGES)
            throw new IllegalArgumentException("TLBI_S2_IPA covers 1 to 2^20 pages, got " + pages);
        if (firstPage < 0 || firstPage >= 1L << 52)
            throw new IllegalArgumentException("TLBI_S2_IPA first page must be below 2^52, got " + firstPage);
        return new Cmd(TLBI_S2_IPA | ((pages - 1) << 12) | ((long) vmid << 32), firstPage << 12);
    }

    /** ATC_INV of the whole ATC of one stream (S2INV-2, S2INV-4). */
    public static Cmd atcInvAll(long streamId) {
        return new Cmd(ATC_INV | (streamId << 32), ATC_SIZE_ALL);
    }

    @Override
    public String toString() {
        return String.format("%s[0x%016x,0x%016x]", name(), word0, word1);
    }
}
