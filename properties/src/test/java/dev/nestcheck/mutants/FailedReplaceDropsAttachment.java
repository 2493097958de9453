package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

/**
 * Breaks ATT-5: a failed attach or replace leaves the device detached (blocked) instead of leaving
 * its old attachment exactly as it was, as if the old domain were torn down before the checks.
 */
final class FailedReplaceDropsAttachment extends ReferenceModel {
    FailedReplaceDropsAttachment(Platform platform) {
        super(platform);
    }

    @Override
    public Outcome attach(Op.Attach op) {
        try {
            return super.attach(op);
        } catch (RuntimeException failed) {
            try {
                super.detach(new Op.Detach(op.ctx(), op.dev())); // the bug
            } catch (RuntimeException noSuchDevice) {
                // nothing was attached
            }
            throw failed;
        }
    }
}
