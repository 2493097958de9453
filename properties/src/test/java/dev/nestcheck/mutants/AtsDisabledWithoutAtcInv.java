package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot.Ste;

/**
 * Breaks S2INV-4: a device whose ATS goes from enabled to disabled (detach, replace onto an STE without
 * ATS, unbind, close) gets no ATC_INV, so its ATC keeps translations its STE no longer maps (G-9).
 */
final class AtsDisabledWithoutAtcInv extends ReferenceModel {
    AtsDisabledWithoutAtcInv(Platform platform) {
        super(platform);
    }

    @Override
    protected void s2inv4_atcOnAtsChange(int device, Ste before, Ste after) {
        if (before.ats() && !after.ats()) return; // the bug
        super.s2inv4_atcOnAtsChange(device, before, after);
    }
}
