package dev.nestcheck.model;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nestcheck.spec.Errno.EBUSY;
import static org.assertj.core.api.Assertions.assertThat;

/** The full example of TRACE.md, step by step with its expectations. */
class TraceExampleTest {
    @Test
    void traceMdExampleHoldsOnTheModel() {
        Platform p = new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 8, true, true, false)),
                List.of(new DeviceSpec(0, 0, 16, true)), new KvmSpec(2, 8));
        Bench b = new Bench(p);
        assertThat(b.ok(new Op.Open())).isEqualTo(1);
        assertThat(b.ok(new Op.Bind(1, 0))).isEqualTo(1);
        assertThat(b.ok(new Op.IoasAlloc(1))).isEqualTo(2);
        assertThat(b.ok(new Op.HwptAlloc(1, 1, 2, 1, DataType.NONE, null))).isEqualTo(3);
        assertThat(b.ok(new Op.ViommuAlloc(1, 1, 3, "ARM_SMMUV3"))).isEqualTo(4);
        assertThat(b.ok(new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(0x000000000000000bL, 0x0L)))).isEqualTo(5);
        b.fails(new Op.Destroy(1, 3), EBUSY, "OBJ-3");
        b.ok(new Op.Invalidate(1, 4, DataType.ARM_SMMUV3, List.of(new Cmd(0x0000ffff00000011L, 0x0L))));
        assertThat(b.last.entryNum()).isEqualTo(1);
        assertThat(b.last.issued().get(0).cmd()).isEqualTo(new Cmd(0x0000000100000011L, 0));
        b.ok(new Op.Close(1));
        assertThat(b.issuedNames()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC");
    }
}
