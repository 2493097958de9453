package dev.nestcheck.spec;

import java.util.List;

/**
 * OBS-1: what an operation returned. On success {@code errno} is null and {@code value} is
 * the ID or number the operation returns (0 for operations that return {@code true});
 * {@code entryNum} is set for INVALIDATE (success or failure) and -1 otherwise.
 * {@code issued} is every hardware command the operation issued, in order.
 * {@code rule} is the rule ID that decided the outcome: the model always names it, an
 * implementation may leave it null; it is reported, never compared.
 */
public record Outcome(Errno errno, long value, int entryNum, List<Issued> issued, String rule) {
    public static final int NO_ENTRY_NUM = -1;

    public Outcome {
        issued = List.copyOf(issued);
    }

    public static Outcome ok(long value, String rule) {
        return new Outcome(null, value, NO_ENTRY_NUM, List.of(), rule);
    }

    public static Outcome ok(String rule) {
        return ok(0, rule);
    }

    public static Outcome fail(Errno errno, String rule) {
        return new Outcome(errno, 0, NO_ENTRY_NUM, List.of(), rule);
    }

    public boolean isOk() {
        return errno == null;
    }

    public Outcome withIssued(List<Issued> commands) {
        return new Outcome(errno, value, entryNum, commands, rule);
    }

    public Outcome withEntryNum(int n) {
        return new Outcome(errno, value, n, issued, rule);
    }

    /** Short form for reports: {@code ok 3}, {@code EBUSY}, {@code ok entryNum=2}. */
    public String brief() {
        String s = isOk() ? "ok" + (value != 0 ? " " + value : "") : errno.name();
        return entryNum != NO_ENTRY_NUM ? s + " entryNum=" + entryNum : s;
    }
}
