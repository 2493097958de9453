package dev.nestcheck.process;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.StepRecord;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole contract through the protocol: a Java implementation served by a child JVM
 * (dev.nestcheck.process.server.ProtocolServer) must be judged exactly as in process: the same
 * verdict, and for a broken one the same minimal counterexample from the same seed.
 */
class ExecConformanceTest {
    private static final Settings SETTINGS = Settings.defaults().withSeed(20261124).withTries(150);

    @Test
    void theOptimizedImplementationConformsThroughTheProtocolUnderEveryPolicy() {
        ImplementationProvider exec = Implementations.named(JavaChild.exec("optimized"));
        assertThat(exec).isInstanceOf(ExecProvider.class);
        for (Policy p : Policy.values()) {
            Conformance.Result r = Conformance.check(exec::create, p, SETTINGS);
            assertThat(r.passed()).as(p + ": " + r.run().message()).isTrue();
            assertThat(r.run().validCases()).isEqualTo(150);
            assertThat(r.steps()).as("steps through the protocol").isGreaterThan(1000);
        }
        assertThat(exec.description()).contains("java:optimized", "full", Protocol.VERSION);
    }

    @Test
    void aBrokenImplementationGivesTheSameMinimalCounterexampleThroughTheProtocolAsInProcess() {
        ImplementationProvider exec = Implementations.named(JavaChild.exec("--provider", DropsReleaseFlush.class.getName()));
        Conformance.Result remote = Conformance.check(exec::create, Policy.S2_PARENT, SETTINGS);
        Conformance.Result local = Conformance.check(new DropsReleaseFlush()::create, Policy.S2_PARENT, SETTINGS);
        Counterexample r = remote.counterexample().orElseThrow(), l = local.counterexample().orElseThrow();
        assertThat(r.kind()).isEqualTo(Counterexample.Kind.DIVERGENCE);
        assertThat(ops(r)).isEqualTo(ops(l));
        assertThat(r.findings()).isEqualTo(l.findings());
        assertThat(remote.run().failure().orElseThrow().replayToken()).isEqualTo(local.run().failure().orElseThrow().replayToken());
        assertThat(r.steps()).hasSize(5);   // open, bind, ioas_alloc, hwpt_alloc(NEST_PARENT), close: VMID-5
    }

    private static List<String> ops(Counterexample cx) {
        return cx.steps().stream().map(StepRecord::op).map(Object::toString).toList();
    }
}
