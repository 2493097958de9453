package dev.nestcheck.impl;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.nestcheck.impl.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** ATT and STE. */
class AttachTest {
    Fixture f;
    int dev0, dev1, dev2, ioas, s1, p0, p2, v0;

    @BeforeEach
    void setUp() {
        f = new Fixture(platform(Policy.S2_PARENT));
        f.ok(open());
        dev0 = f.id(bind(1, 0));
        dev1 = f.id(bind(1, 1));
        dev2 = f.id(bind(1, 2));
        ioas = f.id(ioas(1));
        s1 = f.id(s1(1, dev0, ioas));
        p0 = f.id(parent(1, dev0, ioas));
        p2 = f.id(parent(1, dev2, ioas));
        v0 = f.id(viommu(1, dev0, p0));
    }

    private int vmid(int smmu) {
        return f.snap().smmus().get(smmu).vmids().keySet().iterator().next();
    }

    @Test
    void att1_errnos() {
        assertThat(f.err(attach(1, 99, s1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(attach(1, ioas, s1))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(attach(1, dev0, 99))).isEqualTo(Errno.ENOENT);
        assertThat(f.err(attach(1, dev0, ioas))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(attach(1, dev0, v0))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(attach(1, dev0, dev1))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void att2_ste2_ste3_pagingDomains() {
        assertThat(f.err(attach(1, dev2, s1))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(attach(1, dev0, p2))).isEqualTo(Errno.EINVAL);
        f.ok(attach(1, dev0, s1));
        assertThat(f.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S1, 0, 0, false));
        assertThat(f.snap().smmus().get(0).tlb()).isEmpty();
        f.ok(attach(1, dev0, p0));
        assertThat(f.last.issued()).isEmpty(); // nothing is issued at attach
        int v = vmid(0);
        assertThat(f.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S2, v, 0, false));
        assertThat(f.snap().smmus().get(0).tlb()).containsExactly(v); // TLB-1
        assertThat(f.snap().devices().get(0).attached()).isEqualTo(p0);
        f.ok(destroy(1, s1)); // replaced: no longer referenced
    }

    @Test
    void att3_ste4_nestedDomains() {
        int abort = f.id(nested(1, dev0, v0, VSTE_ABORT, 0));
        int invalid = f.id(nested(1, dev0, v0, 0, 0));
        int bypass = f.id(nested(1, dev0, v0, VSTE_BYPASS, 0));
        int trans = f.id(nested(1, dev0, v0, VSTE_TRANSLATE | (0x7L << 59), 1L << 28));
        int v2 = f.id(viommu(1, dev2, p2));
        int n2 = f.id(nested(1, dev2, v2, VSTE_BYPASS, 0));
        assertThat(f.err(attach(1, dev0, n2))).isEqualTo(Errno.EINVAL);
        assertThat(f.err(attach(1, dev0, trans))).isEqualTo(Errno.ENOENT); // no VDEVICE
        int other = f.id(viommu(1, dev1, p0));
        int vd = f.id(vdev(1, other, dev0, 3));
        assertThat(f.err(attach(1, dev0, trans))).isEqualTo(Errno.ENOENT); // VDEVICE in another vIOMMU
        f.ok(destroy(1, vd));
        f.ok(attach(1, dev0, abort));
        assertThat(f.ste(0)).isEqualTo(Snapshot.Ste.ABORT);
        f.ok(attach(1, dev0, invalid));
        assertThat(f.ste(0)).isEqualTo(Snapshot.Ste.ABORT);
        assertThat(f.snap().smmus().get(0).tlb()).isEmpty();
        f.ok(attach(1, dev0, bypass));
        int v = vmid(0);
        assertThat(f.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.S2, v, 0, false));
        f.id(vdev(1, v0, dev0, 3));
        f.ok(attach(1, dev0, trans));
        assertThat(f.ste(0)).isEqualTo(new Snapshot.Ste(SteKind.NESTED, v,
                VSTE_TRANSLATE & NestingImplementation.S1_CONTEXT_PTR_MASK, true));
        assertThat(f.snap().devices().get(0).attached()).isEqualTo(trans);
    }

    @Test
    void att4_att5_sameHwptAndFailedReplace() {
        int trans = f.id(nested(1, dev0, v0, VSTE_TRANSLATE, 0));
        int vd = f.id(vdev(1, v0, dev0, 3));
        f.ok(attach(1, dev0, trans));
        Snapshot before = f.snap();
        f.ok(destroy(1, vd));
        f.ok(attach(1, dev0, trans)); // ATT-4: succeeds, even without the VDEVICE now
        assertThat(f.snap().devices()).isEqualTo(before.devices());
        assertThat(f.err(attach(1, dev0, p2))).isEqualTo(Errno.EINVAL); // ATT-5
        assertThat(f.snap().devices()).isEqualTo(before.devices());
        assertThat(f.err(destroy(1, trans))).isEqualTo(Errno.EBUSY);
    }

    @Test
    void att6_detach() {
        f.ok(detach(1, dev0)); // not attached: fine
        assertThat(f.err(detach(1, 99))).isEqualTo(Errno.ENOENT);
        f.ok(attach(1, dev0, p0));
        int v = f.ste(0).vmid();
        f.ok(detach(1, dev0));
        // S2INV-3: the parent's VMID lost its last user, so it is flushed now
        assertThat(f.last.issued()).containsExactly(new Issued(0, Cmd.tlbiS12Vmall(v)), new Issued(0, Cmd.sync()));
        assertThat(f.snap().devices().get(0)).isEqualTo(new Snapshot.Device(1, dev0, 0, Snapshot.Ste.ABORT));
        assertThat(f.snap().smmus().get(0).tlb()).isEmpty();
        f.ok(destroy(1, v0));
        f.ok(destroy(1, p0));
        assertThat(f.last.issued()).as("an earlier last-user flush does not replace the release flush (VMID-5)")
                .containsExactly(new Issued(0, Cmd.tlbiS12Vmall(v)), new Issued(0, Cmd.sync()));
    }
}
