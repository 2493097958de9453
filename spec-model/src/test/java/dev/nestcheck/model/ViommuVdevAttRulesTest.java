package dev.nestcheck.model;

import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nestcheck.model.Bench.VSTE_ABORT;
import static dev.nestcheck.model.Bench.VSTE_BYPASS;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE_CD;
import static dev.nestcheck.model.Bench.paging;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EEXIST;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static org.assertj.core.api.Assertions.assertThat;

/** VIOMMU-1/2, VDEV-1/2, ATT-1..6 and STE-1..5. */
class ViommuVdevAttRulesTest {
    Bench b;
    int c, dev, dev2, ioas, parent, viommu;

    @BeforeEach
    void setUp() {
        b = new Bench(Policy.S2_PARENT);
        c = b.open();
        dev = b.bind(c, 0);
        dev2 = b.bind(c, 2); // on SMMU 1
        ioas = b.ioas(c);
        parent = b.parent(c, dev, ioas);
        viommu = b.viommu(c, dev, parent);
    }

    @Test
    void viommu1_checksInOrder() {
        b.fails(new Op.ViommuAlloc(c, 99, 99, "DEFAULT"), EOPNOTSUPP, "VIOMMU-1");
        b.fails(new Op.ViommuAlloc(c, 99, parent, "ARM_SMMUV3"), ENOENT, "VIOMMU-1");
        b.fails(new Op.ViommuAlloc(c, dev, 99, "TEGRA241_CMDQV"), EOPNOTSUPP, "VIOMMU-1");
        b.fails(new Op.ViommuAlloc(c, dev, 99, "ARM_SMMUV3"), ENOENT, "VIOMMU-1");
        b.fails(new Op.ViommuAlloc(c, dev, ioas, "ARM_SMMUV3"), ENOENT, "VIOMMU-1");
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        b.fails(new Op.ViommuAlloc(c, dev, s1, "ARM_SMMUV3"), EINVAL, "VIOMMU-1");
        int parentOn1 = b.parent(c, dev2, ioas);
        b.fails(new Op.ViommuAlloc(c, dev, parentOn1, "ARM_SMMUV3"), EINVAL, "VIOMMU-1");
    }

    @Test
    void viommu1_needsNestingAndCanwbsOrS2fwb() {
        Platform p = new Platform(Policy.S2_PARENT,
                List.of(new SmmuSpec(0, 8, true, false, false), new SmmuSpec(1, 8, false, true, false),
                        new SmmuSpec(2, 8, true, true, false)),
                List.of(new DeviceSpec(0, 0, 1, false), new DeviceSpec(1, 0, 2, true), new DeviceSpec(2, 1, 1, true),
                        new DeviceSpec(3, 2, 1, false)),
                new KvmSpec(1, 8));
        Bench n = new Bench(p);
        int c = n.open(), ioas = n.ioas(c);
        int noCanwbs = n.bind(c, 0), canwbs = n.bind(c, 1), noNesting = n.bind(c, 2), s2fwb = n.bind(c, 3);
        int parent0 = n.parent(c, canwbs, ioas);
        n.fails(new Op.ViommuAlloc(c, noCanwbs, parent0, "ARM_SMMUV3"), EOPNOTSUPP, "VIOMMU-1");
        n.viommu(c, canwbs, parent0);
        n.fails(new Op.ViommuAlloc(c, noNesting, 99, "ARM_SMMUV3"), EOPNOTSUPP, "VIOMMU-1");
        n.viommu(c, s2fwb, n.parent(c, s2fwb, ioas));
    }

    @Test
    void viommu2_belongsToDevSmmuAndReferencesItsParent() {
        assertThat(b.snap().contexts().get(c).objects().get(viommu))
                .isEqualTo(new Snapshot.Obj(ObjectKind.VIOMMU, parent, 0, false, 0, 0, 0, -1));
        b.fails(new Op.Destroy(c, parent), EBUSY, "OBJ-3");
    }

    @Test
    void vdev1_checksInOrder() {
        b.fails(new Op.VdeviceAlloc(c, 99, dev, 1), ENOENT, "VDEV-1");
        b.fails(new Op.VdeviceAlloc(c, parent, dev, 1), ENOENT, "VDEV-1");
        b.fails(new Op.VdeviceAlloc(c, viommu, 99, 1), ENOENT, "VDEV-1");
        b.fails(new Op.VdeviceAlloc(c, viommu, dev2, 1), EINVAL, "VDEV-1");
        int dev1 = b.bind(c, 1);
        b.vdevice(c, viommu, dev, 1);
        b.fails(new Op.VdeviceAlloc(c, viommu, dev, 2), EEXIST, "VDEV-1");
        b.fails(new Op.VdeviceAlloc(c, viommu, dev1, 1), EEXIST, "VDEV-1");
        b.vdevice(c, viommu, dev1, 2);
    }

    @Test
    void vdev1_deviceHasOneVdeviceAcrossViommus_butVirtIdsAreScopedPerViommu() {
        int other = b.viommu(c, dev, parent);
        int dev1 = b.bind(c, 1);
        int vdev = b.vdevice(c, viommu, dev, 5);
        b.fails(new Op.VdeviceAlloc(c, other, dev, 6), EEXIST, "VDEV-1");
        b.vdevice(c, other, dev1, 5);
        assertThat(b.snap().contexts().get(c).objects().get(vdev))
                .isEqualTo(new Snapshot.Obj(ObjectKind.VDEVICE, viommu, 0, false, 0, 0, 5, dev));
    }

