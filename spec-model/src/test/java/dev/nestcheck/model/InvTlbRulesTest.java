package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.nestcheck.model.Bench.VSTE_ABORT;
import static dev.nestcheck.model.Bench.VSTE_BYPASS;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.on;
import static dev.nestcheck.model.Bench.paging;
import static dev.nestcheck.spec.Errno.EBADF;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.EIO;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static org.assertj.core.api.Assertions.assertThat;

/** INV-1..INV-3 and TLB-1..TLB-3. */
class InvTlbRulesTest {
    static final Cmd NH_ALL = new Cmd(Cmd.TLBI_NH_ALL, 0);
    static final Cmd CFGI_STE = new Cmd(Cmd.CFGI_STE, 0);

    Bench b;
    int c, dev, dev1, ioas, firstParent, parent, viommu;

    /** S2_PARENT; the vIOMMU sits on the second nest parent, so its VMID is 2; virtual IDs 5 and 6. */
    @BeforeEach
    void setUp() {
        b = new Bench(Policy.S2_PARENT);
        c = b.open();
        dev = b.bind(c, 0);
        dev1 = b.bind(c, 1);
        ioas = b.ioas(c);
        firstParent = b.parent(c, dev, ioas);
        parent = b.parent(c, dev, ioas);
        viommu = b.viommu(c, dev, parent);
        b.vdevice(c, viommu, dev, 5);
        b.vdevice(c, viommu, dev1, 6);
    }

    Op.Invalidate inv(int id, List<Cmd> commands) {
        return new Op.Invalidate(c, id, DataType.ARM_SMMUV3, commands);
    }

    /** The single command the given guest command converts to. */
    Cmd converted(Cmd guest) {
        Outcome o = b.run(inv(viommu, List.of(guest)));
        assertThat(o.isOk()).as("%s", o).isTrue();
        assertThat(o.issued()).hasSize(2).last().isEqualTo(on(0, Cmd.sync()));
        return o.issued().get(0).cmd();
    }

    @Test
    void inv1_checksInOrderAndAlwaysReportEntryNum() {
        int nested = b.nested(c, dev, viommu, VSTE_BYPASS, 0);
        assertThat(b.fails(inv(99, List.of(NH_ALL)), ENOENT, "INV-1").entryNum()).isZero();
        assertThat(b.fails(inv(nested, List.of(NH_ALL)), EOPNOTSUPP, "INV-1").entryNum()).isZero();
        assertThat(b.fails(inv(parent, List.of(NH_ALL)), EINVAL, "INV-1").entryNum()).isZero();
        assertThat(b.fails(inv(ioas, List.of(NH_ALL)), EINVAL, "INV-1").entryNum()).isZero();
        assertThat(b.fails(new Op.Invalidate(c, viommu, DataType.NONE, List.of(NH_ALL)), EINVAL, "INV-1").entryNum()).isZero();
        assertThat(b.fails(new Op.Invalidate(c, viommu, DataType.VTD_S1, List.of(NH_ALL)), EINVAL, "INV-1").entryNum()).isZero();
        assertThat(b.fails(inv(viommu, List.of()), EINVAL, "INV-1").entryNum()).isZero();
        assertThat(b.fails(new Op.Invalidate(9, viommu, DataType.ARM_SMMUV3, List.of(NH_ALL)), EBADF,
                "OBJ-1").entryNum()).isZero();
    }

    @Test
    void inv2_tlbiNhCommandsGetTheViommuVmidAndKeepEverythingElse() {
        long asid = 0x1234L << 48;
        for (int opcode : new int[] {Cmd.TLBI_NH_ALL, Cmd.TLBI_NH_ASID, Cmd.TLBI_NH_VA, Cmd.TLBI_NH_VAA}) {
            Cmd guest = new Cmd(opcode | asid | 0xABCDL << 32 | 0x300, 0xDEAD_B000L);
            assertThat(converted(guest)).isEqualTo(new Cmd(opcode | asid | 2L << 32 | 0x300, 0xDEAD_B000L));
        }
    }

    @Test
    void inv2_tlbiNsnhAllBecomesNhAllWithOnlyTheVmid() {
        assertThat(converted(new Cmd(Cmd.TLBI_NSNH_ALL | 0xFFFF_FFFF_0000_0F00L, -1L)))
                .isEqualTo(new Cmd(Cmd.TLBI_NH_ALL | 2L << 32, 0));
    }

    @Test
    void inv2_atcInvAndCfgiCdGetThePhysicalStreamId() {
        long ssid = 0x123L << 12;
        assertThat(converted(new Cmd(Cmd.ATC_INV | 5L << 32 | ssid, 0xABC)))
                .isEqualTo(new Cmd(Cmd.ATC_INV | 16L << 32 | ssid, 0xABC));
        assertThat(converted(new Cmd(Cmd.CFGI_CD | 6L << 32 | ssid, 1))).isEqualTo(new Cmd(Cmd.CFGI_CD | 17L << 32 | ssid, 1));
        assertThat(converted(new Cmd(Cmd.CFGI_CD_ALL | 5L << 32, 0))).isEqualTo(new Cmd(Cmd.CFGI_CD_ALL | 16L << 32, 0));
    }

