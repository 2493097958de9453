package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Platform;

import java.util.Map;

/**
 * Breaks S2INV-2: a big area, invalidated with TLBI_S12_VMALL per VMID, also gets TLBI_NH_ALL per
 * S2_VMID_S1_CLEAR entry and a CMD_SYNC, which the kernel skips (TLBI_S12_VMALL already dropped the
 * combined entries): wasteful, and not what the rules say.
 */
final class NhAllAfterS12Vmall extends ReferenceModel {
    NhAllAfterS12Vmall(Platform platform) {
        super(platform);
    }

    @Override
    protected void s2inv2_invalidateArea(Ctx c, int ioas, long first, long pages) {
        super.s2inv2_invalidateArea(c, ioas, first, pages);
        for (Map.Entry<Integer, Obj> e : c.objects.entrySet()) {
            Obj p = e.getValue();
            if (p.kind() != ObjectKind.HWPT_PAGING || !p.nestParent() || p.ref() != ioas || !s2inv2_big(p.smmu(), pages)) continue;
            InvalidationSet set = s2inv1_invalidationSet(c, e.getKey());
            for (int v : set.s1ClearVmids()) issue(p.smmu(), Cmd.tlbiNhAll(v), "S2INV-2"); // the bug
            if (!set.s1ClearVmids().isEmpty()) issue(p.smmu(), Cmd.sync(), "S2INV-2");
        }
    }
}
