package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** MAP-1..3 and S2INV-1..4 on the implementation: areas, the invalidation array and its commands. */
class MapInvalidationTest {
    static final Issued SYNC = new Issued(0, Cmd.sync());

    /** One SMMU, maxTlbiPages 4, rangeInv as given; devices 0..3 with streams 0x10..0x13. */
    static Fixture fixture(Policy policy, boolean rangeInv) {
        List<DeviceSpec> devices = new ArrayList<>();
        for (int d = 0; d < 4; d++) devices.add(new DeviceSpec(d, 0, 0x10 + d, true));
        return new Fixture(new Platform(policy, List.of(new SmmuSpec(0, 8, true, true, false, rangeInv, 4)), devices,
                new KvmSpec(1, 8)));
    }

    static Op map(int ctx, int ioas, long iova, long pages) { return new Op.IoasMap(ctx, ioas, iova, pages); }
    static Op unmap(int ctx, int ioas, long iova, long pages) { return new Op.IoasUnmap(ctx, ioas, iova, pages); }

    static Issued on(Cmd c) {
        return new Issued(0, c);
    }

    @Test
    void map1_areasOverlapAndRange() {
        Fixture f = fixture(Policy.S2_PARENT, false);
        f.ok(open());
        int ioas = f.id(ioas(1));
        f.ok(map(1, ioas, 10, 5));
        f.ok(map(1, ioas, 15, 1));
        f.ok(map(1, ioas, 9, 1));
        for (long[] r : new long[][] {{10, 1}, {14, 1}, {8, 2}, {0, 1L << 20}, {12, 100}})
            assertThat(f.err(map(1, ioas, r[0], r[1]))).as("%d+%d", r[0], r[1]).isEqualTo(Errno.EEXIST);
        for (long[] r : new long[][] {{0, 0}, {1L << 20, 1}, {(1L << 20) - 1, 2}, {-1, 1}, {3, -1}})
            assertThat(f.err(map(1, ioas, r[0], r[1]))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(map(1, 99, 0, 1))).isEqualTo(Errno.ENOENT);
        assertThat(f.snap().contexts().get(1).objects().get(ioas).areas()).containsExactly(
                new Snapshot.Area(9, 1), new Snapshot.Area(10, 5), new Snapshot.Area(15, 1));
    }

    @Test
    void map2_wholeAreasCutAndAll() {
        Fixture f = fixture(Policy.S2_PARENT, false);
        f.ok(open());
        int ioas = f.id(ioas(1));
        f.ok(map(1, ioas, 10, 2));
        f.ok(map(1, ioas, 12, 4));
        f.ok(map(1, ioas, 40, 1));
        assertThat(f.err(unmap(1, ioas, 10, 4))).isEqualTo(Errno.ENOENT); // the area at 12 sticks out
        assertThat(f.snap().contexts().get(1).objects().get(ioas).areas()).hasSize(2); // 10 went anyway
        assertThat(f.err(unmap(1, ioas, 0, 10))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(unmap(1, ioas, 0, 0))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(unmap(1, ioas, 5, -1))).isEqualTo(Errno.EINVAL);
        assertThat(f.ok(unmap(1, ioas, 12, 4))).isEqualTo(4);
        assertThat(f.ok(unmap(1, ioas, 0, Op.IoasUnmap.ALL))).isEqualTo(1);
        assertThat(f.ok(unmap(1, ioas, 0, Op.IoasUnmap.ALL))).isZero();
    }

    @Test
    void s2inv_directAttachmentSmallBigAndRange() {
        Fixture f = fixture(Policy.S2_PARENT, false);
        f.ok(open());
        int dev = f.id(bind(1, 0)), ioas = f.id(ioas(1)), p = f.id(parent(1, dev, ioas));
        f.ok(map(1, ioas, 0, 2));
        assertThat(f.run(unmap(1, ioas, 0, 2)).issued()).as("nothing attached").isEmpty();
        f.ok(attach(1, dev, p));
        f.ok(map(1, ioas, 0, 2));
        f.ok(map(1, ioas, 8, 4));
        f.ok(unmap(1, ioas, 0, 2));
        assertThat(f.last.issued()).containsExactly(on(Cmd.tlbiS2Ipa(1, 0, 1)), on(Cmd.tlbiS2Ipa(1, 1, 1)), SYNC,
                on(Cmd.tlbiNhAll(1)), SYNC);
        f.ok(unmap(1, ioas, 8, 4));
        assertThat(f.last.issued()).containsExactly(on(Cmd.tlbiS12Vmall(1)), SYNC);
        assertThat(f.snap().smmus().get(0).tlb()).as("the STE still uses VMID 1").containsExactly(1);

        Fixture r = fixture(Policy.S2_PARENT, true);
        r.ok(open());
        dev = r.id(bind(1, 0)); ioas = r.id(ioas(1)); p = r.id(parent(1, dev, ioas));
        r.ok(attach(1, dev, p));
        r.ok(map(1, ioas, 3, 300));
        r.ok(unmap(1, ioas, 3, 300));
        assertThat(r.last.issued()).containsExactly(on(Cmd.tlbiS2Ipa(1, 3, 300)), SYNC, on(Cmd.tlbiNhAll(1)), SYNC);
    }

