package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Platform;

/**
 * Breaks INV-2: a guest's TLBI_S12_VMALL is accepted (with the vIOMMU's VMID substituted, like a
 * TLBI_NH_*) instead of failing the call with EIO.
 */
final class S12VmallAcceptedFromGuest extends ReferenceModel {
    S12VmallAcceptedFromGuest(Platform platform) {
        super(platform);
    }

    @Override
    protected Cmd inv2_convert(Ctx c, int viommuId, int vmid, Cmd cmd) {
        if (cmd.opcode() == Cmd.TLBI_S12_VMALL) return cmd.withVmid(vmid); // the bug
        return super.inv2_convert(c, viommuId, vmid, cmd);
    }
}
