package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** OBS-3 v2: commands per SMMU, batch by batch (each ends at CMD_SYNC), a multiset within a batch, VMIDs renamed consistently. */
class StepComparatorTest {
    private static final Platform PLATFORM = new Platform(Policy.VIOMMU,
            List.of(new SmmuSpec(0, 3, true, true, false, false, 4), new SmmuSpec(1, 3, true, true, false, false, 4)),
            List.of(new DeviceSpec(0, 0, 0x10, true), new DeviceSpec(1, 1, 0x20, true)), new KvmSpec(1, 2));

    private static Outcome ok(Object... smmuAndCmds) {
        List<Issued> issued = new ArrayList<>();
        for (int i = 0; i < smmuAndCmds.length; i += 2)
            issued.add(new Issued((Integer) smmuAndCmds[i], (Cmd) smmuAndCmds[i + 1], "S2INV-2"));
        return Outcome.ok("MAP-2").withIssued(issued);
    }

    private static final Cmd SYNC = Cmd.sync();

    @Test
    void theOrderInsideABatchIsFreeButNotAcrossACmdSync() {
        StepComparator c = new StepComparator(PLATFORM);
        Outcome model = ok(0, Cmd.tlbiS2Ipa(1, 0, 1), 0, Cmd.tlbiS2Ipa(1, 1, 1), 0, SYNC, 0, Cmd.tlbiNhAll(1), 0, SYNC);
        assertThat(c.compareOutcomes(model, ok(0, Cmd.tlbiS2Ipa(1, 1, 1), 0, Cmd.tlbiS2Ipa(1, 0, 1), 0, SYNC,
                0, Cmd.tlbiNhAll(1), 0, SYNC))).isEmpty();
        List<String> diffs = c.compareOutcomes(model, ok(0, Cmd.tlbiS2Ipa(1, 0, 1), 0, Cmd.tlbiNhAll(1), 0, SYNC,
                0, Cmd.tlbiS2Ipa(1, 1, 1), 0, SYNC));
        assertThat(diffs).singleElement().asString().contains("smmu0 batch 1 of 2");
        assertThat(c.brokenRules()).containsExactly("S2INV-2");
    }

    @Test
    void batchesArePerSmmuSoSmmusMayInterleave() {
        StepComparator c = new StepComparator(PLATFORM);
        Outcome model = ok(0, Cmd.tlbiS12Vmall(1), 0, SYNC, 1, Cmd.tlbiS12Vmall(1), 1, SYNC);
        assertThat(c.compareOutcomes(model, ok(1, Cmd.tlbiS12Vmall(1), 0, Cmd.tlbiS12Vmall(1), 0, SYNC, 1, SYNC))).isEmpty();
    }

    @Test
    void vmidsAreRenamedConsistentlyAcrossBatchesAndSteps() {
        StepComparator c = new StepComparator(PLATFORM);
        Outcome model = ok(0, Cmd.tlbiS2Ipa(1, 0, 1), 0, Cmd.tlbiS2Ipa(2, 0, 1), 0, Cmd.tlbiS2Ipa(2, 1, 1), 0, SYNC);
        // impl 5 plays model 1 and impl 6 plays model 2: the groups' shapes decide the pairing
        assertThat(c.compareOutcomes(model, ok(0, Cmd.tlbiS2Ipa(6, 0, 1), 0, Cmd.tlbiS2Ipa(5, 0, 1), 0, Cmd.tlbiS2Ipa(6, 1, 1),
                0, SYNC))).isEmpty();
        assertThat(c.compareOutcomes(ok(0, Cmd.tlbiS12Vmall(1), 0, SYNC), ok(0, Cmd.tlbiS12Vmall(5), 0, SYNC))).isEmpty();
        assertThat(c.compareOutcomes(ok(0, Cmd.tlbiS12Vmall(1), 0, SYNC), ok(0, Cmd.tlbiS12Vmall(6), 0, SYNC)))
                .singleElement().asString().contains("invalidated differently");
        // another SMMU has its own pool: impl 6 may play model 1 there
        assertThat(c.compareOutcomes(ok(1, Cmd.tlbiS12Vmall(1), 1, SYNC), ok(1, Cmd.tlbiS12Vmall(6), 1, SYNC))).isEmpty();
    }

