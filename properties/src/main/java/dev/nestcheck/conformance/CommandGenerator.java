package dev.nestcheck.conformance;

import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws INVALIDATE operations (INV-1..3): arrays of 1 to 140 guest commands mixing every
 * accepted opcode, with junk in the bits that must be cleared or kept, virtual stream IDs
 * that are known to this vIOMMU, known only to another one, or unknown; invalid arrays
 * hold one rejected command, and invalid calls target the wrong object or data type.
 */
final class CommandGenerator {
    private static final int[] ACCEPTED = {Cmd.TLBI_NH_VA, Cmd.TLBI_NH_ASID, Cmd.TLBI_NH_ALL, Cmd.TLBI_NH_VAA,
            Cmd.TLBI_NSNH_ALL, Cmd.ATC_INV, Cmd.CFGI_CD, Cmd.CFGI_CD_ALL};
    private static final int[] REJECTED = {Cmd.TLBI_S12_VMALL, Cmd.CFGI_STE, Cmd.CFGI_ALL, Cmd.TLBI_S2_IPA,
            Cmd.TLBI_EL2_ALL, Cmd.CMD_SYNC, Cmd.PRI_RESP, 0x7f};
    /** Array sizes: small, medium, around one and two batches of 63 (INV-3), and up to 140. */
    private static final int[] SIZE_BASE = {1, 5, 62, 125, 138};
    private static final int[] SIZE_SPREAD = {3, 20, 3, 3, 2};

    Op.Invalidate invalidate(TestCase tc, Snapshot s, int ctx, boolean invalid, OpGenerator gen) {
        int viommu = gen.idOf(tc, s, ctx, ObjectKind.VIOMMU);
        if (invalid) {
            switch (tc.pickWeighted(1, 1, 1, 1, 4)) { // mostly an array with one rejected command
                case 0: return new Op.Invalidate(ctx, gen.idOf(tc, s, ctx, ObjectKind.HWPT_NESTED), DataType.ARM_SMMUV3, commands(tc, s, ctx, viommu, false));
                case 1: return new Op.Invalidate(ctx, gen.anyId(tc, s, ctx), DataType.ARM_SMMUV3, commands(tc, s, ctx, viommu, false));
                case 2: return new Op.Invalidate(ctx, viommu, tc.bool() ? DataType.VTD_S1 : DataType.NONE, commands(tc, s, ctx, viommu, false));
                case 3: return new Op.Invalidate(ctx, viommu, DataType.ARM_SMMUV3, List.of());
                default: return new Op.Invalidate(ctx, viommu, DataType.ARM_SMMUV3, commands(tc, s, ctx, viommu, true));
            }
        }
        return new Op.Invalidate(ctx, viommu, DataType.ARM_SMMUV3, commands(tc, s, ctx, viommu, false));
    }

    private List<Cmd> commands(TestCase tc, Snapshot s, int ctx, int viommu, boolean oneRejected) {
        int sizeClass = tc.pickWeighted(12, 3, 1, 1, 1);
        // The array is a span whose first choice is its size, each command a span inside it: the
        // shrinker deletes a command while lowering the size, and the rest stays aligned.
        tc.startSpan();
        int size = SIZE_BASE[sizeClass] + tc.between(0, SIZE_SPREAD[sizeClass]);
        int bad = oneRejected ? tc.between(0, size - 1) : -1;
        List<Long> mine = new ArrayList<>(), others = new ArrayList<>();
        OpGenerator.objects(s, ctx).forEach((id, o) -> {
            if (o.kind() == ObjectKind.VDEVICE) (o.ref() == viommu ? mine : others).add(o.virtId());
        });
        List<Cmd> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            tc.startSpan();
            out.add(i == bad ? rejected(tc, others) : accepted(tc, mine));
            tc.endSpan();
        }
        tc.endSpan();
        return out;
    }

    private static Cmd accepted(TestCase tc, List<Long> mine) {
        int op = ACCEPTED[tc.pickWeighted(4, 2, 2, 1, 1, 2, 2, 1)];
        long junk = tc.weighted(0.3) ? junk(tc) & ~0xFFL : 0;
        long word1 = tc.weighted(0.3) ? junk(tc) : 0;
        if (op == Cmd.ATC_INV || op == Cmd.CFGI_CD || op == Cmd.CFGI_CD_ALL) {
            long sid = mine.isEmpty() ? tc.between(0, 3) : tc.pick(mine);
            return new Cmd(op | (sid << 32) | (junk & 0xFFFF_FF00L), word1);
        }
        return new Cmd(op | junk, word1);
    }

    /** A command INV-2 rejects with EIO: each rejected opcode, or a virtual ID not in this vIOMMU, alike. */
    private static Cmd rejected(TestCase tc, List<Long> others) {
        int k = tc.between(0, REJECTED.length);
        if (k == REJECTED.length) {
            long sid = others.isEmpty() || tc.bool() ? 1000 + tc.between(0, 3) : tc.pick(others);
            return new Cmd(Cmd.ATC_INV | (sid << 32), 0);
        }
        return new Cmd(REJECTED[k] | (tc.weighted(0.3) ? junk(tc) & ~0xFFL : 0), 0);
    }

    /** 64 bits of junk in a span right after its flag, so that one shrink step (delete, lower the flag) drops it. */
    private static long junk(TestCase tc) {
        tc.startSpan();
        long v = tc.bits64();
        tc.endSpan();
        return v;
    }
}
