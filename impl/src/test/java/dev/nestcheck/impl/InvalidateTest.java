package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** INV-1..3. */
class InvalidateTest {
    Fixture f;
    Fixture.Setup s;
    int vmid;

    @BeforeEach
    void setUp() {
        f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        s = f.nestedSetup(1, 0, 0x42);
        vmid = f.ste(0).vmid();
    }

    private static Cmd tlbiVa(int n) {
        return new Cmd(Cmd.TLBI_NH_VA | (0xABCDL << 32) | (1L << 12), 0x1000L * n);
    }

    private static List<Cmd> many(int n) {
        List<Cmd> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(tlbiVa(i));
        return l;
    }

    @Test
    void inv1_errnosAlwaysReportEntryNum() {
        List<Cmd> one = List.of(tlbiVa(0));
        assertThat(f.err(inv(1, 99, one))).isEqualTo(Errno.ENOENT);
        assertThat(f.last.entryNum()).isZero();
        assertThat(f.err(inv(1, s.nested(), one))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.last.entryNum()).isZero();
        assertThat(f.err(inv(1, s.parent(), one))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(inv(1, s.dev(), one))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(new Op.Invalidate(1, s.viommu(), DataType.VTD_S1, one))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(new Op.Invalidate(1, s.viommu(), DataType.NONE, one))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(inv(1, s.viommu(), List.of()))).isEqualTo(Errno.EINVAL);
        assertThat(f.last.entryNum()).isZero();
        assertThat(f.last.issued()).isEmpty();
        f.ok(inv(1, s.viommu(), one));
        assertThat(f.last.entryNum()).isEqualTo(1);
        assertThat(f.ok(new Op.Detach(1, s.dev()))).isZero();
        assertThat(f.last.entryNum()).isEqualTo(-1);
    }

    @Test
    void inv2_conversions() {
        long w1 = 0xDEAD_BEEF_0000_1234L;
        f.ok(inv(1, s.viommu(), List.of(
                new Cmd(Cmd.TLBI_NH_ALL | (0xFFFFL << 32) | (0xFFL << 48), w1),
                new Cmd(Cmd.TLBI_NH_ASID | (0x5L << 32) | (0x77L << 48), w1),
                new Cmd(Cmd.TLBI_NH_VAA, w1),
                new Cmd(Cmd.TLBI_NSNH_ALL | (0x1234L << 32) | 0xFF00, w1),
                new Cmd(Cmd.ATC_INV | (0x42L << 32) | 0x300, w1),
                new Cmd(Cmd.CFGI_CD | (0x42L << 32), w1),
                new Cmd(Cmd.CFGI_CD_ALL | (0x42L << 32), 0))));
        long v = (long) vmid << 32;
        assertThat(f.last.issued()).extracting(Issued::cmd).containsExactly(
                new Cmd(Cmd.TLBI_NH_ALL | v | (0xFFL << 48), w1),
                new Cmd(Cmd.TLBI_NH_ASID | v | (0x77L << 48), w1),
                new Cmd(Cmd.TLBI_NH_VAA | v, w1),
                new Cmd(Cmd.TLBI_NH_ALL | v, 0),
                new Cmd(Cmd.ATC_INV | (0x10L << 32) | 0x300, w1),
                new Cmd(Cmd.CFGI_CD | (0x10L << 32), w1),
                new Cmd(Cmd.CFGI_CD_ALL | (0x10L << 32), 0),
                Cmd.sync());
        assertThat(f.last.issued()).allMatch(i -> i.smmu() == 0);
        assertThat(f.last.entryNum()).isEqualTo(7);
        // The TLB set is untouched: NSNH_ALL reached the hardware as NH_ALL.
        assertThat(f.snap().smmus().get(0).tlb()).containsExactly(vmid);
    }

