package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

import static dev.nestcheck.spec.ObjectKind.VDEVICE;

/**
 * Breaks INV-2: the virtual stream ID of ATC_INV and CFGI_CD* is looked up among the VDEVICEs of
 * every vIOMMU of the context, not only the invalidated vIOMMU's, so a guest reaches a device of
 * another vIOMMU instead of getting EIO.
 */
final class VirtIdLookedUpInEveryViommu extends ReferenceModel {
    VirtIdLookedUpInEveryViommu(Platform platform) {
        super(platform);
    }

    @Override
    protected Obj vdev1_find(Ctx c, int viommuId, long virtId) {
        for (Obj o : c.objects.values())
            if (o.kind() == VDEVICE && o.virtId() == virtId) return o; // the bug: any vIOMMU's
        return null;
    }
}
