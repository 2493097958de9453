package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

/**
 * Breaks HWPT-2 and NEST-1 as rules v2 states them: FAULT_ID is refused with EOPNOTSUPP up front (the
 * v1 rule), where the kernel strips it before the driver and fails the fault lookup last with ENOENT.
 */
final class FaultIdEopnotsupp extends ReferenceModel {
    FaultIdEopnotsupp(Platform platform) {
        super(platform);
    }

    @Override
    public Outcome hwptAlloc(Op.HwptAlloc op) {
        Outcome o = super.hwptAlloc(op);
        if ((op.flags() & HwptFlags.FAULT_ID) != 0 && o.errno() == Errno.ENOENT && o.rule() != null
                && (o.rule().equals("HWPT-2") || o.rule().equals("NEST-1")))
            return Outcome.fail(Errno.EOPNOTSUPP, o.rule()); // the bug (what the ENOENT path issued stays issued)
        return o;
    }
}
