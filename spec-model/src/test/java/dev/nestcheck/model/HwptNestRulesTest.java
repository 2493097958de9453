package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nestcheck.model.Bench.EATS_1;
import static dev.nestcheck.model.Bench.VSTE_BYPASS;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE;
import static dev.nestcheck.model.Bench.VSTE_TRANSLATE_CD;
import static dev.nestcheck.model.Bench.nestedOp;
import static dev.nestcheck.model.Bench.paging;
import static dev.nestcheck.spec.Errno.EBUSY;
import static dev.nestcheck.spec.Errno.EINVAL;
import static dev.nestcheck.spec.Errno.EIO;
import static dev.nestcheck.spec.Errno.ENOENT;
import static dev.nestcheck.spec.Errno.EOPNOTSUPP;
import static org.assertj.core.api.Assertions.assertThat;

/** HWPT-1, HWPT-2, NEST-1..NEST-3. */
class HwptNestRulesTest {
    Bench b;
    int c, dev, ioas, parent, viommu;

    @BeforeEach
    void setUp() {
        b = new Bench(Policy.S2_PARENT);
        c = b.open();
        dev = b.bind(c, 0);
        ioas = b.ioas(c);
        parent = b.parent(c, dev, ioas);
        viommu = b.viommu(c, dev, parent);
    }

