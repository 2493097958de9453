package dev.nestcheck.spec;

/**
 * The one interface an implementation implements: it is created for a platform, executes
 * operations one at a time and exposes its observable state (OBS-1, OBS-2). nestcheck
 * compares it with the reference model step by step (OBS-3).
 *
 * <p>Conventions the catalogue leaves open, fixed here so that outcomes compare exactly:
 * <ul>
 * <li>Issued commands are exactly those the rules require: {@code TLBI_S12_VMALL(vmid)} then
 *     {@code CMD_SYNC} to the VMID's SMMU whenever a VMID is released (VMID-5), and the
 *     converted guest commands in batches (INV-3). Use {@link Cmd#tlbiS12Vmall} and
 *     {@link Cmd#sync}. Nothing is issued at attach or detach.</li>
 * <li>CLOSE (OBJ-7) proceeds like Linux's release of /dev/iommu: first every bound device
 *     is unbound, in increasing DEVICE object ID order, each exactly as UNBIND; then, in
 *     passes, every object that nothing references is destroyed in increasing ID order,
 *     until none is left; then the KVM binding ends. Commands come out in that order.</li>
 * <li>KVM generations start at 1 and each rollover adds 1; a VM that never had a VMID
 *     shows generation 0, index 0.</li>
 * <li>A nested STE's S1ContextPtr is the stored vSTE word0 masked with bits 51:6
 *     ({@link #S1_CONTEXT_PTR_MASK}); ATS follows NEST-2.5.</li>
 * <li>Snapshot fields that a kind of object does not have are 0, false, or -1 as
 *     documented on {@link Snapshot.Obj}.</li>
 * </ul>
 */
public interface NestingImplementation {
    /** STE word0 bits 51:6: the S1ContextPtr field. */
    long S1_CONTEXT_PTR_MASK = 0x000F_FFFF_FFFF_FFC0L;

    /** Executes one operation; never throws for a well-formed operation (errors are errnos). */
    Outcome execute(Op op);

    /** The observable state now (OBS-2). */
    Snapshot snapshot();
}
