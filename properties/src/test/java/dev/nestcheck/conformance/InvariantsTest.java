package dev.nestcheck.conformance;

import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLB-4's shadow TLB and ATCs with G-9 and G-10, on the model's own steps with their commands edited:
 * the model's commands keep every invariant, and dropping or moving one of them is caught.
 */
class InvariantsTest {
    private static final Platform PLATFORM = new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 3, true, true, false, false, 4)),
            List.of(new DeviceSpec(0, 0, 0x10, true), new DeviceSpec(1, 0, 0x20, true)), new KvmSpec(1, 2));

    private final ReferenceModel model = new ReferenceModel(PLATFORM);
    private final Invariants invariants = new Invariants(PLATFORM, model.snapshot());

    /** Runs an op on the model and the invariants with the model's commands, edited; the violations. */
    private List<String> step(Op op, java.util.function.UnaryOperator<List<Issued>> edit) {
        Outcome out = model.execute(op);
        return invariants.afterStep(op, edit.apply(new ArrayList<>(out.issued())), model.snapshot());
    }

    private List<String> step(Op op) {
        return step(op, l -> l);
    }

    /** ctx 1, DEVICE 1 (device 0, ATS through a nested translate STE), IOAS 2, parent 3, vIOMMU 4, VDEVICE 5, HWPT 6, pages 0..5 mapped. */
    private void setUp() {
        for (Op op : List.of(new Op.Open(), new Op.Bind(1, 0), new Op.IoasAlloc(1),
                new Op.HwptAlloc(1, 1, 2, HwptFlags.NEST_PARENT, DataType.NONE, null), new Op.ViommuAlloc(1, 1, 3, "ARM_SMMUV3"),
                new Op.VdeviceAlloc(1, 4, 1, 0), new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(0xbL, 1L << 28)),
                new Op.Attach(1, 1, 6), new Op.IoasMap(1, 2, 0, 6)))
            assertThat(step(op)).as(op.toString()).isEmpty();
    }

    @Test
    void theModelsCommandsKeepG9() {
        setUp();
        assertThat(invariants.describeTlb4()).contains("vmid1 nested {0..5}").contains("device 0 ATC {0..5}");
        assertThat(step(new Op.IoasUnmap(1, 2, 0, 6))).isEmpty();
        assertThat(invariants.tlb4Exercised()).isTrue();
        assertThat(invariants.describeTlb4()).doesNotContain("ATC").doesNotContain("{0..5}");
    }

    @Test
    void anUnmapWithoutTlbisLeavesStaleTranslations() {
        setUp();
        List<String> v = step(new Op.IoasUnmap(1, 2, 0, 6), l -> {
            l.removeIf(i -> i.cmd().opcode() == Cmd.TLBI_S2_IPA || i.cmd().opcode() == Cmd.TLBI_S12_VMALL);
            return l;
        });
        assertThat(v).anySatisfy(line -> assertThat(line).startsWith("G-9: smmu0 VMID 1").contains("0..5"));
    }

    @Test
    void anUnmapWithoutAtcInvLeavesTheDevicesAtcStale() {
        setUp();
        List<String> v = step(new Op.IoasUnmap(1, 2, 0, 6), l -> {
            l.removeIf(i -> i.cmd().opcode() == Cmd.ATC_INV);
            return l;
        });
        assertThat(v).singleElement().asString().startsWith("G-9: device 0 ATC may still translate pages {0..5}");
    }

    @Test
    void anAtcInvBeforeTheSyncOfTheTlbisBreaksG10() {
        setUp();
        List<String> v = step(new Op.IoasUnmap(1, 2, 0, 6), l -> {
            List<Issued> atc = new ArrayList<>();
            l.removeIf(i -> i.cmd().opcode() == Cmd.ATC_INV && atc.add(i));
            l.addAll(1, atc); // right after the first TLBI, before its CMD_SYNC
            return l;
        });
        assertThat(v).anySatisfy(line -> assertThat(line).startsWith("G-10: smmu0"));
    }

    @Test
    void guestCommandsAreNotHeldToG10() {
        setUp();
        Op inv = new Op.Invalidate(1, 4, DataType.ARM_SMMUV3, List.of(new Cmd(Cmd.TLBI_NH_ALL, 0), new Cmd(Cmd.ATC_INV, 0)));
        assertThat(step(inv).stream().filter(l -> l.startsWith("G-10"))).isEmpty();
    }
}