    @Test
    void hwpt1_dataTypeAndDataMustAgree() {
        b.fails(new Op.HwptAlloc(c, dev, ioas, 0, DataType.NONE, List.of(1L, 2L)), EINVAL, "HWPT-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 0, DataType.ARM_SMMUV3, null), EINVAL, "HWPT-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 0, DataType.ARM_SMMUV3, List.of()), EINVAL, "HWPT-1");
        b.fails(new Op.HwptAlloc(c, 99, 99, 0, DataType.NONE, List.of(1L)), EINVAL, "HWPT-1");
        assertThat(b.ok(new Op.HwptAlloc(c, dev, ioas, 0, DataType.NONE, List.of()))).as("empty data is none").isPositive();
    }

    @Test
    void hwpt1_unknownDevIsEnoentAndUnknownPtIsEinval() {
        b.fails(paging(c, 99, ioas, 0), ENOENT, "HWPT-1");
        b.fails(paging(c, ioas, ioas, 0), ENOENT, "HWPT-1");
        b.fails(paging(c, dev, 99, 0), EINVAL, "HWPT-1");
    }

    @Test
    void hwpt1_pagingPtIsEopnotsuppAndOtherKindsAreEinval() {
        b.fails(nestedOp(c, dev, parent, VSTE_TRANSLATE, 0), EOPNOTSUPP, "HWPT-1");
        int vdev = b.vdevice(c, viommu, dev, 1);
        int nested = b.nested(c, dev, viommu, VSTE_TRANSLATE, 0);
        b.fails(paging(c, dev, dev, 0), EINVAL, "HWPT-1");
        b.fails(nestedOp(c, dev, nested, VSTE_TRANSLATE, 0), EINVAL, "HWPT-1");
        b.fails(paging(c, dev, vdev, 0), EINVAL, "HWPT-1");
    }

    @Test
    void hwpt2_dataWithIoasIsEopnotsupp() {
        b.fails(new Op.HwptAlloc(c, dev, ioas, 0, DataType.VTD_S1, List.of(1L)), EOPNOTSUPP, "HWPT-2");
    }

    @Test
    void hwpt2_flags0AndPasidGiveStage1DomainsWithoutVmid() {
        int s1 = (int) b.ok(paging(c, dev, ioas, 0));
        int pasid = (int) b.ok(paging(c, dev, ioas, HwptFlags.PASID));
        assertThat(b.vmids(0)).containsOnlyKeys(1);
        assertThat(b.snap().contexts().get(c).objects().get(pasid))
                .isEqualTo(new Snapshot.Obj(ObjectKind.HWPT_PAGING, ioas, 0, false, 0, 0, 0, -1));
        b.attach(c, dev, s1);
        assertThat(b.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S1, 0, 0, false));
        assertThat(b.tlb(0)).isEmpty();
    }

    @Test
    void hwpt2_otherFlagsAreEopnotsupp() {
        for (int flags : new int[] {HwptFlags.DIRTY_TRACKING, HwptFlags.NEST_PARENT | HwptFlags.DIRTY_TRACKING,
                HwptFlags.NEST_PARENT | HwptFlags.PASID, 16, HwptFlags.FAULT_ID | 16, 0x8000_0000, -1,
                HwptFlags.FAULT_ID | HwptFlags.DIRTY_TRACKING})
            b.fails(paging(c, dev, ioas, flags), EOPNOTSUPP, "HWPT-2");
    }

    /** hw_pagetable.c: FAULT_ID is stripped before the driver, and the fault is looked up last. */
    @Test
    void hwpt2_faultIdIsEnoentFromTheFaultLookupAfterTheDomainChecks() {
        b.fails(paging(c, dev, ioas, HwptFlags.FAULT_ID), ENOENT, "HWPT-2");
        b.fails(paging(c, dev, ioas, HwptFlags.FAULT_ID | HwptFlags.PASID), ENOENT, "HWPT-2");
        assertThat(b.parent(c, dev, ioas)).as("no ID was consumed").isEqualTo(viommu + 1);
    }

    /**
     * HWPT-2 leaves FAULT_ID with NEST_PARENT to hw_pagetable.c, which refuses it before it allocates
     * anything (iommufd_hwpt_paging_alloc, upstream 1062d81086156e42, v6.15: a nest parent cannot take
     * faults): EOPNOTSUPP, no VMID taken or flushed, and ahead of every VMID check, so no VMID-6 EBUSY,
     * no VMID-7 EINVAL, and no pin that hands the VM a KVM VMID.
     */
    @Test
    void hwpt2_faultIdWithNestParentIsEopnotsuppBeforeTheVmidChecks() {
        b.fails(paging(c, dev, ioas, HwptFlags.FAULT_ID | HwptFlags.NEST_PARENT), EOPNOTSUPP, "HWPT-2");
        Bench k = new Bench(Policy.KVM_PINNED);
        int c = k.open(), dev = k.bind(c, 0), ioas = k.ioas(c);
        k.fails(paging(c, dev, ioas, HwptFlags.FAULT_ID | HwptFlags.NEST_PARENT), EOPNOTSUPP, "HWPT-2");
        int vm = k.vm();
        k.ok(new Op.KvmBind(c, vm));
        k.fails(paging(c, dev, ioas, HwptFlags.FAULT_ID | HwptFlags.NEST_PARENT), EOPNOTSUPP, "HWPT-2");
        assertThat(k.kvmVm(vm).index()).as("no pin, so no KVM VMID").isZero();
        Bench ictx = new Bench(Policy.ICTX);
        int c2 = ictx.open(), dev2 = ictx.bind(c2, 0), ioas2 = ictx.ioas(c2);
        ictx.parent(c2, dev2, ioas2);
        ictx.fails(paging(c2, dev2, ioas2, HwptFlags.FAULT_ID | HwptFlags.NEST_PARENT), EOPNOTSUPP, "HWPT-2");
    }

    @Test
    void hwpt2_nestParentOnSmmuWithoutNestingIsEopnotsupp() {
        Platform p = new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 8, false, true, false)),
                List.of(new DeviceSpec(0, 0, 16, true)), new KvmSpec(1, 8));
        Bench n = new Bench(p);
        int c = n.open(), dev = n.bind(c, 0), ioas = n.ioas(c);
        n.fails(paging(c, dev, ioas, HwptFlags.NEST_PARENT), EOPNOTSUPP, "HWPT-2");
        n.ok(paging(c, dev, ioas, 0));
    }

    @Test
    void hwpt2_nestParentIsStage2OnDevSmmuWithLowestVmid() {
        int second = b.parent(c, dev, ioas);
        assertThat(b.vmids(0)).containsOnly(
                Map.entry(1, new Snapshot.Owner(Snapshot.OwnerKind.HWPT, c, parent)),
                Map.entry(2, new Snapshot.Owner(Snapshot.OwnerKind.HWPT, c, second)));
        Snapshot.Obj o = b.snap().contexts().get(c).objects().get(second);
        assertThat(o.nestParent()).isTrue();
        assertThat(o.smmu()).isEqualTo(0);
        assertThat(o.ref()).isEqualTo(ioas);
    }

    @Test
    void nest1_checksInOrder() {
        int dev2 = b.bind(c, 2);
        b.fails(nestedOp(c, dev2, viommu, VSTE_TRANSLATE, 0), EINVAL, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 1, DataType.VTD_S1, List.of(1L)), EOPNOTSUPP, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, HwptFlags.FAULT_ID | 1, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE, 0L)),
                EOPNOTSUPP, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, HwptFlags.FAULT_ID, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE | 1L << 52, 0L)),
                EIO, "NEST-2");
        b.fails(new Op.HwptAlloc(c, dev, viommu, HwptFlags.FAULT_ID, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE, 0L)),
                ENOENT, "NEST-1");
        b.fails(paging(c, dev, viommu, 0), EOPNOTSUPP, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 0, DataType.VTD_S1, List.of(VSTE_TRANSLATE, 0L)), EINVAL, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 0, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE)), EINVAL, "NEST-1");
        b.fails(new Op.HwptAlloc(c, dev, viommu, 0, DataType.ARM_SMMUV3, List.of(VSTE_TRANSLATE, 0L, 0L)), EINVAL, "NEST-1");
        b.fails(nestedOp(c, dev, viommu, VSTE_TRANSLATE | 1L << 52, 0), EIO, "NEST-2");
    }

    @Test
    void nest2_vClearIsZeroedAndAccepted() {
        int nested = b.nested(c, dev, viommu, ~1L, -1L);
        Snapshot.Obj o = b.snap().contexts().get(c).objects().get(nested);
        assertThat(o.vste0()).isZero();
        assertThat(o.vste1()).isZero();
        b.attach(c, dev, nested);
        assertThat(b.ste(0)).isEqualTo(Snapshot.Ste.ABORT);
    }

    @Test
    void nest2_bits52to58_rejectedWithEio() {
        for (int bit = 52; bit <= 58; bit++)
            b.fails(nestedOp(c, dev, viommu, VSTE_TRANSLATE | 1L << bit, 0), EIO, "NEST-2");
        for (int bit = 59; bit <= 63; bit++)
            b.ok(nestedOp(c, dev, viommu, VSTE_TRANSLATE | 1L << bit, 0));
    }

    @Test
    void nest2_word1OutsideAllowedMaskIsEio() {
        for (int bit : new int[] {8, 26, 30, 31, 32, 63})
            b.fails(nestedOp(c, dev, viommu, VSTE_TRANSLATE, 1L << bit), EIO, "NEST-2");
        b.ok(nestedOp(c, dev, viommu, VSTE_TRANSLATE, 0xFFL | 1L << 27));
    }

    @Test
    void nest2_configMustBeAbortBypassOrTranslate() {
        for (int config : new int[] {1, 2, 3, 6, 7})
            b.fails(nestedOp(c, dev, viommu, 1 | config << 1, 0), EIO, "NEST-2");
        for (int config : new int[] {0, 4, 5})
            b.ok(nestedOp(c, dev, viommu, 1 | config << 1, 0));
    }

    @Test
    void nest2_eatsAboveOneIsEioForEveryConfig() {
        for (long word0 : new long[] {Bench.VSTE_ABORT, VSTE_BYPASS, VSTE_TRANSLATE}) {
            b.fails(nestedOp(c, dev, viommu, word0, 2L << 28), EIO, "NEST-2");
            b.fails(nestedOp(c, dev, viommu, word0, 3L << 28), EIO, "NEST-2");
        }
    }

    @Test
    void nest2_atsOnlyForTranslateWithEats1_andEatsIsClearedFromTheStoredWord() {
        b.vdevice(c, viommu, dev, 1);
        int translate = b.nested(c, dev, viommu, VSTE_TRANSLATE_CD, EATS_1 | 0x5);
        assertThat(b.snap().contexts().get(c).objects().get(translate).vste1()).isEqualTo(0x5);
        b.attach(c, dev, translate);
        assertThat(b.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.NESTED, 1, 0x0000_1234_5678_9F40L, true));

        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_TRANSLATE, 0));
        assertThat(b.ste(0).ats()).isFalse();
        b.attach(c, dev, b.nested(c, dev, viommu, VSTE_BYPASS, EATS_1));
        assertThat(b.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S2, 1, 0, false));
    }

    @Test
    void nest3_nestedReferencesItsViommuNotTheParent() {
        int nested = b.nested(c, dev, viommu, VSTE_BYPASS, 0);
        Snapshot.Obj o = b.snap().contexts().get(c).objects().get(nested);
        assertThat(o.ref()).isEqualTo(viommu);
        assertThat(o.smmu()).isEqualTo(0);
        b.fails(new Op.Destroy(c, viommu), EBUSY, "OBJ-3");
        b.ok(new Op.Destroy(c, nested));
        b.ok(new Op.Destroy(c, viommu));
        b.ok(new Op.Destroy(c, parent));
    }
}
