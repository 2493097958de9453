package dev.nestcheck.trace;

import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Named platform presets (PLAT-5: a run names its platform), for {@code --platform NAME}.
 * <ul>
 * <li>{@code small}: scaled down so that VMID exhaustion, reuse and KVM rollover happen in a
 *     few steps. smmu0: 2-bit VMIDs (3 usable), s2fwb, btm; smmu1: 3-bit VMIDs (7), no
 *     s2fwb, btm; both nesting. dev0 (smmu0, sid 16, canwbs), dev1 (smmu0, sid 17), dev2
 *     (smmu1, sid 32, canwbs), dev3 (smmu1, sid 33: no vIOMMU possible, neither canwbs nor
 *     s2fwb). KVM: 2 CPUs, 3-bit VMIDs (so KVM_PINNED works on smmu1 only).</li>
 * <li>{@code linux-8bit}: one SMMU with 8-bit VMIDs, nesting, s2fwb, btm; 8 canwbs devices
 *     (sids 0x100..0x107); KVM 4 CPUs, 8 bits.</li>
 * <li>{@code linux-16bit}: two SMMUs with 16-bit VMIDs, nesting, s2fwb, btm; 64 canwbs
 *     devices, 32 per SMMU (sids 0x1000.. on each); KVM 8 CPUs, 16 bits.</li>
 * </ul>
 */
public final class Platforms {
    private static final List<String> NAMES = List.of("small", "linux-8bit", "linux-16bit");

    private Platforms() {
    }

    public static List<String> names() {
        return NAMES;
    }

    /**
     * The preset of that name under the policy.
     *
     * @throws IllegalArgumentException for an unknown name, with a one-line message listing
     *         the valid names
     */
    public static Platform named(String name, Policy policy) {
        if (name == null) name = "";
        switch (name) {
            case "small":
                return new Platform(policy,
                        List.of(new SmmuSpec(0, 2, true, true, true), new SmmuSpec(1, 3, true, false, true)),
                        List.of(new DeviceSpec(0, 0, 16, true), new DeviceSpec(1, 0, 17, false),
                                new DeviceSpec(2, 1, 32, true), new DeviceSpec(3, 1, 33, false)),
                        new KvmSpec(2, 3));
            case "linux-8bit":
                return new Platform(policy, List.of(new SmmuSpec(0, 8, true, true, true)),
                        devices(8, 1, 0x100), new KvmSpec(4, 8));
            case "linux-16bit":
                return new Platform(policy,
                        List.of(new SmmuSpec(0, 16, true, true, true), new SmmuSpec(1, 16, true, true, true)),
                        devices(64, 2, 0x1000), new KvmSpec(8, 16));
            default:
                throw new IllegalArgumentException("unknown platform \"" + name + "\"; valid names: "
                        + String.join(", ", NAMES));
        }
    }

    /** {@code count} canwbs devices, spread evenly over the SMMUs in blocks, sids from {@code sid0}. */
    private static List<DeviceSpec> devices(int count, int smmus, int sid0) {
        List<DeviceSpec> out = new ArrayList<>(count);
        int per = count / smmus;
        for (int i = 0; i < count; i++) out.add(new DeviceSpec(i, i / per, sid0 + i % per, true));
        return out;
    }
}
