package dev.nestcheck.conformance;

import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.List;

/**
 * OBS-3 for a recorded history rather than a lock-step run: the conformance {@link StepComparator}
 * (outcomes exactly, commands and snapshots up to one consistent VMID renaming per SMMU), for checkers
 * that compare the outcomes of a concurrent run with one sequential order of the model (the
 * concurrency module's linearizability check). One instance per order tried: the renaming is its state.
 */
public final class HistoryComparator {
    private final StepComparator comparator;

    public HistoryComparator(Platform platform) {
        this.comparator = new StepComparator(platform);
    }

    /** Differences between the model's outcome and the implementation's, one line each; empty when equal. */
    public List<String> outcomes(Outcome model, Outcome impl) {
        return comparator.compareOutcomes(model, impl);
    }

    /** Differences between the snapshots, up to the renaming bound so far; empty when equal. */
    public List<String> snapshots(Snapshot model, Snapshot impl) {
        return comparator.compareSnapshots(model, impl, "OBS-1");
    }
}
