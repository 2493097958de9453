package dev.nestcheck.conformance;

import dev.nestcheck.spec.Snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * VMID-2 / OBS-3: the one consistent renaming of SMMU VMIDs, per SMMU, between an
 * implementation and the model. A pair (impl value, model value) is bound the first time
 * the two sides are seen to use them for the same thing (the same owner, the same STE, the
 * same command) and stays bound while either value is live; once both sides have released
 * the value (no owner, not in the TLB set) the pair is forgotten, so the value may pair
 * differently when reused. A renaming that would map one value to two is a divergence:
 * that is how a difference in sharing structure shows.
 */
final class VmidRenaming {
    private final Map<Integer, Integer>[] implToModel;
    private final Map<Integer, Integer>[] modelToImpl;

    @SuppressWarnings("unchecked")
    VmidRenaming(int smmus) {
        implToModel = new Map[smmus];
        modelToImpl = new Map[smmus];
        for (int i = 0; i < smmus; i++) {
            implToModel[i] = new HashMap<>();
            modelToImpl[i] = new HashMap<>();
        }
    }

    /**
     * Binds impl value {@code impl} to model value {@code model} on an SMMU, or returns a
     * one-line reason why that contradicts the renaming so far (null when consistent).
     */
    String bind(int smmu, int impl, int model, Supplier<String> where) {
        if (impl == 0 || model == 0)
            return impl == model ? null
                    : where.get() + ": impl VMID " + impl + " where the model has VMID " + model + " (VMID 0 is never renamed)";
        Integer m = implToModel[smmu].get(impl);
        Integer i = modelToImpl[smmu].get(model);
        if (m == null && i == null) {
            implToModel[smmu].put(impl, model);
            modelToImpl[smmu].put(model, impl);
            return null;
        }
        if (m != null && m == model) return null;
        if (m != null)
            return where.get() + ": impl VMID " + impl + " stands for model VMID " + m + " elsewhere but for model VMID "
                    + model + " here (smmu" + smmu + ")";
        return where.get() + ": model VMID " + model + " is impl VMID " + i + " elsewhere but impl VMID " + impl
                + " here (smmu" + smmu + ")";
    }

    /** The model value an impl value stands for, or null when unbound. */
    Integer modelOf(int smmu, int impl) {
        return impl == 0 ? Integer.valueOf(0) : implToModel[smmu].get(impl);
    }

    /** The impl value a model value stands for, or null when unbound. */
    Integer implOf(int smmu, int model) {
        return model == 0 ? Integer.valueOf(0) : modelToImpl[smmu].get(model);
    }

    /**
     * Whether an impl value is bound to exactly this model value (0 to 0 always): a check that binds
     * nothing, for comparisons that only confirm what the renaming already says.
     */
    boolean bound(int smmu, int impl, int model) {
        if (impl == 0 || model == 0) return impl == model;
        Integer m = implToModel[smmu].get(impl);
        return m != null && m == model;
    }

    /** Forgets pairs whose values are live (an owner or in the TLB set) on neither side any more. */
    void retain(int smmu, Snapshot.Smmu impl, Snapshot.Smmu model) {
        implToModel[smmu].entrySet().removeIf(e -> {
            boolean dead = !live(impl, e.getKey()) && !live(model, e.getValue());
            if (dead) modelToImpl[smmu].remove(e.getValue());
            return dead;
        });
    }

    private static boolean live(Snapshot.Smmu smmu, Integer vmid) {
        return smmu.vmids().containsKey(vmid) || smmu.tlb().contains(vmid);
    }
}
