package dev.nestcheck.mutants;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.function.Function;

/**
 * The reference model with exactly one rule broken, each checked under one policy, with the length of
 * the shortest failing sequence the generator can produce: every step of the counterexample, including
 * the closing {@code close} steps when the failure only shows at close (G-7). Each minimum is argued
 * below from the rules and the generator (platform: 1 SMMU with nesting and s2fwb, 2 devices, 1 CPU,
 * 2-bit KVM VMIDs, unless said otherwise), not measured.
 */
enum Mutant {
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT): the parent owns VMID 0, which is never renamed. */
    VMID_ZERO_HANDED_OUT("VMID-1", Policy.S2_PARENT, VmidZeroHandedOut::new, 4, "VMID 0"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), then the closing close releases without TLBI. */
    VMID_RELEASED_WITHOUT_TLBI("VMID-5", Policy.S2_PARENT, VmidReleasedWithoutTlbi::new, 5, "commands"),
    /** vmidBits 1 (one VMID): open, bind, ioas_alloc, two hwpt_alloc(NEST_PARENT); the second is ENOSPC. */
    EIGHT_BIT_VMID_POOL("VMID-3", Policy.S2_PARENT, EightBitVmidPool::new, 5, "ENOSPC"),
    /**
     * open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, destroy(parent): EBUSY expected.
     * The search shrinks to 7 steps instead, a second symptom of the same bug: with two parents, close
     * destroys a parent before its vIOMMU and the two TLBI_S12_VMALL come out in the other order.
     * From there the 6-step case needs an allocation turned into a destroy and moved after the vIOMMU,
     * which no shrink pass does (it only deletes, lowers and sorts); a known limit, reported as such.
     */
    PARENT_DESTROYABLE_UNDER_VIOMMU("OBJ-3", Policy.S2_PARENT, ParentDestroyableUnderViommu::new, 6, 7, "EBUSY"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, hwpt_alloc(vSTE with bit 52): EIO expected. */
    VSTE_BIT_52_ACCEPTED("NEST-2", Policy.S2_PARENT, VsteBit52Accepted::new, 6, "EIO"),
    /** As bit 52, with EATS = 2 in the vSTE. */
    VSTE_EATS_2_ACCEPTED("NEST-2", Policy.S2_PARENT, VsteEats2Accepted::new, 6, "EIO"),
    /**
     * open, bind, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, vdevice_alloc(dev A, v),
     * vdevice_alloc(dev B, v): EEXIST expected. Two devices, since a device already having a VDEVICE is
     * refused by the check that stays.
     */
    DUPLICATE_VIRT_ID_ACCEPTED("VDEV-1", Policy.S2_PARENT, DuplicateVirtIdAccepted::new, 8, "EEXIST"),
    /** open, bind, ioas_alloc, hwpt_alloc, attach, a failing attach (e.g. onto the IOAS: EINVAL). */
    FAILED_REPLACE_DROPS_ATTACHMENT("ATT-5", Policy.S2_PARENT, FailedReplaceDropsAttachment::new, 6, "blocked"),
    /**
     * 2 CPUs, 3 KVM indices. kvm_vm_create and vcpu_load of VM 1 on cpu1 (index 1), of VMs 2 and 3 on
     * cpu0 (indices 2, 3), of VM 4 on cpu0 (rollover 1: cpu1 runs index 1; VM 4 takes 2); vcpu_load of
     * VMs 2 and 3 on cpu0 again (3, then rollover 2, where idle cpu1's reservation of index 1 must keep it
     * from VM 3): 4 kvm_vm_create + 6 vcpu_load. Four VMs are needed because next-fit must pass every
     * index once per generation, and a second rollover because only then is a CPU idle since the last.
     */
    ROLLOVER_FORGETS_RESERVED_INDEX("KVM-4", Policy.S2_PARENT, RolloverForgetsReservedIndex::new, 10, "kvm"),
    /**
     * open, kvm_vm_create, kvm_bind, bind, ioas_alloc, hwpt_alloc(NEST_PARENT) pins VM 1 at index 1;
     * kvm_vm_create + vcpu_load three times (indices 2, 3, then rollover); vcpu_load of VM 1 renews it:
     * 6 + 6 + 1. With 2 CPUs the cap of 2-bit VMIDs is 0, so 1 CPU.
     */
    PINNED_INDEX_CHANGES_AT_ROLLOVER("KVM-6", Policy.KVM_PINNED, PinnedIndexChangesAtRollover::new, 13, "kvm"),
    /** 1 CPU, cap 1: open, kvm_vm_create, kvm_bind, bind, ioas_alloc, hwpt_alloc(NEST_PARENT): the first pin fails. */
    PIN_CAP_OFF_BY_ONE("KVM-5", Policy.KVM_PINNED, PinCapOffByOne::new, 6, "ENOSPC"),
    /** 2 CPUs, cap 0: open, kvm_vm_create, kvm_bind, bind, ioas_alloc, hwpt_alloc(NEST_PARENT): ENOSPC expected. */
    KVM_PINNED_FALLS_BACK_TO_PRIVATE_VMID("VMID-7", Policy.KVM_PINNED, KvmPinnedFallsBackToPrivateVmid::new, 6, "ENOSPC"),
    /** open, bind, ioas_alloc, two hwpt_alloc(NEST_PARENT) on one SMMU: EBUSY expected. */
    ICTX_SECOND_PARENT_SHARES_VMID("VMID-6", Policy.ICTX, IctxSecondParentSharesVmid::new, 5, "EBUSY"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, then the closing close. */
    VIOMMU_VMID_RELEASED_WITHOUT_TLBI("VMID-5", Policy.VIOMMU, ViommuVmidReleasedWithoutTlbi::new, 6, "commands"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, invalidate([TLBI_NH_*]). */
    VMID_NOT_SUBSTITUTED("INV-2", Policy.S2_PARENT, VmidNotSubstituted::new, 6, "TLBI_NH"),
    /** As above, with [TLBI_NSNH_ALL]. */
    NSNH_ALL_PASSED_THROUGH("INV-2", Policy.S2_PARENT, NsnhAllPassedThrough::new, 6, "TLBI_NSNH_ALL"),
    /**
     * open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), two viommu_alloc, vdevice_alloc in one,
     * invalidate([ATC_INV of that virtual ID]) on the other: EIO expected.
     */
    VIRT_ID_LOOKED_UP_IN_EVERY_VIOMMU("INV-2", Policy.S2_PARENT, VirtIdLookedUpInEveryViommu::new, 8, "EIO"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, invalidate([a rejected command]). */
    ENTRY_NUM_OFF_BY_ONE("INV-3", Policy.S2_PARENT, EntryNumOffByOne::new, 6, "entryNum"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, invalidate(64 accepted commands). */
    BATCHES_OF_64("INV-3", Policy.S2_PARENT, BatchesOf64::new, 6, "commands"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, invalidate([TLBI_S12_VMALL]). */
    S12_VMALL_ACCEPTED_FROM_GUEST("INV-2", Policy.S2_PARENT, S12VmallAcceptedFromGuest::new, 6, "EIO"),

    // ---- rules v2: MAP and S2INV (the small platform has maxTlbiPages 4 unless said otherwise)

    /**
     * open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, hwpt_alloc(bypass vSTE), attach,
     * ioas_map, ioas_unmap: the nested STE needs a vIOMMU and a nested HWPT (a bypass one needs no
     * VDEVICE); the unmap's TLBI_NH_ALL batch is missing.
     */
    NO_S1_CLEAR_FOR_NESTED_VMIDS("S2INV-1", Policy.S2_PARENT, NoS1ClearForNestedVmids::new, 9, "commands"),
    /** As above under VIOMMU: the unmap invalidates nothing, the vIOMMU's VMID being the only one in use. */
    VIOMMU_VMIDS_NOT_INVALIDATED("S2INV-2", Policy.VIOMMU, ViommuVmidsNotInvalidated::new, 9, "commands"),
    /**
     * open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), attach, detach: no flush (a close would hide it:
     * the release flushes). The search of the default seed (and of seed 4 of 1..4, with or without
     * references drawn by birth) shrinks to 7 instead, a second symptom of the same bug: with two nest
     * parents, the device attached to the second, close flushes the second's VMID at unbind in the
     * model, so the two TLBI_S12_VMALLs come out in the other order. From there the 6-step case needs
     * an allocation deleted and the close turned into a detach at once, which no shrink pass does.
     */
    NO_LAST_USER_FLUSH("S2INV-3", Policy.S2_PARENT, NoLastUserFlush::new, 6, 7, "commands"),
    /**
     * open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, vdevice_alloc, hwpt_alloc(translate
     * vSTE with EATS 1), attach, ioas_map, ioas_unmap: ATS needs a translate vSTE, which needs the VDEVICE.
     */
    ATC_INV_BEFORE_SYNC("S2INV-2", Policy.S2_PARENT, AtcInvBeforeSync::new, 10, "commands"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), attach, ioas_map(4 pages), ioas_unmap. */
    MAX_TLBI_PAGES_OFF_BY_ONE("S2INV-2", Policy.S2_PARENT, MaxTlbiPagesOffByOne::new, 7, "commands"),
    /** As above: the big area's TLBI_S12_VMALL is followed by a TLBI_NH_ALL batch. */
    NH_ALL_AFTER_S12_VMALL("S2INV-2", Policy.S2_PARENT, NhAllAfterS12Vmall::new, 7, "commands"),
    /** open, ioas_alloc, ioas_map(2 pages), ioas_unmap(1 of them): ENOENT expected. */
    UNMAP_CUTS_AREA_WITHOUT_FAILING("MAP-2", Policy.S2_PARENT, UnmapCutsAreaWithoutFailing::new, 4, "outcome"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), viommu_alloc, vdevice_alloc, hwpt_alloc(translate, EATS 1), attach, detach. */
    ATS_DISABLED_WITHOUT_ATC_INV("S2INV-4", Policy.S2_PARENT, AtsDisabledWithoutAtcInv::new, 9, "commands"),
    /** open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), attach, detach (the last-user flush), destroy(parent): no release flush. */
    RELEASE_FLUSH_SKIPPED_AFTER_LAST_USER_FLUSH("VMID-5", Policy.S2_PARENT, ReleaseFlushSkippedAfterLastUserFlush::new, 7,
            "commands"),
    /** open, bind, ioas_alloc, hwpt_alloc(FAULT_ID): ENOENT expected. */
    FAULT_ID_EOPNOTSUPP("HWPT-2", Policy.S2_PARENT, FaultIdEopnotsupp::new, 4, "outcome"),
    /** open, ioas_alloc, ioas_map, ioas_map of a run that starts below the first area and reaches into it: EEXIST expected. */
    OVERLAPPING_MAP_ACCEPTED("MAP-1", Policy.S2_PARENT, OverlappingMapAccepted::new, 4, "outcome");

    final String rule;
    final Policy policy;
    final Function<Platform, NestingImplementation> factory;
    final int knownMinimalLength;
    /** What the default search shrinks to: the known minimum, except where the Javadoc says why not. */
    final int shrunkLength;
    /** A fragment the findings must contain: the area of the broken rule as the harness words it. */
    final String findingsMention;

    Mutant(String rule, Policy policy, Function<Platform, NestingImplementation> factory, int knownMinimalLength,
           String findingsMention) {
        this(rule, policy, factory, knownMinimalLength, knownMinimalLength, findingsMention);
    }

    /** For a mutant whose search ends in a longer local minimum than the known one (see its Javadoc). */
    Mutant(String rule, Policy policy, Function<Platform, NestingImplementation> factory, int knownMinimalLength,
           int shrunkLength, String findingsMention) {
        this.rule = rule;
        this.policy = policy;
        this.factory = factory;
        this.knownMinimalLength = knownMinimalLength;
        this.shrunkLength = shrunkLength;
        this.findingsMention = findingsMention;
    }

    NestingImplementation create(Platform platform) {
        return factory.apply(platform);
    }
}
