package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

/**
 * Breaks HWPT-2 and NEST-1 as rules v2 states them: FAULT_ID is refused with EOPNOTSUPP up front (the
 * v1 rule), where the kernel strips it before the driver and fails the fault lookup last with ENOENT
 * (FAULT_ID alone or with PASID, and on a vIOMMU; with NEST_PARENT the kernel says EOPNOTSUPP too).
 */
final class FaultIdEopnotsupp extends ReferenceModel {
    FaultIdEopnotsupp(Platform platform) {
        super(platform);
    }

    @Override
    public Outcome execute(Op op) {
        Outcome o = super.execute(op); // (the model rejects by throwing inside hwptAlloc: look at the outcome)
        if (op instanceof Op.HwptAlloc && (((Op.HwptAlloc) op).flags() & HwptFlags.FAULT_ID) != 0
                && o.errno() == Errno.ENOENT && ("HWPT-2".equals(o.rule()) || "NEST-1".equals(o.rule())))
            return Outcome.fail(Errno.EOPNOTSUPP, o.rule()).withIssued(o.issued()); // the bug (what was issued stays issued)
        return o;
    }
}
