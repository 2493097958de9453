package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nestcheck.model.Bench.EATS_1;
import static dev.nestcheck.model.Bench.VSTE_BYPASS;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.on;
import static org.assertj.core.api.Assertions.assertThat;

/** S2INV-1..S2INV-5 and TLB-1 with unmaps (the kernel's arm_smmu_invs). */
class S2invRulesTest {
    static final Issued SYNC = on(0, Cmd.sync());

    /** One SMMU (8-bit VMIDs, nesting, s2fwb) with maxTlbiPages 4 and rangeInv as given; devices 0..2 (streams 16..18). */
    static Bench bench(Policy policy, boolean rangeInv) {
        return new Bench(new Platform(policy, List.of(new SmmuSpec(0, 8, true, true, false, rangeInv, 4)),
                List.of(new DeviceSpec(0, 0, 16, true), new DeviceSpec(1, 0, 17, true), new DeviceSpec(2, 0, 18, true)),
                new KvmSpec(1, 8)));
    }

    static List<Issued> ipa(int vmid, long first, long pages) {
        List<Issued> out = new ArrayList<>();
        for (long p = first; p < first + pages; p++) out.add(on(0, Cmd.tlbiS2Ipa(vmid, p, 1)));
        return out;
    }

    @SafeVarargs
    static List<Issued> concat(List<Issued>... parts) {
        List<Issued> out = new ArrayList<>();
        for (List<Issued> p : parts) out.addAll(p);
        return out;
    }

