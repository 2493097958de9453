package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

import java.util.List;

/**
 * Breaks INV-3: when a command fails, entryNum counts the failing command too (i + 1 instead of i).
 */
final class EntryNumOffByOne extends ReferenceModel {
    EntryNumOffByOne(Platform platform) {
        super(platform);
    }

    @Override
    protected Outcome inv3_convertAndIssue(Ctx c, int viommuId, int smmu, List<Cmd> commands) {
        Outcome out = super.inv3_convertAndIssue(c, viommuId, smmu, commands);
        return out.isOk() ? out : out.withEntryNum(out.entryNum() + 1); // the bug
    }
}
