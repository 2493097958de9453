package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;

import java.util.Map;
import java.util.TreeMap;

import static dev.nestcheck.spec.ObjectKind.VDEVICE;

/**
 * Breaks VDEV-1: a virtual ID already used in the vIOMMU (by another device's VDEVICE) is accepted
 * instead of failing with EEXIST, so one vIOMMU has two VDEVICEs with the same virtual ID. The other
 * VDEV-1 checks (a device has at most one VDEVICE) stay.
 */
final class DuplicateVirtIdAccepted extends ReferenceModel {
    DuplicateVirtIdAccepted(Platform platform) {
        super(platform);
    }

    @Override
    public Outcome vdeviceAlloc(Op.VdeviceAlloc op) {
        Ctx c;
        try {
            c = obj1_context(op.ctx());
        } catch (RuntimeException unknownContext) {
            return super.vdeviceAlloc(op);
        }
        // the bug: the model's virtId check does not see the other devices' VDEVICEs with this virtId.
        // Each is stood in for by the vIOMMU object while the model checks, so its ID stays taken.
        Map<Integer, Obj> sameVirtId = new TreeMap<>();
        c.objects.forEach((id, o) -> {
            if (o.kind() == VDEVICE && o.ref() == op.viommu() && o.virtId() == op.virtId() && o.device() != op.dev())
                sameVirtId.put(id, o);
        });
        Obj standIn = c.objects.get(op.viommu());
        sameVirtId.keySet().forEach(id -> c.objects.put(id, standIn));
        try {
            return super.vdeviceAlloc(op);
        } finally {
            c.objects.putAll(sameVirtId);
        }
    }
}
