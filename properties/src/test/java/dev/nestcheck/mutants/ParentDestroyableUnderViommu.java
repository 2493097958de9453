package dev.nestcheck.mutants;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Platform;

import java.util.Map;
import java.util.TreeMap;

import static dev.nestcheck.spec.ObjectKind.VIOMMU;

/**
 * Breaks OBJ-2 (and so OBJ-3): a vIOMMU does not pin its parent HWPT_PAGING, so DESTROY of a nest
 * parent that a vIOMMU still uses succeeds instead of failing with EBUSY, leaving the vIOMMU with a
 * dangling parent (G-8).
 */
final class ParentDestroyableUnderViommu extends ReferenceModel {
    ParentDestroyableUnderViommu(Platform platform) {
        super(platform);
    }

    @Override
    protected boolean obj2_isReferenced(Ctx c, int id) {
        // the bug: references from vIOMMUs are not counted (they are hidden while the model counts)
        Map<Integer, Obj> viommus = new TreeMap<>();
        c.objects.forEach((oid, o) -> {
            if (o.kind() == VIOMMU && o.ref() == id) viommus.put(oid, o);
        });
        viommus.keySet().forEach(c.objects::remove);
        try {
            return super.obj2_isReferenced(c, id);
        } finally {
            c.objects.putAll(viommus);
        }
    }
}
