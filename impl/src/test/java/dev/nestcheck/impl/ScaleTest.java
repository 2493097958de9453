package dev.nestcheck.impl;

import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The structures at full size: 2^16 VMIDs, thousands of devices, several threads. */
class ScaleTest {

    private static Platform big(Policy policy, int smmuCount, int devicesPerSmmu) {
        List<SmmuSpec> smmus = new ArrayList<>();
        List<DeviceSpec> devs = new ArrayList<>();
        for (int s = 0; s < smmuCount; s++) {
            smmus.add(new SmmuSpec(s, 16, true, true, true));
            for (int d = 0; d < devicesPerSmmu; d++) devs.add(new DeviceSpec(devs.size(), s, d, true));
        }
        return new Platform(policy, smmus, devs, new KvmSpec(4, 16));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void exhaustsAndRefillsSixteenBitPool() {
        Fixture f = new Fixture(big(Policy.S2_PARENT, 1, 1));
        f.ok(open());
        int dev = f.id(bind(1, 0));
        int ioas = f.id(ioas(1));
        int[] parents = new int[65535];
        for (int i = 0; i < parents.length; i++) parents[i] = f.id(parent(1, dev, ioas));
        assertThat(f.err(parent(1, dev, ioas))).isEqualTo(Errno.ENOSPC);
        Snapshot.Smmu smmu = f.snap().smmus().get(0);
        assertThat(smmu.vmids()).hasSize(65535);
        assertThat(smmu.vmids().keySet()).contains(1, 63, 64, 65, 65535).doesNotContain(0);
        for (int i = 0; i < parents.length; i += 2) f.ok(destroy(1, parents[i]));
        for (int i = 0; i < parents.length; i += 2) parents[i] = f.id(parent(1, dev, ioas));
        assertThat(f.err(parent(1, dev, ioas))).isEqualTo(Errno.ENOSPC);
        f.ok(close(1));
        assertThat(f.last.issued()).hasSize(2 * 65535);
        assertThat(f.snap().smmus().get(0).vmids()).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void thousandsOfDevicesEachInItsOwnContext() {
        int smmus = 4, per = 1024;
        Fixture f = new Fixture(big(Policy.ICTX, smmus, per));
        for (int d = 0; d < smmus * per; d++) {
            int ctx = (int) f.ok(open());
            f.nestedSetup(ctx, d, d);
            f.snap(); // as the harness does after every step
        }
        Snapshot s = f.snap();
        for (int m = 0; m < smmus; m++) assertThat(s.smmus().get(m).vmids()).hasSize(per);
        Set<String> seen = new HashSet<>();
        for (int d = 0; d < s.devices().size(); d++) {
            Snapshot.Ste ste = s.devices().get(d).ste();
            assertThat(ste.kind()).isEqualTo(SteKind.NESTED);
            assertThat(seen.add(d / per + ":" + ste.vmid())).isTrue(); // G-2
        }
        for (int ctx = 1; ctx <= smmus * per; ctx++) f.ok(close(ctx));
        assertThat(f.snap().smmus()).allMatch(m -> m.vmids().isEmpty() && m.tlb().isEmpty());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentCallersSeeConsistentState() throws Exception {
        int threads = 4, per = 256;
        OptimizedNesting impl = new OptimizedNesting(big(Policy.VIOMMU, 1, threads * per));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * per;
            done.add(pool.submit(() -> {
                for (int i = 0; i < per; i++) {
                    int ctx = (int) impl.execute(open()).value();
                    int dev = (int) impl.execute(bind(ctx, base + i)).value();
                    int ioas = (int) impl.execute(ioas(ctx)).value();
                    int p = (int) impl.execute(parent(ctx, dev, ioas)).value();
                    int v = (int) impl.execute(viommu(ctx, dev, p)).value();
                    assertThat(impl.execute(vdev(ctx, v, dev, 1)).isOk()).isTrue();
                    int n = (int) impl.execute(nested(ctx, dev, v, VSTE_TRANSLATE, 0)).value();
                    assertThat(impl.execute(attach(ctx, dev, n)).isOk()).isTrue();
                    impl.snapshot();
                    if (i % 2 == 0) assertThat(impl.execute(close(ctx)).isOk()).isTrue();
                }
                return null;
            }));
        }
        for (Future<?> x : done) x.get();
        pool.shutdown();
        Snapshot s = impl.snapshot();
        assertThat(s.contexts()).hasSize(threads * per / 2);
        assertThat(s.smmus().get(0).vmids()).hasSize(threads * per); // a parent and a vIOMMU per open context
        Set<Integer> vmids = new HashSet<>();
        for (Snapshot.Device d : s.devices())
            if (d.ctx() != 0) assertThat(vmids.add(d.ste().vmid())).isTrue();
        assertThat(vmids).hasSize(threads * per / 2);
    }
}