    @Test
    void aMissingBatchNamesTheRuleThatRequiredIt() {
        StepComparator c = new StepComparator(PLATFORM);
        List<Issued> flush = List.of(new Issued(0, Cmd.tlbiS12Vmall(1), "S2INV-3"), new Issued(0, SYNC, "S2INV-3"));
        List<String> diffs = c.compareOutcomes(Outcome.ok("OBJ-7").withIssued(flush), Outcome.ok("OBJ-7"));
        assertThat(diffs).singleElement().asString().contains("model issued 1 batch, impl 0").contains("missing");
        assertThat(c.brokenRules()).containsExactly("S2INV-3");
        assertThat(c.compareOutcomes(Outcome.ok("OBJ-7"), Outcome.fail(dev.nestcheck.spec.Errno.EBUSY, "OBJ-3")))
                .singleElement().asString().startsWith("outcome:");
        assertThat(c.brokenRules()).containsExactly("OBJ-7");
    }

    @Test
    void issuedRulesAreKeptOutOfEquality() {
        assertThat(new Issued(0, SYNC, "S2INV-2")).isEqualTo(new Issued(0, SYNC, null)).hasSameHashCodeAs(new Issued(0, SYNC));
    }

    private static Snapshot.Owner parent(int id) {
        return new Snapshot.Owner(Snapshot.OwnerKind.HWPT, 1, id);
    }

    /** A snapshot whose only content is smmu0's VMIDs and TLB set. */
    private static Snapshot smmu0(Map<Integer, Snapshot.Owner> vmids, Set<Integer> tlb) {
        Snapshot.Device none = new Snapshot.Device(0, 0, 0, Snapshot.Ste.ABORT);
        return new Snapshot(Map.of(), List.of(none, none), List.of(new Snapshot.Smmu(vmids, tlb), new Snapshot.Smmu(Map.of(), Set.of())),
                new Snapshot.Kvm(Map.of(), List.of(0), 0));
    }

    @Test
    void poolsAreMatchedOwnerByOwnerThroughTheRenamingAsTheyGrowAndShrink() {
        StepComparator c = new StepComparator(PLATFORM);
        assertThat(c.compareSnapshots(smmu0(Map.of(1, parent(2)), Set.of(1)), smmu0(Map.of(7, parent(2)), Set.of(7)), "HWPT-2"))
                .isEmpty();
        // a new owner on both sides binds its pair; the old pair still holds
        assertThat(c.compareSnapshots(smmu0(Map.of(1, parent(2), 2, parent(3)), Set.of(1, 2)),
                smmu0(Map.of(7, parent(2), 3, parent(3)), Set.of(7, 3)), "HWPT-2")).isEmpty();
        assertThat(c.compareOutcomes(ok(0, Cmd.tlbiS12Vmall(2), 0, SYNC), ok(0, Cmd.tlbiS12Vmall(3), 0, SYNC))).isEmpty();
        // the TLB set is read through the renaming: impl 3 stands for model 2, not 1
        assertThat(c.compareSnapshots(smmu0(Map.of(1, parent(2), 2, parent(3)), Set.of(1)),
                smmu0(Map.of(7, parent(2), 3, parent(3)), Set.of(3)), "HWPT-2")).singleElement().asString().contains("TLB");
        // released on both sides and out of both TLBs: the pair is forgotten, so 7 may stand for 5 later
        assertThat(c.compareSnapshots(smmu0(Map.of(2, parent(3)), Set.of()), smmu0(Map.of(3, parent(3)), Set.of()), "OBJ-3"))
                .isEmpty();
        assertThat(c.compareSnapshots(smmu0(Map.of(2, parent(3), 5, parent(4)), Set.of()),
                smmu0(Map.of(3, parent(3), 7, parent(4)), Set.of()), "HWPT-2")).isEmpty();
    }

    @Test
    void twoOwnersTradingVmidsAreADifference() {
        StepComparator c = new StepComparator(PLATFORM);
        assertThat(c.compareSnapshots(smmu0(Map.of(1, parent(2), 2, parent(3)), Set.of()),
                smmu0(Map.of(7, parent(2), 3, parent(3)), Set.of()), "HWPT-2")).isEmpty();
        List<String> diffs = c.compareSnapshots(smmu0(Map.of(1, parent(2), 2, parent(3)), Set.of()),
                smmu0(Map.of(3, parent(2), 7, parent(3)), Set.of()), "HWPT-2");
        assertThat(diffs).isNotEmpty().allSatisfy(d -> assertThat(d).contains("stands for model VMID"));
        assertThat(c.brokenRules()).containsExactly("VMID-4");
        // an owner the model does not have, though every VMID is bound: the owners are listed
        StepComparator d = new StepComparator(PLATFORM);
        d.compareSnapshots(smmu0(Map.of(1, parent(2)), Set.of()), smmu0(Map.of(7, parent(2)), Set.of()), "HWPT-2");
        assertThat(d.compareSnapshots(smmu0(Map.of(1, parent(2)), Set.of()), smmu0(Map.of(7, parent(9)), Set.of()), "HWPT-2"))
                .singleElement().asString().contains("VMID owners");
    }
}