    @Test
    void s2inv1_nothingIsInvalidatedWhileNoDeviceUsesTheParent() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c);
        b.parent(c, dev, ioas);
        b.map(c, ioas, 0, 3);
        Outcome o = b.run(new Op.IoasUnmap(c, ioas, 0, 3));
        assertThat(o.value()).isEqualTo(3);
        assertThat(o.issued()).isEmpty();
    }

    /** arm_smmu_master_build_invs: a direct attachment of a nest parent adds S2_VMID and S2_VMID_S1_CLEAR. */
    @Test
    void s2inv2_smallAreaOfADirectAttachment() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        b.attach(c, dev, parent);
        b.map(c, ioas, 8, 3);
        Outcome o = b.run(new Op.IoasUnmap(c, ioas, 8, 3));
        assertThat(o.issued()).containsExactlyElementsOf(
                concat(ipa(1, 8, 3), List.of(SYNC, on(0, Cmd.tlbiNhAll(1)), SYNC)));
        assertThat(o.issued()).allSatisfy(i -> assertThat(i.rule()).isEqualTo("S2INV-2"));
    }

    @Test
    void s2inv2_bigAreaIsOneVmidFlushWithoutNhAll_rangeInvIsOneCommand() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        b.attach(c, dev, parent);
        b.map(c, ioas, 0, 4);
        assertThat(b.run(new Op.IoasUnmap(c, ioas, 0, 4)).issued()).containsExactly(on(0, Cmd.tlbiS12Vmall(1)), SYNC);
        assertThat(b.tlb(0)).as("TLB-1: the installed STE keeps VMID 1 in the set").containsExactly(1);

        Bench r = bench(Policy.S2_PARENT, true);
        c = r.open(); dev = r.bind(c, 0); ioas = r.ioas(c); parent = r.parent(c, dev, ioas);
        r.attach(c, dev, parent);
        r.map(c, ioas, 5, 100);
        assertThat(r.run(new Op.IoasUnmap(c, ioas, 0, 200)).issued())
                .containsExactly(on(0, Cmd.tlbiS2Ipa(1, 5, 100)), SYNC, on(0, Cmd.tlbiNhAll(1)), SYNC);
    }

    @Test
    void s2inv2_areasInIovaOrderEachWithItsBatches() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        b.attach(c, dev, parent);
        b.map(c, ioas, 20, 1);
        b.map(c, ioas, 10, 2);
        assertThat(b.run(new Op.IoasUnmap(c, ioas, 0, 100)).issued()).containsExactlyElementsOf(concat(
                ipa(1, 10, 2), List.of(SYNC, on(0, Cmd.tlbiNhAll(1)), SYNC),
                ipa(1, 20, 1), List.of(SYNC, on(0, Cmd.tlbiNhAll(1)), SYNC)));
    }

    /** Under VIOMMU one stage-2 table has several VMIDs: the parent's and each used vIOMMU's; ATS devices get ATC_INV. */
    @Test
    void s2inv2_viommuPolicyInvalidatesEveryVmidOfTheParent() {
        Bench b = bench(Policy.VIOMMU, false);
        int c = b.open(), d0 = b.bind(c, 0), d1 = b.bind(c, 1), d2 = b.bind(c, 2), ioas = b.ioas(c);
        int parent = b.parent(c, d0, ioas);               // VMID 1
        int v1 = b.viommu(c, d0, parent), v2 = b.viommu(c, d0, parent); // VMIDs 2, 3
        b.vdevice(c, v2, d1, 5);
        b.attach(c, d0, parent);
        b.attach(c, d1, b.nested(c, d1, v2, VSTE_TRANSLATE, EATS_1));
        b.attach(c, d2, b.nested(c, d2, v1, VSTE_BYPASS, 0));
        b.map(c, ioas, 0, 1);
        assertThat(b.run(new Op.IoasUnmap(c, ioas, 0, 1)).issued()).containsExactly(
                on(0, Cmd.tlbiS2Ipa(1, 0, 1)), on(0, Cmd.tlbiS2Ipa(2, 0, 1)), on(0, Cmd.tlbiS2Ipa(3, 0, 1)), SYNC,
                on(0, Cmd.tlbiNhAll(1)), on(0, Cmd.tlbiNhAll(2)), on(0, Cmd.tlbiNhAll(3)), SYNC,
                on(0, Cmd.atcInvAll(17)), SYNC);
        b.map(c, ioas, 0, 4);
        assertThat(b.run(new Op.IoasUnmap(c, ioas, 0, 4)).issued()).as("big: the merged kernel batches the flushes")
                .containsExactly(on(0, Cmd.tlbiS12Vmall(1)), on(0, Cmd.tlbiS12Vmall(2)), on(0, Cmd.tlbiS12Vmall(3)), SYNC,
                        on(0, Cmd.atcInvAll(17)), SYNC);
    }

    @Test
    void s2inv3_theLastUserFlushesItsVmid_anotherUserKeepsIt() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), d0 = b.bind(c, 0), d1 = b.bind(c, 1), ioas = b.ioas(c), parent = b.parent(c, d0, ioas);
        int other = b.parent(c, d0, ioas);
        b.attach(c, d0, parent);
        b.attach(c, d1, parent);
        assertThat(b.last.issued()).isEmpty();
        b.ok(new Op.Detach(c, d0));
        assertThat(b.last.issued()).as("d1 still uses VMID 1").isEmpty();
        b.attach(c, d1, other);
        assertThat(b.last.issued()).as("replace: VMID 1 lost its last user").containsExactly(on(0, Cmd.tlbiS12Vmall(1)), SYNC);
        assertThat(b.last.issued()).allSatisfy(i -> assertThat(i.rule()).isEqualTo("S2INV-3"));
        b.ok(new Op.Detach(c, d1));
        b.ok(new Op.Destroy(c, other));
        assertThat(b.last.issued()).as("an earlier last-user flush does not replace the release flush (VMID-5)")
                .containsExactly(on(0, Cmd.tlbiS12Vmall(2)), SYNC);
        assertThat(b.last.issued()).allSatisfy(i -> assertThat(i.rule()).isEqualTo("VMID-5"));
    }

    /** arm_smmu_attach_commit: the ATS handling (ATC_INV) precedes the old domain's last-user flush. */
    @Test
    void s2inv4_atsDisabledGetsAtcInvBeforeTheLastUserFlush() {
        Bench b = bench(Policy.S2_PARENT, false);
        int c = b.open(), dev = b.bind(c, 0), ioas = b.ioas(c), parent = b.parent(c, dev, ioas);
        int viommu = b.viommu(c, dev, parent);
        b.vdevice(c, viommu, dev, 1);
        int ats = b.nested(c, dev, viommu, VSTE_TRANSLATE, EATS_1), ats2 = b.nested(c, dev, viommu, VSTE_TRANSLATE, EATS_1);
        b.attach(c, dev, ats);
        assertThat(b.last.issued()).as("ATS newly enabled").containsExactly(on(0, Cmd.atcInvAll(16)), SYNC);
        assertThat(b.last.issued()).allSatisfy(i -> assertThat(i.rule()).isEqualTo("S2INV-4"));
        b.attach(c, dev, ats2);
        assertThat(b.last.issued()).as("one ATS translation onto another").containsExactly(on(0, Cmd.atcInvAll(16)), SYNC);
        b.ok(new Op.Detach(c, dev));
        assertThat(b.last.issued()).containsExactly(on(0, Cmd.atcInvAll(16)), SYNC, on(0, Cmd.tlbiS12Vmall(1)), SYNC);
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_TRANSLATE, 0));
        assertThat(b.last.issued()).as("no ATS either side").isEmpty();
    }

    @Test
    void s2inv5_closeUnbindsByDeviceIdEachWithItsCommands() {
        Bench b = bench(Policy.VIOMMU, false);
        int c = b.open(), d0 = b.bind(c, 0), d1 = b.bind(c, 1), ioas = b.ioas(c);
        int parent = b.parent(c, d0, ioas), viommu = b.viommu(c, d0, parent);
        b.vdevice(c, viommu, d1, 3);
        b.attach(c, d1, b.nested(c, d1, viommu, VSTE_TRANSLATE, EATS_1));
        b.attach(c, d0, parent);
        b.ok(new Op.Close(c));
        assertThat(b.last.issued()).containsExactly(
                on(0, Cmd.tlbiS12Vmall(1)), SYNC,                         // unbind d0: parent VMID 1 lost its user
                on(0, Cmd.atcInvAll(17)), SYNC, on(0, Cmd.tlbiS12Vmall(2)), SYNC); // unbind d1: ATS off, vIOMMU VMID 2
        assertThat(b.vmids(0)).isEmpty();
    }
}