    @Test
    void inv2_unknownVirtualIdAndForbiddenOpcodesAreEio() {
        for (int op : new int[] {Cmd.CFGI_STE, Cmd.CFGI_ALL, Cmd.TLBI_S12_VMALL, Cmd.TLBI_S2_IPA, Cmd.TLBI_EL2_ALL,
                Cmd.TLBI_EL2_ASID, Cmd.TLBI_EL2_VA, Cmd.CMD_SYNC, Cmd.PRI_RESP, 0x00, 0xFF}) {
            assertThat(f.err(inv(1, s.viommu(), List.of(new Cmd(op, 0))))).as("opcode %x", op).isEqualTo(Errno.EIO);
            assertThat(f.last.entryNum()).isZero();
        }
        assertThat(f.err(inv(1, s.viommu(), List.of(new Cmd(Cmd.ATC_INV | (0x43L << 32), 0))))).isEqualTo(Errno.EIO);
        f.ok(destroy(1, s.vdev()));
        assertThat(f.err(inv(1, s.viommu(), List.of(new Cmd(Cmd.CFGI_CD | (0x42L << 32), 0))))).isEqualTo(Errno.EIO);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "62, 1", "63, 1", "64, 2", "126, 2", "127, 3", "200, 4"})
    void inv3_batchesOf63EachFollowedBySync(int n, int batches) {
        f.ok(inv(1, s.viommu(), many(n)));
        assertThat(f.last.entryNum()).isEqualTo(n);
        List<Issued> out = f.last.issued();
        assertThat(out).hasSize(n + batches);
        int k = 0;
        for (int b = 0; b < batches; b++) {
            int size = Math.min(63, n - b * 63);
            for (int i = 0; i < size; i++, k++)
                assertThat(out.get(k).cmd()).isEqualTo(tlbiVa(b * 63 + i).withVmid(vmid));
            assertThat(out.get(k++).cmd()).isEqualTo(Cmd.sync());
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 0", "62, 0", "63, 63", "64, 63", "125, 63", "126, 126", "127, 126"})
    void inv3_failureReportsItsIndexAndDropsTheUnissuedTail(int failAt, int issuedCommands) {
        List<Cmd> cmds = many(200);
        cmds.set(failAt, new Cmd(Cmd.CFGI_ALL, 0));
        assertThat(f.err(inv(1, s.viommu(), cmds))).isEqualTo(Errno.EIO);
        assertThat(f.last.entryNum()).isEqualTo(failAt);
        long syncs = f.last.issued().stream().filter(i -> i.cmd().opcode() == Cmd.CMD_SYNC).count();
        assertThat(f.last.issued()).hasSize(issuedCommands + (int) syncs);
        assertThat(syncs).isEqualTo(issuedCommands / 63);
    }

    @Test
    void inv3_failureOnTheLastCommandOfABatch() {
        List<Cmd> cmds = many(63);
        cmds.set(62, new Cmd(0x99, 0));
        assertThat(f.err(inv(1, s.viommu(), cmds))).isEqualTo(Errno.EIO);
        assertThat(f.last.entryNum()).isEqualTo(62);
        assertThat(f.last.issued()).isEmpty();
    }

    @Test
    void inv2_viommuPolicyUsesTheViommusOwnVmid() {
        Fixture g = new Fixture(platform(Policy.VIOMMU));
        g.ok(open());
        Fixture.Setup t = g.nestedSetup(1, 0, 1);
        Snapshot.Smmu smmu = g.snap().smmus().get(0);
        int vv = ObjectLifetimeTest.vmidOf(smmu, Snapshot.OwnerKind.VIOMMU, t.viommu());
        g.ok(inv(1, t.viommu(), List.of(new Cmd(Cmd.TLBI_NSNH_ALL, 0))));
        assertThat(g.last.issued()).containsExactly(
                new Issued(0, new Cmd(Cmd.TLBI_NH_ALL | ((long) vv << 32), 0)), new Issued(0, Cmd.sync()));
    }
}
