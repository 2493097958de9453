package dev.nestcheck.component;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.ExecProvider;
import dev.nestcheck.process.JavaChild;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three components: the model's own component, served by a child JVM, conforms; a broken one,
 * in process, is caught at the one operation that shows its bug.
 */
class ComponentsTest {
    private static final Settings SETTINGS = Settings.defaults().withSeed(20261124).withTries(150);

    @ParameterizedTest
    @EnumSource(Component.class)
    void theModelsComponentConformsThroughTheProtocol(Component c) {
        ExecProvider p = ExecProvider.of(JavaChild.exec("--component", c.id()));
        assertThat(ComponentConformance.declared(p)).containsExactly(c);
        ComponentConformance.Result r = ComponentConformance.check(ComponentProperty.exec(p), c, SETTINGS, true);
        assertThat(r.passed()).as(r.run().message()).isTrue();
        assertThat(r.steps()).isGreaterThan(1000);
    }

    /** An in-process target: the oracle with its answers bent. */
    static ComponentProperty.Target bent(UnaryOperator<ComponentAnswer> bend) {
        return new ComponentProperty.Target() {
            public ComponentImplementation open(Component c, Platform p) {
                ComponentImplementation o = Oracles.of(c, p);
                return (op, snap) -> bend.apply(o.execute(op, snap));
            }

            public String name() {
                return "bent";
            }
        };
    }

    /** PROTOCOL.md: in a vste answer's STE, as in a snapshot's, fields at their default may be left out. */
    @Test
    void aVsteAnswerMayLeaveOutDefaultFields() {
        ComponentAnswer a = ComponentAnswer.read(Component.VSTE, "{\"ok\": true, \"vste\": [\"0x0\", \"0x0\"], \"ste\": {\"kind\": \"ABORT\"}}", false);
        assertThat(a.ste()).isEqualTo(new Snapshot.Ste(dev.nestcheck.spec.SteKind.ABORT, 0, 0, false));
        ComponentAnswer b = ComponentAnswer.read(Component.VSTE,
                "{\"ok\": true, \"vste\": [\"0x1\", \"0x0\"], \"ste\": {\"kind\": \"NESTED\", \"vmid\": 3, \"ats\": true}}", false);
        assertThat(b.ste()).isEqualTo(new Snapshot.Ste(dev.nestcheck.spec.SteKind.NESTED, 3, 0, true));
    }

    @Test
    void aValidatorThatKeepsEatsInTheStoredVsteIsCaught() {
        // NEST-2.5: EATS is cleared from the stored word1; this one keeps it
        ComponentProperty.Target t = bent(a -> a.vste() == null || a.ste().kind() != dev.nestcheck.spec.SteKind.NESTED ? a
                : new ComponentAnswer(a.outcome(), new long[] {a.vste()[0], a.vste()[1] | (a.ste().ats() ? 1L << 28 : 0)}, a.ste(), a.kvm()));
        ComponentConformance.Result r = ComponentConformance.check(t, Component.VSTE, SETTINGS, false);
        ComponentCounterexample cx = r.counterexample().orElseThrow();
        assertThat(cx.steps()).hasSize(1);
        assertThat(cx.findings()).anyMatch(f -> f.startsWith("stored vSTE (NEST-2)"));
    }

    @Test
    void aConverterThatKeepsTheGuestsVmidIsCaught() {
        // INV-2: TLBI_NH_* carry the vIOMMU's VMID; this one leaves VMID 0 in them
        ComponentProperty.Target t = bent(a -> {
            List<Issued> out = new ArrayList<>();
            for (Issued i : a.outcome().issued())
                out.add(i.cmd().opcode() == Cmd.TLBI_NH_VA ? new Issued(i.smmu(), i.cmd().withVmid(0)) : i);
            return new ComponentAnswer(a.outcome().withIssued(out), a.vste(), a.ste(), a.kvm());
        });
        ComponentConformance.Result r = ComponentConformance.check(t, Component.INV, SETTINGS, false);
        ComponentCounterexample cx = r.counterexample().orElseThrow();
        assertThat(cx.steps()).hasSize(1);
        assertThat(cx.findings()).anyMatch(f -> f.startsWith("commands (INV-3)"));
        assertThat(cx.steps().get(0).op().commands("commands")).hasSize(1);
    }

    @Test
    void anAllocatorWhoseStateDriftsIsCaughtByTheSnapshotComparison() {
        ComponentProperty.Target t = bent(a -> a.kvm() == null || a.kvm().rollovers() == 0 ? a
                : a.withKvm(new Snapshot.Kvm(a.kvm().vms(), a.kvm().cpuRunning(), a.kvm().rollovers() + 1)));
        ComponentCounterexample cx = ComponentConformance.check(t, Component.KVM, SETTINGS, false).counterexample().orElseThrow();
        assertThat(cx.findings()).anyMatch(f -> f.startsWith("kvm rollovers (KVM-4)"));
    }
}
