package dev.nestcheck.conformance;

import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws small scaled-down platforms (issue: 1-2 SMMUs, 2-4 devices, vmidBits 1-3, KVM with
 * 2-3 bits and 1-2 CPUs) so that exhaustion, VMID reuse, rollover and pin exhaustion are
 * reached within a few steps. Every draw shrinks towards the simplest platform: one
 * nesting SMMU with s2fwb, two devices, 1 CPU.
 */
public final class PlatformGenerator {
    private PlatformGenerator() {
    }

    public static Platform draw(TestCase tc, Policy policy) {
        int cpus = 1 + tc.between(0, 1);
        int kvmBits = 2 + tc.between(0, 1);
        if ((1 << kvmBits) - 1 <= cpus) kvmBits = 3; // PLAT-3
        int smmuCount = 1 + tc.between(0, 1);
        List<SmmuSpec> smmus = new ArrayList<>();
        for (int i = 0; i < smmuCount; i++) {
            // KVM_PINNED needs vmidBits >= kvmVmidBits (VMID-7): keep that the common case there
            int bits = policy == Policy.KVM_PINNED && !tc.weighted(0.1)
                    ? kvmBits + tc.between(0, 3 - kvmBits)
                    : 2 - tc.between(0, 1) + tc.between(0, 1); // 1..3, 2 first
            boolean nesting = !tc.weighted(0.1);
            boolean s2fwb = !tc.weighted(0.3);
            boolean btm = tc.weighted(0.5);
            smmus.add(new SmmuSpec(i, bits, nesting, s2fwb, btm));
        }
        int deviceCount = 2 + tc.between(0, 2);
        List<DeviceSpec> devices = new ArrayList<>();
        for (int d = 0; d < deviceCount; d++) {
            int smmu = tc.between(0, smmuCount - 1);
            boolean canwbs = !tc.weighted(0.3);
            devices.add(new DeviceSpec(d, smmu, 0x10L * (d + 1), canwbs));
        }
        return new Platform(policy, smmus, devices, new KvmSpec(cpus, kvmBits));
    }
}