    @Test
    void vdev2_afterDestroyTheDeviceMayGetANewOne() {
        int vdev = b.vdevice(c, viommu, dev, 5);
        b.ok(new Op.Destroy(c, vdev));
        assertThat(b.snap().contexts().get(c).tombstones()).isEmpty();
        b.vdevice(c, viommu, dev, 9);
    }

    @Test
    void att1_unknownIsEnoentAndWrongKindIsEinval() {
        b.fails(new Op.Attach(c, 99, parent), ENOENT, "ATT-1");
        b.fails(new Op.Attach(c, dev, 99), ENOENT, "ATT-1");
        b.fails(new Op.Attach(c, dev, ioas), EINVAL, "ATT-1");
        b.fails(new Op.Attach(c, dev, viommu), EINVAL, "ATT-1");
        b.fails(new Op.Attach(c, dev, dev2), EINVAL, "ATT-1");
    }

    @Test
    void att2_pagingOfAnotherSmmuIsEinval() {
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        b.fails(new Op.Attach(c, dev2, s1), EINVAL, "ATT-2");
        b.fails(new Op.Attach(c, dev2, parent), EINVAL, "ATT-2");
    }

    @Test
    void att3_nestedChecks() {
        int translate = b.nested(c, dev, viommu, VSTE_TRANSLATE, 0);
        b.fails(new Op.Attach(c, dev2, translate), EINVAL, "ATT-3");
        b.fails(new Op.Attach(c, dev, translate), ENOENT, "ATT-3");
        int other = b.viommu(c, dev, parent);
        b.vdevice(c, other, dev, 1);
        b.fails(new Op.Attach(c, dev, translate), ENOENT, "ATT-3");
    }

    @Test
    void att3_abortAndBypassAttachWithoutVdevice() {
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_ABORT, 0));
        assertThat(b.ste(0)).isEqualTo(Snapshot.Ste.ABORT);
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_BYPASS, 0));
        assertThat(b.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S2, 1, 0, false));
    }

    @Test
    void att4_replacingOntoTheAttachedHwptChangesNothing() {
        int vdev = b.vdevice(c, viommu, dev, 1);
        int translate = b.nested(c, dev, viommu, VSTE_TRANSLATE, 0);
        b.attach(c, dev, translate);
        b.ok(new Op.Destroy(c, vdev));
        Snapshot before = b.snap();
        b.ok(new Op.Attach(c, dev, translate));
        assertThat(b.last.rule()).isEqualTo("ATT-4");
        assertThat(b.snap()).isEqualTo(before);
    }

    @Test
    void att5_failedReplaceKeepsTheOldAttachment() {
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        b.attach(c, dev, s1);
        int translate = b.nested(c, dev, viommu, VSTE_TRANSLATE, 0);
        b.fails(new Op.Attach(c, dev, translate), ENOENT, "ATT-3");
        assertThat(b.snap().devices().get(0).attached()).isEqualTo(s1);
        assertThat(b.ste(0).kind()).isEqualTo(SteKind.S1);
    }

    @Test
    void att6_detachBlocksAndDetachingTwiceChangesNothing() {
        b.attach(c, dev, parent);
        b.ok(new Op.Detach(c, dev));
        assertThat(b.snap().devices().get(0)).isEqualTo(new Snapshot.Device(c, dev, 0, Snapshot.Ste.ABORT));
        Snapshot before = b.snap();
        b.ok(new Op.Detach(c, dev));
        assertThat(b.snap()).isEqualTo(before);
        assertThat(b.last.issued()).isEmpty();
        b.fails(new Op.Detach(c, 99), ENOENT, "ATT-6");
    }

    @Test
    void ste1to5_eachAttachmentGivesItsSte() {
        assertThat(b.snap().devices().get(1)).as("STE-1 unbound").isEqualTo(new Snapshot.Device(0, 0, 0, Snapshot.Ste.ABORT));
        assertThat(b.ste(0)).as("STE-1 bound, detached").isEqualTo(Snapshot.Ste.ABORT);
        b.attach(c, dev, (int) b.ok(paging(c, dev, ioas, 0)));
        assertThat(b.ste(0)).as("STE-2").isEqualTo(new Snapshot.Ste(SteKind.S1, 0, 0, false));
        b.attach(c, dev, parent);
        assertThat(b.ste(0)).as("STE-3").isEqualTo(new Snapshot.Ste(SteKind.S2, 1, 0, false));
        b.vdevice(c, viommu, dev, 1);
        int nested = b.nested(c, dev, viommu, VSTE_TRANSLATE_CD, 0);
        b.attach(c, dev, nested);
        assertThat(b.ste(0)).as("STE-4 translate")
                .isEqualTo(new Snapshot.Ste(SteKind.NESTED, 1, VSTE_TRANSLATE_CD & 0x000F_FFFF_FFFF_FFC0L, false));
        assertThat(b.snap().devices().get(0)).isEqualTo(new Snapshot.Device(c, dev, nested, b.ste(0)));
        assertThat(b.ste(0).s1ContextPtr()).isEqualTo(0x0000_1234_5678_9F40L);
    }
}
