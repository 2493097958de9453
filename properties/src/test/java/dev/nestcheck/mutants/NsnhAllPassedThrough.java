package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Platform;

/**
 * Breaks INV-2: a guest's TLBI_NSNH_ALL is issued as it is, invalidating every VMID on the SMMU,
 * instead of being narrowed to TLBI_NH_ALL of the vIOMMU's VMID.
 */
final class NsnhAllPassedThrough extends ReferenceModel {
    NsnhAllPassedThrough(Platform platform) {
        super(platform);
    }

    @Override
    protected Cmd inv2_convert(Ctx c, int viommuId, int vmid, Cmd cmd) {
        if (cmd.opcode() == Cmd.TLBI_NSNH_ALL) return cmd; // the bug
        return super.inv2_convert(c, viommuId, vmid, cmd);
    }
}
