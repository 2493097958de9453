package dev.nestcheck.spec;

/** PLAT-4: who owns the stage-2 VMID of a nested VM; one policy per run (RULES.md VMID-4). */
public enum Policy {
    /** Mainline: the nest parent (S2 domain) owns a VMID, shared by every vIOMMU on it. */
    S2_PARENT,
    /** The nest parent owns one for direct S2 attachments, and each vIOMMU owns its own. */
    VIOMMU,
    /** One VMID per (iommufd context, SMMU) pair. */
    ICTX,
    /** The context's KVM VM's VMID, pinned, so the SMMU can follow broadcast TLB maintenance. */
    KVM_PINNED
}
