package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Platform;

import java.util.Map;

/**
 * Breaks S2INV-2 (and G-10): an unmap puts the ATC_INV of its ATS devices into the same batch as the
 * stage-2 TLBIs, before their CMD_SYNC, so a device may refill its ATC from a TLB entry that the TLBI
 * has not removed yet (TLB-4).
 */
final class AtcInvBeforeSync extends ReferenceModel {
    AtcInvBeforeSync(Platform platform) {
        super(platform);
    }

    @Override
    protected void s2inv2_invalidateArea(Ctx c, int ioas, long first, long pages) {
        for (Map.Entry<Integer, Obj> e : c.objects.entrySet()) {
            Obj p = e.getValue();
            if (p.kind() != ObjectKind.HWPT_PAGING || !p.nestParent() || p.ref() != ioas) continue;
            InvalidationSet set = s2inv1_invalidationSet(c, e.getKey());
            int smmu = p.smmu();
            boolean big = s2inv2_big(smmu, pages);
            for (int v : set.s2Vmids()) {
                if (big) issue(smmu, Cmd.tlbiS12Vmall(v), "S2INV-2");
                else if (platform().smmu(smmu).rangeInv()) issue(smmu, Cmd.tlbiS2Ipa(v, first, pages), "S2INV-2");
                else for (long page = first; page < first + pages; page++) issue(smmu, Cmd.tlbiS2Ipa(v, page, 1), "S2INV-2");
            }
            for (long sid : set.atsStreams()) issue(smmu, Cmd.atcInvAll(sid), "S2INV-2"); // the bug: before the sync
            if (!set.s2Vmids().isEmpty()) issue(smmu, Cmd.sync(), "S2INV-2");
            if (!big) {
                for (int v : set.s1ClearVmids()) issue(smmu, Cmd.tlbiNhAll(v), "S2INV-2");
                if (!set.s1ClearVmids().isEmpty()) issue(smmu, Cmd.sync(), "S2INV-2");
            }
        }
    }
}
