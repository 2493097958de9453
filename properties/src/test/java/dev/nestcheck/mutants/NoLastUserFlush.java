package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

import java.util.List;
import java.util.Set;

/**
 * Breaks S2INV-3: when a detach (or replace, unbind, close) leaves a nest parent's VMID without a
 * user, nothing is flushed, although later unmaps will no longer invalidate that VMID: its cached
 * translations of pages unmapped afterwards go stale (G-9). The release flush (VMID-5) still comes.
 */
final class NoLastUserFlush extends ReferenceModel {
    NoLastUserFlush(Platform platform) {
        super(platform);
    }

    @Override
    protected void s2inv3_lastUserFlush(Set<List<Integer>> usedBefore, Set<List<Integer>> usedAfter) {
        // the bug: the array drops the entry without flushing its VMID
    }
}
