package dev.nestcheck.component;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.CBuild;
import dev.nestcheck.process.ExecProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/c-kvm-allocator, built with cc and checked through the protocol as a kvm component:
 * the allocator conforms, and each -DBUG variant is caught and shrunk to its minimal
 * counterexample, whose component trace replays the failure.
 *
 * <p>Both bugs need 8 steps, argued (not measured) from KVM-3/4: a rollover needs every index of
 * a generation handed out plus one more VM that needs one, and with the fewest indices PLAT-3
 * allows (2 bits: 3 indices) that is 4 VMs created and 4 allocations (vcpu_load or kvm_pin).
 * ROLLOVER_FORGETS_RUNNING then needs a second CPU running an old index at the rollover (2 CPUs
 * still fit 2 bits), ROLLOVER_FORGETS_PINNED a pinned index (1 CPU: the pin cap of 2 bits is 1).
 */
class CKvmAllocatorTest {
    private static final Settings SETTINGS = Settings.defaults().withSeed(20261124).withTries(500);

    static ExecProvider allocator(String bug) {
        return ExecProvider.of("exec:" + CBuild.kvmAllocator(bug));
    }

    @Test
    void theAllocatorConformsToTheModelsKvmRules() {
        ComponentConformance.Result r = ComponentConformance.check(ComponentProperty.exec(allocator(null)), Component.KVM,
                SETTINGS, true);
        assertThat(r.passed()).as(r.run().message()).isTrue();
        assertThat(r.run().validCases()).isEqualTo(500);
        assertThat(r.steps()).isGreaterThan(5_000);
        // the cases reach what the allocator is about: rollovers, pins, and every errno of the component
        assertThat(r.run().statistics().values("errno")).contains("ok", "ENOENT", "EINVAL", "EBUSY", "ENOSPC");
        assertThat(r.run().statistics().values("rule")).contains("KVM-1", "KVM-2", "KVM-5", "KVM-7");
    }

    @Test
    void lockStepAndPipelinedRunsAgree() {
        Settings s = Settings.defaults().withSeed(3).withTries(100);
        ComponentConformance.Result pipelined = ComponentConformance.check(ComponentProperty.exec(allocator(null)), Component.KVM, s, true);
        ComponentConformance.Result lockStep = ComponentConformance.check(ComponentProperty.exec(allocator(null)), Component.KVM, s, false);
        assertThat(pipelined.passed()).isTrue();
        assertThat(lockStep.passed()).isTrue();
        assertThat(lockStep.steps()).isEqualTo(pipelined.steps());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ROLLOVER_FORGETS_RUNNING", "ROLLOVER_FORGETS_PINNED"})
    void aRolloverBugIsCaughtAndShrunkToItsMinimalCounterexample(String bug, @TempDir Path dir) throws Exception {
        ComponentConformance.Result r = ComponentConformance.check(ComponentProperty.exec(allocator(bug)), Component.KVM,
                SETTINGS, true);
        ComponentCounterexample cx = r.counterexample().orElseThrow(() -> new AssertionError("not caught: " + r.run().message()));
        assertThat(cx.kind()).as(cx.text()).isEqualTo(ComponentCounterexample.Kind.DIVERGENCE);
        assertThat(cx.steps()).as(cx.text()).hasSize(8);
        assertThat(cx.steps().stream().filter(s -> s.op().op().equals("kvm_vm_create")).count()).as(cx.text()).isEqualTo(4);
        assertThat(cx.findings()).as(cx.text()).anyMatch(f -> f.startsWith("kvm vm4: model (generation 2, index 2"));
        assertThat(cx.platform().kvm().vmidBits()).isEqualTo(2);
        assertThat(cx.platform().kvm().cpus()).isEqualTo(bug.endsWith("RUNNING") ? 2 : 1);

        // the report's component trace replays the failure on the buggy build and passes on the correct one
        ComponentReport.write(dir, cx, new ComponentReport.Origin(allocator(bug).name(), SETTINGS.seed().getAsLong(), null));
        String md = Files.readString(dir.resolve(ComponentReport.MARKDOWN));
        assertThat(md).contains("component kvm", "Minimal sequence", "KVM-2",
                "\n    ./nestcheck replay " + dir.resolve(ComponentReport.TRACE).toAbsolutePath(), "Search again with the same seed:\n\n    ./nestcheck check");
        // the commands paste as they are: alone on their lines, continued with a backslash, within 80 columns
        assertThat(md.lines().filter(l -> l.contains("nestcheck replay") || l.contains("nestcheck check")))
                .allMatch(l -> l.startsWith("    ./nestcheck "));
        assertThat(md.lines().filter(l -> l.startsWith("    ./nestcheck ") || l.startsWith("      "))).allMatch(l -> l.length() <= 80);
        ComponentTrace t = ComponentTrace.read(dir.resolve(ComponentReport.TRACE));
        assertThat(t.steps()).hasSize(8);
        ComponentReplay.Result bad = ComponentReplay.replay(t, ComponentProperty.exec(allocator(bug)));
        assertThat(bad.status()).isEqualTo(ComponentReplay.Status.FAILED);
        assertThat(bad.counterexample().steps()).hasSize(8);
        assertThat(ComponentReplay.replay(t, ComponentProperty.exec(allocator(null))).status())
                .isEqualTo(ComponentReplay.Status.PASSED);
    }

    @Test
    void componentTracesAreWrittenAndReadAsTheirOwnFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        Files.writeString(file, String.join("\n", "{",
                "  \"format\": \"nestcheck-component-trace/1\",",
                "  \"component\": \"kvm\",",
                "  \"platform\": {\"policy\": \"S2_PARENT\", \"smmus\": [{\"id\": 0, \"vmidBits\": 8, \"nesting\": true, \"s2fwb\": true,"
                        + " \"btm\": false}], \"devices\": [], \"kvm\": {\"cpus\": 1, \"vmidBits\": 2}},",
                "  \"steps\": [",
                "    {\"op\": \"kvm_vm_create\", \"expect\": {\"ok\": 1}},",
                "    {\"op\": \"kvm_pin\", \"vm\": 1, \"expect\": {\"ok\": 1}},",
                "    {\"op\": \"kvm_vm_destroy\", \"vm\": 1, \"expect\": {\"errno\": \"EBUSY\"}},",
                "    {\"op\": \"kvm_unpin\", \"vm\": 1},",
                "    {\"op\": \"kvm_unpin\", \"vm\": 1, \"expect\": {\"errno\": \"EINVAL\"}}",
                "  ]", "}"));
        ComponentTrace t = ComponentTrace.read(file);
        assertThat(t.steps()).extracting(s -> s.op().op()).containsExactly("kvm_vm_create", "kvm_pin", "kvm_vm_destroy",
                "kvm_unpin", "kvm_unpin");
        assertThat(ComponentReplay.replay(t, ComponentProperty.exec(allocator(null))).status()).isEqualTo(ComponentReplay.Status.PASSED);
        // written back, it reads the same
        String again = ComponentTrace.write(t, null);
        assertThat(ComponentTrace.parse(again, "again").steps()).isEqualTo(t.steps());
        // strict, with one line naming the step and the field
        Files.writeString(file, Files.readString(file).replace("\"vm\": 1, \"expect\": {\"ok\": 1}", "\"vm\": 1, \"cpu\": 0"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComponentTrace.read(file))
                .hasMessageContaining("step 1").hasMessageContaining("unknown field \"cpu\"");
        assertThat(List.of(ComponentTrace.FORMAT)).doesNotContain(dev.nestcheck.trace.TraceCodec.FORMAT);
    }
}
