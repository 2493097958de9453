package dev.nestcheck.trace;

import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformsTest {

    @Test
    void names() {
        assertThat(Platforms.names()).containsExactly("small", "linux-8bit", "linux-16bit");
        for (String n : Platforms.names())
            for (Policy p : Policy.values()) assertThat(Platforms.named(n, p).policy()).isEqualTo(p);
    }

    @Test
    void small() {
        Platform p = Platforms.named("small", Policy.S2_PARENT);
        assertThat(p.smmus()).hasSize(2);
        assertThat(p.smmu(0).vmidBits()).isEqualTo(2);
        assertThat(p.smmu(1).vmidBits()).isEqualTo(3);
        assertThat(p.smmus()).allMatch(s -> s.nesting());
        assertThat(p.smmus().stream().filter(s -> s.s2fwb()).count()).isEqualTo(1);
        assertThat(p.devices()).hasSize(4);
        assertThat(p.devices().stream().map(DeviceSpec::smmu).distinct().count()).isEqualTo(2);
        assertThat(p.devices().stream().map(DeviceSpec::streamId).distinct().count()).isEqualTo(4);
        assertThat(p.devices().stream().filter(DeviceSpec::canwbs).count()).isBetween(1L, 3L);
        assertThat(p.kvm()).isEqualTo(new KvmSpec(2, 3));
    }

    @Test
    void linux() {
        Platform p8 = Platforms.named("linux-8bit", Policy.ICTX);
        assertThat(p8.smmus()).hasSize(1);
        assertThat(p8.smmu(0).vmidBits()).isEqualTo(8);
        assertThat(p8.devices()).hasSize(8);
        assertThat(p8.kvm()).isEqualTo(new KvmSpec(4, 8));
        Platform p16 = Platforms.named("linux-16bit", Policy.KVM_PINNED);
        assertThat(p16.smmus()).hasSize(2).allMatch(s -> s.vmidBits() == 16 && s.nesting());
        assertThat(p16.devices()).hasSize(64);
        assertThat(p16.devices().stream().filter(d -> d.smmu() == 1).count()).isEqualTo(32);
        assertThat(p16.kvm()).isEqualTo(new KvmSpec(8, 16));
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> Platforms.named("huge", Policy.VIOMMU))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown platform \"huge\"; valid names: small, linux-8bit, linux-16bit");
    }
}
