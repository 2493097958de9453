package dev.nestcheck.impl;

import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** HWPT, VIOMMU, NEST, VDEV. */
class AllocationTest {
    Fixture f;
    int dev0, dev1, dev2, dev3, dev4, ioas;

    @BeforeEach
    void setUp() {
        f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        dev0 = f.id(bind(1, 0));
        dev1 = f.id(bind(1, 1));
        dev2 = f.id(bind(1, 2));
        dev3 = f.id(bind(1, 3));
        dev4 = f.id(bind(1, 4));
        ioas = f.id(ioas(1));
    }

    private Op hwpt(int dev, int pt, int flags, DataType t, List<Long> data) {
        return new Op.HwptAlloc(1, dev, pt, flags, t, data);
    }

    @Test
    void hwpt1_checkOrder() {
        assertThat(f.err(hwpt(99, 99, 0, DataType.NONE, List.of(1L)))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(99, 99, 0, DataType.ARM_SMMUV3, null))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(99, 99, 0, DataType.ARM_SMMUV3, List.of()))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(99, 99, 0, DataType.NONE, null))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(hwpt(ioas, ioas, 0, DataType.NONE, null))).isEqualTo(Errno.ENOENT); // dev not a DEVICE
        assertThat(f.err(hwpt(dev0, 99, 0, DataType.NONE, null))).isEqualTo(Errno.EINVAL);
        int s1 = f.id(s1(1, dev0, ioas));
        assertThat(f.err(hwpt(dev0, s1, 0, DataType.NONE, null))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.err(hwpt(dev0, dev1, 0, DataType.NONE, null))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void hwpt1_emptyDataWithNoneIsNoData() {
        // iommufd tests data_len, so an empty list with NONE is accepted.
        assertThat(f.id(hwpt(dev0, ioas, 0, DataType.NONE, List.of()))).isPositive();
    }

    @Test
    void hwpt2_flags() {
        assertThat(f.err(hwpt(dev0, ioas, 0, DataType.ARM_SMMUV3, List.of(1L, 0L)))).isEqualTo(Errno.EOPNOTSUPP);
        int a = f.id(hwpt(dev0, ioas, 0, DataType.NONE, null));
        int b = f.id(hwpt(dev0, ioas, HwptFlags.PASID, DataType.NONE, null));
        for (int flags : new int[] {HwptFlags.DIRTY_TRACKING, 16, -1, 0x8000_0000, HwptFlags.FAULT_ID | 16,
                HwptFlags.NEST_PARENT | HwptFlags.PASID, HwptFlags.NEST_PARENT | HwptFlags.DIRTY_TRACKING})
            assertThat(f.err(hwpt(dev0, ioas, flags, DataType.NONE, null))).as("flags %d", flags).isEqualTo(Errno.EOPNOTSUPP);
        // hw_pagetable.c: FAULT_ID is looked up after the domain exists; no fault object exists
        for (int flags : new int[] {HwptFlags.FAULT_ID, HwptFlags.FAULT_ID | HwptFlags.PASID})
            assertThat(f.err(hwpt(dev0, ioas, flags, DataType.NONE, null))).as("flags %d", flags).isEqualTo(Errno.ENOENT);
        // hw_pagetable.c (v6.15): a faultable nest parent is refused before any domain or VMID
        assertThat(f.err(hwpt(dev0, ioas, HwptFlags.NEST_PARENT | HwptFlags.FAULT_ID, DataType.NONE, null)))
                .isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.issuedNames()).as("no VMID was taken, so none is flushed").isEmpty();
        assertThat(f.snap().smmus().get(0).vmids()).isEmpty();
        assertThat(f.err(parent(1, dev4, ioas))).isEqualTo(Errno.EOPNOTSUPP); // smmu2 lacks nesting
        assertThat(f.id(s1(1, dev4, ioas))).isPositive(); // stage 1 is fine there
        int p = f.id(parent(1, dev2, ioas));
        Snapshot s = f.snap();
        assertThat(s.contexts().get(1).objects().get(a).nestParent()).isFalse();
        assertThat(s.contexts().get(1).objects().get(b).smmu()).isZero();
        assertThat(s.contexts().get(1).objects().get(p).smmu()).isEqualTo(1);
        assertThat(s.smmus().get(1).vmids()).hasSize(1);
        assertThat(s.smmus().get(0).vmids()).isEmpty(); // stage-1 domains take no VMID
    }

    @Test
    void viommu1_checkOrder() {
        int p0 = f.id(parent(1, dev0, ioas));
        int p2 = f.id(parent(1, dev2, ioas));
        int s1 = f.id(s1(1, dev0, ioas));
        assertThat(f.err(new Op.ViommuAlloc(1, 99, 99, "DEFAULT"))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.err(new Op.ViommuAlloc(1, 99, 99, "ARM_SMMUV3"))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(new Op.ViommuAlloc(1, dev0, 99, "TEGRA241_CMDQV"))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.err(viommu(1, dev4, 99))).isEqualTo(Errno.EOPNOTSUPP); // no nesting
        assertThat(f.err(viommu(1, dev3, p2))).isEqualTo(Errno.EOPNOTSUPP); // not canwbs, no s2fwb
        assertThat(f.id(viommu(1, dev1, p0))).isPositive(); // not canwbs but s2fwb
        assertThat(f.err(viommu(1, dev0, 99))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(viommu(1, dev0, ioas))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(viommu(1, dev0, s1))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(viommu(1, dev0, p2))).isEqualTo(Errno.EINVAL);
        int v = f.id(viommu(1, dev0, p0));
        Snapshot.Obj o = f.snap().contexts().get(1).objects().get(v);
        assertThat(o.ref()).isEqualTo(p0);
        assertThat(o.smmu()).isZero();
        assertThat(f.snap().smmus().get(0).vmids()).hasSize(1); // S2_PARENT: the vIOMMU shares it
    }

    @Test
    void nest1_checkOrder() {
        int p0 = f.id(parent(1, dev0, ioas));
        int v = f.id(viommu(1, dev0, p0));
        assertThat(f.err(nested(1, dev2, v, VSTE_BYPASS, 0))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(dev0, v, HwptFlags.NEST_PARENT, DataType.ARM_SMMUV3, List.of(VSTE_BYPASS, 0L))))
                .isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.err(hwpt(dev0, v, 0, DataType.NONE, null))).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(f.err(hwpt(dev0, v, 0, DataType.VTD_S1, List.of(VSTE_BYPASS, 0L)))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(dev0, v, 0, DataType.ARM_SMMUV3, List.of(VSTE_BYPASS)))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(hwpt(dev0, v, 0, DataType.ARM_SMMUV3, List.of(VSTE_BYPASS, 0L, 0L)))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(nested(1, dev0, v, VSTE_BYPASS | (1L << 52), 0))).isEqualTo(Errno.EIO);
        int h = f.id(nested(1, dev0, v, VSTE_BYPASS, 0));
        assertThat(f.snap().contexts().get(1).objects().get(h).ref()).isEqualTo(v); // NEST-3
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 52, 1L << 55, 1L << 58})
    void nest2_reservedWord0BitsAreEio(long bit) {
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE | bit, 0)).isNull();
    }

    @Test
    void nest2_validation() {
        // V clear: both words zeroed whatever else they hold.
        assertThat(OptimizedNesting.validateVste(-2L, -1L)).containsExactly(0, 0, 0, 0);
        // Allowed high bits of word0 (59..63) and 51..0 pass.
        assertThat(OptimizedNesting.validateVste(0xF800_0000_0000_000BL, 0)).isNotNull();
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE, 1L << 8)).isNull();
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE, 1L << 30)).isNull();
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE, 0x0800_00FFL)).isNotNull();
        for (int cfg = 0; cfg < 8; cfg++) {
            long[] r = OptimizedNesting.validateVste(1 | ((long) cfg << 1), 0);
            if (cfg == 0 || cfg == 4 || cfg == 5) assertThat(r).as("cfg %d", cfg).isNotNull();
            else assertThat(r).as("cfg %d", cfg).isNull();
        }
        // EATS: 0 and 1 allowed for every Config, cleared from the stored word; 2, 3 → EIO.
        assertThat(OptimizedNesting.validateVste(VSTE_BYPASS, 2L << 28)).isNull();
        assertThat(OptimizedNesting.validateVste(VSTE_ABORT, 3L << 28)).isNull();
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE, (1L << 28) | 0x5)).containsExactly(VSTE_TRANSLATE, 0x5, 5, 1);
        assertThat(OptimizedNesting.validateVste(VSTE_BYPASS, 1L << 28)).containsExactly(VSTE_BYPASS, 0, 4, 0);
        assertThat(OptimizedNesting.validateVste(VSTE_TRANSLATE, 0)).containsExactly(VSTE_TRANSLATE, 0, 5, 0);
    }

    @Test
    void nest2_storedVsteIsWhatTheSnapshotShows() {
        int p0 = f.id(parent(1, dev0, ioas));
        int v = f.id(viommu(1, dev0, p0));
        int h = f.id(nested(1, dev0, v, 0xFFF0L, 0x1234L));
        Snapshot.Obj o = f.snap().contexts().get(1).objects().get(h);
        assertThat(o.vste0()).isZero();
        assertThat(o.vste1()).isZero();
        int g = f.id(nested(1, dev0, v, VSTE_TRANSLATE, (1L << 28) | (1L << 27)));
        o = f.snap().contexts().get(1).objects().get(g);
        assertThat(o.vste1()).isEqualTo(1L << 27);
    }

    @Test
    void vdev1_checkOrderAndReuse() {
        int p0 = f.id(parent(1, dev0, ioas));
        int v = f.id(viommu(1, dev0, p0));
        int w = f.id(viommu(1, dev0, p0));
        assertThat(f.err(vdev(1, 99, 99, 1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(vdev(1, p0, dev0, 1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(vdev(1, v, 99, 1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(vdev(1, v, dev2, 1))).isEqualTo(Errno.EINVAL);
        int a = f.id(vdev(1, v, dev0, 5));
        assertThat(f.err(vdev(1, w, dev0, 6))).isEqualTo(Errno.EEXIST); // dev0 has one already
        assertThat(f.err(vdev(1, v, dev1, 5))).isEqualTo(Errno.EEXIST); // virtId taken here
        int b = f.id(vdev(1, w, dev1, 5)); // same virtId, other vIOMMU
        assertThat(f.snap().contexts().get(1).objects().get(b).device()).isEqualTo(dev1);
        f.ok(destroy(1, a));
        assertThat(f.id(vdev(1, w, dev0, 9))).isEqualTo(a); // VDEV-2
        f.ok(destroy(1, v)); // its only VDEVICE is gone
        assertThat(f.err(destroy(1, w))).isEqualTo(Errno.EBUSY);
    }
}
