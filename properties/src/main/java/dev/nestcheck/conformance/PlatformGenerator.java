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
 * Draws platforms. Mostly small scaled-down ones (1-2 SMMUs, 2-4 devices, vmidBits 1-3,
 * maxTlbiPages 2-8 with or without rangeInv, KVM with 2-3 bits and 1-2 CPUs) so that
 * exhaustion, VMID reuse, big unmaps, rollover and pin exhaustion are reached within a few
 * steps. A share ({@link #WIDE}) are realistic: 8- or 16-bit VMID pools, dozens of devices,
 * the kernel's maxTlbiPages (512), long sequences ({@link #WIDE_MAX_STEPS}) that fill a pool
 * past 64 and 128 entries, where bugs in word-sized structures hide. Every draw shrinks
 * towards the simplest small platform: one nesting SMMU with s2fwb, two devices, 1 CPU.
 */
public final class PlatformGenerator {
    /** The share of cases on a realistic-width platform. */
    static final double WIDE = 0.01;
    /** Longest sequence on a realistic-width platform, before the closing steps. */
    static final int WIDE_MAX_STEPS = 1100;

    /** A drawn platform and whether it is one of the realistic-width ones. */
    public record Drawn(Platform platform, boolean wide) {
    }

    private PlatformGenerator() {
    }

    public static Platform draw(TestCase tc, Policy policy) {
        return drawWithWidth(tc, policy).platform();
    }

    /**
     * The realistic platform's draws sit in a span right after its flag, and the small platform is drawn
     * in every case: deleting that span and lowering the flag (one shrink step) turns a realistic case
     * into a small one that replays the same choices from there on.
     */
    public static Drawn drawWithWidth(TestCase tc, Policy policy) {
        return drawWithWidth(tc, policy, WIDE);
    }

    /** As {@link #drawWithWidth(TestCase, Policy)} with another share of realistic platforms (0: none, no draw). */
    public static Drawn drawWithWidth(TestCase tc, Policy policy, double wideShare) {
        boolean wide = tc.weighted(wideShare);
        Platform realistic = null;
        if (wide) {
            tc.startSpan();
            realistic = wide(tc, policy);
            tc.endSpan();
        }
        Platform small = small(tc, policy);
        return wide ? new Drawn(realistic, true) : new Drawn(small, false);
    }

    private static Platform small(TestCase tc, Policy policy) {
        int cpus = 1 + tc.between(0, 1);
        int kvmBits = 2 + tc.between(0, 1);
        if ((1 << kvmBits) - 1 <= cpus) kvmBits = 3; // PLAT-3
        // Each list is a span that opens with its length, and each element is a span inside it: the
        // shrinker deletes an element with the length lowered (the enclosing span's head) in one attempt.
        tc.startSpan();
        int smmuCount = 1 + tc.between(0, 1);
        List<SmmuSpec> smmus = new ArrayList<>();
        for (int i = 0; i < smmuCount; i++) {
            tc.startSpan();
            // KVM_PINNED needs vmidBits >= kvmVmidBits (VMID-7): keep that the common case there
            int bits = policy == Policy.KVM_PINNED && !tc.weighted(0.1)
                    ? kvmBits + tc.between(0, 3 - kvmBits)
                    : 2 - tc.between(0, 1) + tc.between(0, 1); // 1..3, 2 first
            boolean nesting = !tc.weighted(0.1);
            boolean s2fwb = !tc.weighted(0.3);
            boolean btm = tc.weighted(0.5);
            boolean rangeInv = tc.weighted(0.3);
            int maxTlbiPages = 4 + tc.between(-2, 4); // 2..8, 4 first (PLAT-1: scaled down like vmidBits)
            smmus.add(new SmmuSpec(i, bits, nesting, s2fwb, btm, rangeInv, maxTlbiPages));
            tc.endSpan();
        }
        tc.endSpan();
        tc.startSpan();
        int deviceCount = 2 + tc.between(0, 2);
        List<DeviceSpec> devices = new ArrayList<>();
        for (int d = 0; d < deviceCount; d++) {
            tc.startSpan();
            int smmu = tc.between(0, smmuCount - 1);
            boolean canwbs = !tc.weighted(0.3);
            devices.add(new DeviceSpec(d, smmu, streamId(tc, d), canwbs));
            tc.endSpan();
        }
        tc.endSpan();
        return new Platform(policy, smmus, devices, new KvmSpec(cpus, kvmBits));
    }

    /** Stream IDs: 0x10 per device first, sometimes the edges of the 32-bit field (PLAT-2). */
    private static long streamId(TestCase tc, int d) {
        if (!tc.weighted(0.1)) return 0x10L * (d + 1);
        return new long[] {0xFFFF_FFFFL - d, 0x8000_0000L + d, d}[tc.between(0, 2)];
    }

    /**
     * A realistic platform: 1-2 SMMUs with 8 or 16 VMID bits (the hardware widths), 24-48
     * devices, the kernel's MAX_TLBI_OPS or a smaller threshold, rangeInv both ways, 1-8 CPUs
     * with 8-bit KVM VMIDs.
     */
    private static Platform wide(TestCase tc, Policy policy) {
        int cpus = 1 + tc.between(0, 7);
        int smmuCount = 1 + tc.between(0, 1);
        List<SmmuSpec> smmus = new ArrayList<>();
        for (int i = 0; i < smmuCount; i++) {
            int bits = tc.bool() ? 16 : 8;
            int maxTlbiPages = tc.weighted(0.7) ? SmmuSpec.DEFAULT_MAX_TLBI_PAGES : 2 + tc.between(0, 62);
            smmus.add(new SmmuSpec(i, bits, true, !tc.weighted(0.2), tc.bool(), tc.weighted(0.3), maxTlbiPages));
        }
        int deviceCount = 24 + tc.between(0, 24);
        List<DeviceSpec> devices = new ArrayList<>();
        for (int d = 0; d < deviceCount; d++)
            devices.add(new DeviceSpec(d, tc.between(0, smmuCount - 1), 0x100L + 8L * d, !tc.weighted(0.2)));
        return new Platform(policy, smmus, devices, new KvmSpec(cpus, 8));
    }
}
