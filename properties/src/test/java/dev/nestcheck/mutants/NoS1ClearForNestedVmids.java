package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks S2INV-1/S2INV-2: the invalidation set has S2_VMID_S1_CLEAR entries only for the VMIDs of
 * direct attachments, none for nested ones, so an unmap under a nested attachment drops the stage-2
 * entries but issues no TLBI_NH_ALL: the guest's combined stage-1+2 entries keep translating unmapped
 * pages (G-9).
 */
final class NoS1ClearForNestedVmids extends ReferenceModel {
    NoS1ClearForNestedVmids(Platform platform) {
        super(platform);
    }

    @Override
    protected InvalidationSet s2inv1_invalidationSet(Ctx c, int parentId) {
        InvalidationSet set = super.s2inv1_invalidationSet(c, parentId);
        List<Integer> direct = new ArrayList<>();
        for (Snapshot.Device d : snapshot().devices()) // the bug: S1_CLEAR for direct attachments only
            if (d.ctx() == c.number && d.attached() == parentId && !direct.contains(d.ste().vmid())) direct.add(d.ste().vmid());
        return new InvalidationSet(set.s2Vmids(), direct, set.atsStreams());
    }
}