    @Test
    void inv2_unknownVirtualIdsAndAllOtherOpcodesAreEio() {
        for (int opcode : new int[] {Cmd.CFGI_STE, Cmd.CFGI_ALL, Cmd.TLBI_EL2_ALL, Cmd.TLBI_EL2_ASID, Cmd.TLBI_EL2_VA,
                Cmd.TLBI_S12_VMALL, Cmd.TLBI_S2_IPA, Cmd.PRI_RESP, Cmd.RESUME, Cmd.STALL_TERM, Cmd.CMD_SYNC, 0x00, 0xFF})
            assertThat(b.fails(inv(viommu, List.of(new Cmd(opcode, 0))), EIO, "INV-2").entryNum()).isZero();
        b.fails(inv(viommu, List.of(new Cmd(Cmd.ATC_INV | 7L << 32, 0))), EIO, "INV-2");
        int other = b.viommu(c, dev, parent);
        b.fails(new Op.Invalidate(c, other, DataType.ARM_SMMUV3, List.of(new Cmd(Cmd.ATC_INV | 5L << 32, 0))), EIO, "INV-2");
    }

    @Test
    void inv3_batchesOf63EachFollowedBySync() {
        Outcome o = b.run(inv(viommu, Collections.nCopies(130, NH_ALL)));
        assertThat(o.isOk()).isTrue();
        assertThat(o.entryNum()).isEqualTo(130);
        assertThat(o.rule()).isEqualTo("INV-3");
        List<Issued> expected = new ArrayList<>();
        for (int batch : new int[] {63, 63, 4}) {
            expected.addAll(Collections.nCopies(batch, on(0, NH_ALL.withVmid(2))));
            expected.add(on(0, Cmd.sync()));
        }
        assertThat(o.issued()).isEqualTo(expected);
        assertThat(b.run(inv(viommu, Collections.nCopies(63, NH_ALL))).issued()).hasSize(64);
    }

    @Test
    void inv3_entryNumCountsUnsentCommandsOnFailure() {
        List<Cmd> commands = new ArrayList<>(Collections.nCopies(70, NH_ALL));
        commands.set(66, CFGI_STE);
        Outcome o = b.fails(inv(viommu, commands), EIO, "INV-2");
        assertThat(o.entryNum()).isEqualTo(66);
        List<Issued> firstBatch = new ArrayList<>(Collections.nCopies(63, on(0, NH_ALL.withVmid(2))));
        firstBatch.add(on(0, Cmd.sync()));
        assertThat(o.issued()).as("commands 63..65 were converted but never issued").isEqualTo(firstBatch);
    }

    @Test
    void inv3_failureInTheFirstBatchIssuesNothing() {
        Outcome o = b.fails(inv(viommu, List.of(NH_ALL, NH_ALL, CFGI_STE, NH_ALL)), EIO, "INV-2");
        assertThat(o.entryNum()).isEqualTo(2);
        assertThat(o.issued()).isEmpty();
    }

    @Test
    void tlb1_onlyS2AndNestedStesAddTheirVmid() {
        b.attach(c, dev, (int) b.ok(paging(c, dev, ioas, 0)));
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_ABORT, 0));
        assertThat(b.tlb(0)).isEmpty();
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_TRANSLATE, 0));
        assertThat(b.tlb(0)).containsExactly(2);
        b.attach(c, dev1, firstParent);
        assertThat(b.tlb(0)).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void tlb2_guestInvalidationNeverShrinksTheSet_releaseDoes() {
        b.attach(c, dev, parent);
        b.ok(inv(viommu, List.of(new Cmd(Cmd.TLBI_NSNH_ALL, 0))));
        assertThat(b.tlb(0)).containsExactly(2);
        b.ok(new Op.Close(c));
        assertThat(b.tlb(0)).isEmpty();
    }

    @Test
    void tlb2_theLastUsersFlushEmptiesTheSetAtDetach() {
        b.attach(c, dev, parent);
        b.ok(new Op.Detach(c, dev));
        assertThat(b.tlb(0)).as("S2INV-3 flushed VMID 2").isEmpty();
        assertThat(b.last.issued()).containsExactly(on(0, Cmd.tlbiS12Vmall(2)), on(0, Cmd.sync()));
    }

    @Test
    void tlb3_aReusedVmidIsNotInTheTlbSet() {
        b.attach(c, dev, firstParent);
        assertThat(b.tlb(0)).containsExactly(1);
        b.ok(new Op.Detach(c, dev));
        b.ok(new Op.Destroy(c, firstParent));
        assertThat(b.tlb(0)).isEmpty();
        int again = b.parent(c, dev, ioas);
        assertThat(b.vmids(0)).containsKey(1);
        assertThat(b.tlb(0)).as("VMID 1 handed to a new owner").doesNotContain(1);
        b.attach(c, dev, again);
        assertThat(b.tlb(0)).containsExactly(1);
    }
}
