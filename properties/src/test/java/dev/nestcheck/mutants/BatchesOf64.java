package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks INV-3: converted commands go out in batches of 64 (the queue's batch size, forgetting the
 * slot the CMD_SYNC needs) instead of 63, each followed by CMD_SYNC. The model's method, with 64.
 */
final class BatchesOf64 extends ReferenceModel {
    static final int BATCH = 64; // the bug: should be 63

    BatchesOf64(Platform platform) {
        super(platform);
    }

    @Override
    protected Outcome inv3_convertAndIssue(Ctx c, int viommuId, int smmu, List<Cmd> commands) {
        int vmid = vmidOf(smmu, vmid4_viommuOwner(c, viommuId));
        List<Cmd> batch = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Cmd converted = inv2_convert(c, viommuId, vmid, commands.get(i));
            if (converted == null) return Outcome.fail(Errno.EIO, "INV-2").withEntryNum(i);
            batch.add(converted);
            if (batch.size() == BATCH || i == commands.size() - 1) {
                for (Cmd cmd : batch) issue(smmu, cmd, "INV-3");
                issue(smmu, Cmd.sync(), "INV-3");
                batch.clear();
            }
        }
        return Outcome.ok("INV-3").withEntryNum(commands.size());
    }
}
