package dev.nestcheck.spec;

/**
 * The one interface an implementation implements: it is created for a platform, executes
 * operations one at a time and exposes its observable state (OBS-1, OBS-2, OBS-4). nestcheck
 * compares it with the reference model step by step (OBS-3).
 *
 * <p>Conventions the catalogue leaves open, fixed here so that outcomes compare exactly:
 * <ul>
 * <li>Issued commands are exactly those the rules require, with the encodings of {@link Cmd}:
 *     {@code TLBI_S12_VMALL(vmid)} then {@code CMD_SYNC} when a VMID is released (VMID-5);
 *     the converted guest commands in batches (INV-3); and since rules v2 the stage-2
 *     invalidations of an unmap (S2INV-2) and the flushes of attach, replace, detach, unbind
 *     and close (S2INV-3 last-user flush, S2INV-4 ATC_INV): v1's convention "nothing is issued
 *     at attach or detach" is gone. Commands are compared per SMMU batch by batch, a batch
 *     ending at a CMD_SYNC, the order inside a batch free (OBS-3). {@link Issued#rule()} may
 *     stay null.</li>
 * <li>CLOSE (OBJ-7, S2INV-5) proceeds like Linux's release of /dev/iommu: first every bound
 *     device is unbound, in increasing DEVICE object ID order, each exactly as UNBIND (with its
 *     S2INV-3/4 commands); then, in passes, every object that nothing references is destroyed
 *     in increasing ID order, until none is left; then the KVM binding ends. Commands come out
 *     in that order. A VMID whose last-user flush (S2INV-3) the same operation already issued
 *     is released without a second flush (VMID-5).</li>
 * <li>KVM generations start at 1 and each rollover adds 1; a VM that never had a VMID
 *     shows generation 0, index 0.</li>
 * <li>A nested STE's S1ContextPtr is the stored vSTE word0 masked with bits 51:6
 *     ({@link #S1_CONTEXT_PTR_MASK}); ATS follows NEST-2.5.</li>
 * <li>Snapshot fields that a kind of object does not have are 0, false, -1 or empty as
 *     documented on {@link Snapshot.Obj}; an IOAS lists its areas (OBS-4).</li>
 * <li>Operations added in rules v2 ({@link Op.IoasMap}, {@link Op.IoasUnmap}) reach a
 *     {@link Op.Visitor} through default methods that throw: override them.</li>
 * </ul>
 */
public interface NestingImplementation {
    /** STE word0 bits 51:6: the S1ContextPtr field. */
    long S1_CONTEXT_PTR_MASK = 0x000F_FFFF_FFFF_FFC0L;

    /** Executes one operation; never throws for a well-formed operation (errors are errnos). */
    Outcome execute(Op op);

    /** The observable state now (OBS-2). */
    Snapshot snapshot();

    /**
     * Optional, for exhaustive exploration ({@code nestcheck explore}): a value (with {@code equals} and
     * {@code hashCode}) that is equal for two states only if every later operation gives the same
     * outcome and snapshot from either: the snapshot is not enough, because hidden state shapes the
     * future (the next object ID, a KVM allocator's cursor, generation and per-CPU reservations).
     * Exploration then skips a sequence that reaches a state already explored. Return null (the
     * default) and nothing is pruned: slower, never wrong. A deterministic implementation that keeps
     * its whole state in Java fields may return {@link StateFingerprint#of StateFingerprint.of(this)}.
     */
    default Object stateFingerprint() {
        return null;
    }
}
