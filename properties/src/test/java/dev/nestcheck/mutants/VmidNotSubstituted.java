package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Platform;

/**
 * Breaks INV-2: TLBI_NH_ALL/ASID/VA/VAA reach the hardware with the guest's VMID field instead of the
 * vIOMMU's VMID, so a guest can invalidate (or fail to invalidate) another VM's entries.
 */
final class VmidNotSubstituted extends ReferenceModel {
    VmidNotSubstituted(Platform platform) {
        super(platform);
    }

    @Override
    protected Cmd inv2_convert(Ctx c, int viommuId, int vmid, Cmd cmd) {
        if (cmd.opcode() >= Cmd.TLBI_NH_ALL && cmd.opcode() <= Cmd.TLBI_NH_VAA) return cmd; // the bug
        return super.inv2_convert(c, viommuId, vmid, cmd);
    }
}
