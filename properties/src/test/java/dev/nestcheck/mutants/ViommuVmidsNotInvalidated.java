package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks S2INV-1/S2INV-2 under VIOMMU: an unmap invalidates the parent's own VMID only (its direct
 * attachments), and forgets the VMIDs of the vIOMMUs built on it, whose nested STEs cache the same
 * stage-2 table: the cost side of a VMID per vIOMMU, skipped.
 */
final class ViommuVmidsNotInvalidated extends ReferenceModel {
    ViommuVmidsNotInvalidated(Platform platform) {
        super(platform);
    }

    @Override
    protected InvalidationSet s2inv1_invalidationSet(Ctx c, int parentId) {
        InvalidationSet set = super.s2inv1_invalidationSet(c, parentId);
        List<Integer> own = new ArrayList<>();
        for (Snapshot.Device d : snapshot().devices()) // the bug: only the STEs attached to the parent itself
            if (d.ctx() == c.number && d.attached() == parentId && !own.contains(d.ste().vmid())) own.add(d.ste().vmid());
        return new InvalidationSet(own, own, set.atsStreams());
    }
}
