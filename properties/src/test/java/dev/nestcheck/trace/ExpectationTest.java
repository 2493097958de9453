package dev.nestcheck.trace;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectationTest {
    static final Op HWPT = new Op.HwptAlloc(1, 1, 2, 1, DataType.NONE, null);
    static final Op DESTROY = new Op.Destroy(1, 3);
    static final Op INV = new Op.Invalidate(1, 4, DataType.ARM_SMMUV3, List.of(new Cmd(0x10, 0)));

    static Snapshot snapshot(SteKind... kinds) {
        List<Snapshot.Device> devices = new java.util.ArrayList<>();
        for (SteKind k : kinds) devices.add(new Snapshot.Device(0, 0, 0, new Snapshot.Ste(k, k == SteKind.S2 ? 1 : 0, 0, false)));
        return new Snapshot(Map.of(), devices, List.of(), new Snapshot.Kvm(Map.of(), List.of(0), 0));
    }

    static Outcome issued(Outcome o, Cmd... cmds) {
        return o.withIssued(java.util.Arrays.stream(cmds).map(c -> new Issued(0, c)).toList());
    }

    @Test
    void resultMismatchesAreOneLine() {
        assertThat(Expectation.errno(Errno.EBUSY).check(HWPT, Outcome.ok(3, "HWPT-2"), null)).hasValue("expected errno EBUSY, got ok 3");
        assertThat(Expectation.errno(Errno.EBUSY).check(DESTROY, Outcome.ok("OBJ-3"), null)).hasValue("expected errno EBUSY, got ok");
        assertThat(Expectation.errno(Errno.EBUSY).check(DESTROY, Outcome.fail(Errno.ENOENT, "OBJ-3"), null))
                .hasValue("expected errno EBUSY, got errno ENOENT");
        assertThat(Expectation.ok(3).check(HWPT, Outcome.ok(4, "r"), null)).hasValue("expected ok 3, got ok 4");
        assertThat(Expectation.ok(3).check(HWPT, Outcome.fail(Errno.ENOSPC, "r"), null)).hasValue("expected ok 3, got errno ENOSPC");
        assertThat(Expectation.ok().check(DESTROY, Outcome.fail(Errno.EBUSY, "r"), null)).hasValue("expected ok, got errno EBUSY");
        assertThat(Expectation.ok().check(HWPT, Outcome.ok(9, "r"), null)).isEmpty();
        assertThat(Expectation.ok(3).check(HWPT, Outcome.ok(3, "r"), null)).isEmpty();
        assertThat(Expectation.errno(Errno.EIO).check(HWPT, Outcome.fail(Errno.EIO, "r"), null)).isEmpty();
    }

    /** TRACE.md / OBS-3: issued names SMMU by SMMU, split after each CMD_SYNC, each batch a multiset. */
    @Test
    void issuedIsComparedBatchByBatchAndSmmuBySmmu() {
        Op unmap = new Op.IoasUnmap(1, 2, 0, 1);
        Outcome o = Outcome.ok(1, "MAP-2").withIssued(List.of(new Issued(1, Cmd.tlbiS2Ipa(1, 0, 1)), new Issued(0, Cmd.tlbiNhAll(1)),
                new Issued(0, Cmd.tlbiS2Ipa(2, 0, 1)), new Issued(0, Cmd.sync()), new Issued(1, Cmd.sync())));
        // smmu0's part first, then smmu1's; inside smmu0's first batch the order is free
        assertThat(Expectation.ok(1).withIssued(List.of("TLBI_S2_IPA", "TLBI_NH_ALL", "CMD_SYNC", "TLBI_S2_IPA", "CMD_SYNC"))
                .check(unmap, o, null)).isEmpty();
        assertThat(Expectation.ok(1).withIssued(List.of("TLBI_NH_ALL", "TLBI_S2_IPA", "CMD_SYNC", "TLBI_S2_IPA", "CMD_SYNC"))
                .check(unmap, o, null)).isEmpty();
        assertThat(Expectation.ok(1).withIssued(List.of("TLBI_S2_IPA", "CMD_SYNC", "TLBI_NH_ALL", "TLBI_S2_IPA", "CMD_SYNC"))
                .check(unmap, o, null)).hasValue("expected issued [TLBI_S2_IPA, CMD_SYNC, TLBI_NH_ALL, TLBI_S2_IPA, CMD_SYNC], got "
                        + "[TLBI_NH_ALL, TLBI_S2_IPA, CMD_SYNC, TLBI_S2_IPA, CMD_SYNC]");
        assertThat(Expectation.ok(1).withIssued(List.of("TLBI_S2_IPA", "TLBI_S2_IPA", "CMD_SYNC", "TLBI_NH_ALL", "CMD_SYNC"))
                .check(unmap, o, null)).isPresent();
    }

    @Test
    void entryNumIssuedAndSteMismatches() {
        Outcome o = issued(Outcome.ok("INV-3").withEntryNum(1), new Cmd(0x10, 0), Cmd.sync());
        assertThat(Expectation.ok().withEntryNum(2).check(INV, o, null)).hasValue("expected entryNum 2, got 1");
        assertThat(Expectation.ok().withEntryNum(0).check(DESTROY, Outcome.ok("r"), null)).hasValue("expected entryNum 0, got none");
        assertThat(Expectation.ok().withIssued(List.of("TLBI_NH_ALL")).check(INV, o, null))
                .hasValue("expected issued [TLBI_NH_ALL], got [TLBI_NH_ALL, CMD_SYNC]");
        assertThat(Expectation.ok().withIssued(List.of()).check(INV, o, null)).hasValue("expected issued [], got [TLBI_NH_ALL, CMD_SYNC]");
        assertThat(Expectation.ok().withEntryNum(1).withIssued(List.of("TLBI_NH_ALL", "CMD_SYNC")).check(INV, o, null)).isEmpty();
        Expectation ste = Expectation.ok().withSte(Map.of(1, SteKind.S2, 0, SteKind.ABORT));
        assertThat(ste.check(DESTROY, Outcome.ok("r"), snapshot(SteKind.ABORT, SteKind.S1)))
                .hasValue("expected ste of device 1 S2, got S1");
        assertThat(ste.check(DESTROY, Outcome.ok("r"), snapshot(SteKind.ABORT, SteKind.S2))).isEmpty();
        assertThat(ste.check(DESTROY, Outcome.ok("r"), snapshot(SteKind.ABORT))).get().asString()
                .startsWith("expected ste of device 1 S2, but the snapshot has 1 devices");
        assertThat(ste.check(DESTROY, Outcome.ok("r"), null)).get().asString().contains("no snapshot");
    }

    @Test
    void firstMismatchWins() {
        Expectation e = Expectation.errno(Errno.EIO).withEntryNum(5).withIssued(List.of("CMD_SYNC"));
        assertThat(e.check(INV, Outcome.ok("r").withEntryNum(1), null)).hasValue("expected errno EIO, got ok");
    }

    @Test
    void ofDescribesTheActualStepAndChecksClean() {
        Snapshot after = snapshot(SteKind.NESTED, SteKind.ABORT, SteKind.S2);
        Outcome inv = issued(Outcome.fail(Errno.EIO, "INV-2").withEntryNum(1), new Cmd(0x10, 0), Cmd.sync());
        Expectation e = Expectation.of(INV, inv, after);
        assertThat(e).isEqualTo(Expectation.errno(Errno.EIO).withEntryNum(1).withIssued(List.of("TLBI_NH_ALL", "CMD_SYNC"))
                .withSte(Map.of(0, SteKind.NESTED, 1, SteKind.ABORT, 2, SteKind.S2)));
        assertThat(e.check(INV, inv, after)).isEmpty();

        assertThat(Expectation.of(HWPT, Outcome.ok(7, "HWPT-2"), null)).isEqualTo(Expectation.ok(7).withIssued(List.of()));
        assertThat(Expectation.of(DESTROY, Outcome.ok("OBJ-3"), after).result()).isEqualTo(new Expectation.Ok());
        assertThat(Expectation.of(DESTROY, Outcome.ok("OBJ-3"), after).entryNum()).isNull();
        assertThat(Expectation.of(new Op.Open(), Outcome.ok(1, "OBJ-0"), after).result()).isEqualTo(new Expectation.OkValue(1));
    }

    @Test
    void ofRoundTripsThroughTheCodec() {
        Snapshot after = snapshot(SteKind.S1, SteKind.ABORT);
        Outcome o = issued(Outcome.ok("VMID-5"), Cmd.tlbiS12Vmall(3), Cmd.sync());
        Trace t = new Trace("counterexample", TraceCodecTest.PLATFORM, List.of(new Step(DESTROY, Expectation.of(DESTROY, o, after))));
        assertThat(TraceCodec.parse(TraceCodec.write(t), "c.json")).isEqualTo(t);
        assertThat(TraceCodec.write(t)).contains(
                "{\"op\": \"destroy\", \"ctx\": 1, \"id\": 3, \"expect\": {\"ok\": true, \"issued\": [\"TLBI_S12_VMALL\", \"CMD_SYNC\"], "
                        + "\"ste\": {\"0\": \"S1\", \"1\": \"ABORT\"}}}");
    }
}
