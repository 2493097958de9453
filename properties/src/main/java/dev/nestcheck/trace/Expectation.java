package dev.nestcheck.trace;

import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A step's {@code expect} (TRACE.md, Expectations). Every part is optional and only the parts
 * given are checked:
 * <ul>
 * <li>{@code result}: {@code {"ok": true}} ({@link Ok}: any success), {@code {"ok": N}}
 *     ({@link OkValue}: success with value N) or {@code {"errno": "NAME"}} ({@link Fail});
 *     null when the trace gives neither;</li>
 * <li>{@code entryNum} (INVALIDATE), null when not given;</li>
 * <li>{@code issued}: the opcode names of the commands the step issued, SMMU by SMMU in
 *     increasing SMMU id, each SMMU's part in order, null when not given (an empty list expects
 *     that nothing was issued); compared as OBS-3 says: split after each CMD_SYNC, each batch a
 *     multiset;</li>
 * <li>{@code ste}: platform device id to the kind of its STE after the step, null when not
 *     given.</li>
 * </ul>
 */
public record Expectation(Result result, Integer entryNum, List<String> issued, Map<Integer, SteKind> ste) {

    /** The ok-or-errno part. */
    public sealed interface Result permits Ok, OkValue, Fail {
    }

    /** {@code "ok": true}: the step succeeds (with any value). */
    public record Ok() implements Result {
    }

    /** {@code "ok": N}: the step succeeds and returns N (an object ID, context or VM number). */
    public record OkValue(long value) implements Result {
    }

    /** {@code "errno": "NAME"}: the step fails with that errno. */
    public record Fail(Errno errno) implements Result {
        public Fail {
            if (errno == null) throw new IllegalArgumentException("errno is required");
        }
    }

    public Expectation {
        if (entryNum != null && entryNum < 0) throw new IllegalArgumentException("entryNum must be >= 0, got " + entryNum);
        issued = issued == null ? null : List.copyOf(issued);
        ste = ste == null ? null : Collections.unmodifiableMap(new TreeMap<>(ste));
    }

    /** {@code {"ok": true}}. */
    public static Expectation ok() {
        return new Expectation(new Ok(), null, null, null);
    }

    /** {@code {"ok": value}}. */
    public static Expectation ok(long value) {
        return new Expectation(new OkValue(value), null, null, null);
    }

    /** {@code {"errno": errno}}. */
    public static Expectation errno(Errno errno) {
        return new Expectation(new Fail(errno), null, null, null);
    }

    public Expectation withEntryNum(Integer n) {
        return new Expectation(result, n, issued, ste);
    }

    public Expectation withIssued(List<String> names) {
        return new Expectation(result, entryNum, names, ste);
    }

    public Expectation withSte(Map<Integer, SteKind> kinds) {
        return new Expectation(result, entryNum, issued, kinds);
    }

    /**
     * The full expectation of what actually happened, for writing counterexample traces: the
     * ok value ({@code true} for operations that return no value) or the errno, entryNum for
     * INVALIDATE, the issued opcode names (an empty list when nothing was issued) and the STE
     * kind of every platform device in {@code after} (omitted when {@code after} is null).
     */
    public static Expectation of(Op op, Outcome outcome, Snapshot after) {
        Result r = outcome.isOk()
                ? (op.returnsValue() ? new OkValue(outcome.value()) : new Ok())
                : new Fail(outcome.errno());
        Integer entryNum = op instanceof Op.Invalidate && outcome.entryNum() != Outcome.NO_ENTRY_NUM
                ? outcome.entryNum() : null;
        List<String> issued = names(outcome.issued());
        Map<Integer, SteKind> ste = null;
        if (after != null) {
            ste = new TreeMap<>();
            for (int i = 0; i < after.devices().size(); i++)
                ste.put(i, after.devices().get(i).ste().kind());
        }
        return new Expectation(r, entryNum, issued, ste);
    }

    /**
     * Checks an actual outcome and the snapshot after the step against this expectation, in
     * the order result, entryNum, issued, ste.
     *
     * @return the first mismatch as one line (e.g. {@code expected errno EBUSY, got ok 3}), or
     *         empty when everything given matches
     */
    public Optional<String> check(Op op, Outcome outcome, Snapshot after) {
        if (result != null) {
            String got = describe(op, outcome);
            if (result instanceof Ok) {
                if (!outcome.isOk()) return Optional.of("expected ok, got " + got);
            } else if (result instanceof OkValue v) {
                if (!outcome.isOk() || outcome.value() != v.value())
                    return Optional.of("expected ok " + Long.toUnsignedString(v.value()) + ", got " + got);
            } else if (result instanceof Fail f) {
                if (outcome.errno() != f.errno())
                    return Optional.of("expected errno " + f.errno().name() + ", got " + got);
            }
        }
        if (entryNum != null && outcome.entryNum() != entryNum)
            return Optional.of("expected entryNum " + entryNum + ", got "
                    + (outcome.entryNum() == Outcome.NO_ENTRY_NUM ? "none" : String.valueOf(outcome.entryNum())));
        if (issued != null) {
            List<String> actual = names(outcome.issued());
            if (!sameBatches(issued, actual))
                return Optional.of("expected issued " + issued + ", got " + actual);
        }
        if (ste != null) {
            for (Map.Entry<Integer, SteKind> e : ste.entrySet()) {
                int dev = e.getKey();
                if (after == null)
                    return Optional.of("expected ste of device " + dev + " " + e.getValue() + ", got no snapshot");
                if (dev < 0 || dev >= after.devices().size())
                    return Optional.of("expected ste of device " + dev + " " + e.getValue()
                            + ", but the snapshot has " + after.devices().size() + " devices");
                SteKind actual = after.devices().get(dev).ste().kind();
                if (actual != e.getValue())
                    return Optional.of("expected ste of device " + dev + " " + e.getValue() + ", got " + actual);
            }
        }
        return Optional.empty();
    }

    /** {@code ok}, {@code ok 3} or {@code errno EBUSY}, as in mismatch messages. */
    static String describe(Op op, Outcome outcome) {
        if (!outcome.isOk()) return "errno " + outcome.errno().name();
        return op.returnsValue() || outcome.value() != 0 ? "ok " + Long.toUnsignedString(outcome.value()) : "ok";
    }

    /** The opcode names SMMU by SMMU in increasing SMMU id, each SMMU's commands in their order (TRACE.md). */
    private static List<String> names(List<Issued> issued) {
        List<Issued> bySmmu = new ArrayList<>(issued);
        bySmmu.sort(java.util.Comparator.comparingInt(Issued::smmu)); // stable: each SMMU's order is kept
        List<String> out = new ArrayList<>(issued.size());
        for (Issued i : bySmmu) out.add(i.cmd().name());
        return out;
    }

    /** OBS-3: the same batches (each ending at a CMD_SYNC), each the same multiset of names. */
    static boolean sameBatches(List<String> expected, List<String> actual) {
        if (expected.size() != actual.size()) return false;
        int start = 0;
        for (int k = 0; k <= expected.size(); k++) {
            if (k < expected.size() && !"CMD_SYNC".equals(expected.get(k))) continue;
            int end = Math.min(k + 1, expected.size());
            if (k < actual.size() && k < expected.size() && !"CMD_SYNC".equals(actual.get(k))) return false;
            List<String> e = new ArrayList<>(expected.subList(start, end)), a = new ArrayList<>(actual.subList(start, end));
            Collections.sort(e);
            Collections.sort(a);
            if (!e.equals(a)) return false;
            start = end;
        }
        return true;
    }
}