    /** The array holds each VMID and stream once, counted by users; a VMID leaving for good is flushed. */
    @Test
    void s2inv_arrayRefcountsUnderViommuPolicy() {
        Fixture f = fixture(Policy.VIOMMU, false);
        f.ok(open());
        int d0 = f.id(bind(1, 0)), d1 = f.id(bind(1, 1)), d2 = f.id(bind(1, 2)), ioas = f.id(ioas(1));
        int p = f.id(parent(1, d0, ioas)), v = f.id(viommu(1, d0, p));
        f.ok(vdev(1, v, d1, 5));
        f.ok(vdev(1, v, d2, 6));
        int ats = f.id(nested(1, d1, v, VSTE_TRANSLATE, 1L << 28)), ats2 = f.id(nested(1, d2, v, VSTE_TRANSLATE, 1L << 28));
        f.ok(attach(1, d1, ats));
        assertThat(f.last.issued()).containsExactly(on(Cmd.atcInvAll(0x11)), SYNC);
        f.ok(attach(1, d2, ats2));
        f.ok(attach(1, d0, p));
        f.ok(map(1, ioas, 7, 1));
        f.ok(unmap(1, ioas, 7, 1));
        assertThat(f.last.issued()).containsExactly(on(Cmd.tlbiS2Ipa(1, 7, 1)), on(Cmd.tlbiS2Ipa(2, 7, 1)), SYNC,
                on(Cmd.tlbiNhAll(1)), on(Cmd.tlbiNhAll(2)), SYNC, on(Cmd.atcInvAll(0x11)), on(Cmd.atcInvAll(0x12)), SYNC);
        f.ok(detach(1, d1));
        assertThat(f.last.issued()).as("d2 still uses VMID 2").containsExactly(on(Cmd.atcInvAll(0x11)), SYNC);
        f.ok(unbind(1, d2));
        assertThat(f.last.issued()).containsExactly(on(Cmd.atcInvAll(0x12)), SYNC, on(Cmd.tlbiS12Vmall(2)), SYNC);
        f.ok(map(1, ioas, 7, 1));
        f.ok(unmap(1, ioas, 7, 1));
        assertThat(f.last.issued()).containsExactly(on(Cmd.tlbiS2Ipa(1, 7, 1)), SYNC, on(Cmd.tlbiNhAll(1)), SYNC);
    }

    @Test
    void invalidationArray_mergeUnrefPurge() {
        InvalidationArray a = new InvalidationArray();
        a.merge(3, -1);
        a.merge(3, 0x20);
        a.merge(1, 0x10);
        assertThat(a.size()).isEqualTo(6);
        assertThat(a.type(0)).isEqualTo(InvalidationArray.S2_VMID);
        assertThat(a.id(0)).isEqualTo(1);
        assertThat(a.firstOf(InvalidationArray.ATS_FULL)).isEqualTo(4);
        assertThat(a.unref(3, -1)).isZero();
        assertThat(a.unref(3, 0x20)).isEqualTo(3);
        assertThat(a.unref(1, 0x10)).isEqualTo(1);
        assertThat(a.size()).isZero();
    }

    /** PLAT-2 draws stream ID 0: its ATS entry is an entry like any other (-1 is "no ATS", 0 is not). */
    @Test
    void invalidationArray_streamIdZeroHasAnAtsEntry() {
        InvalidationArray a = new InvalidationArray();
        a.merge(2, 0);
        assertThat(a.size()).isEqualTo(3);
        assertThat(a.id(a.firstOf(InvalidationArray.ATS_FULL))).isZero();
        assertThat(a.unref(2, 0)).isEqualTo(2);
        assertThat(a.size()).as("the ATS entry of stream 0 is purged with the rest").isZero();
    }

    @Test
    void ioasAreas_meeting() {
        IoasAreas a = new IoasAreas();
        a.add(10, 5);
        a.add(20, 1);
        assertThat(a.meeting(12, 12)).hasSize(1);
        assertThat(a.meeting(0, 9)).isEmpty();
        assertThat(a.meeting(15, 19)).isEmpty();
        assertThat(a.meeting(14, 20)).hasSize(2);
        assertThat(a.meeting(-5, -1)).isEmpty();
        assertThat(a.meeting(0, -1)).hasSize(2);
        assertThat(a.overlaps(15, 20)).isFalse();
        assertThat(a.overlaps(14, 15)).isTrue();
    }
}
