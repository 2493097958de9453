package dev.nestcheck.concurrency.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.mutants.ConcurrencyMutant;
import dev.nestcheck.concurrency.report.ConcurrencyReport;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure's replay token reproduces it: a short search (10 scenarios, 20 shrink attempts, to keep the
 * default build quick) finds and shrinks a mutant, then a second run with
 * only the token (no search) fails with the same scenario and the same finding; the report shows the
 * scenario in columns and the interleaving, and its regression test names the scenario.
 */
class KvmReplayTest {
    @Test
    void theReplayTokenReproducesTheShrunkScenario(@TempDir Path dir) throws Exception {
        ConcurrencyMutant m = ConcurrencyMutant.CAS_NEGATED;
        RunResult first = KvmConcurrency.run(m.allocatorFactory(), 2, KvmConcurrency.DEFAULT_INVOCATIONS,
                KvmConcurrency.settings("kvm replay", KvmSearchTest.SEED).withTries(10).withShrinkMaxAttempts(20));
        assertThat(first.failure()).as(first.summary()).isPresent();
        Failure f = first.failure().get();
        ConcurrencyFailure found = (ConcurrencyFailure) f.throwable();

        RunResult second = KvmConcurrency.run(m.allocatorFactory(), 2, KvmConcurrency.DEFAULT_INVOCATIONS,
                KvmConcurrency.settings("kvm replay", KvmSearchTest.SEED).withTries(10).withReplay(f.replayToken()));
        assertThat(second.failure()).as("the token replays a failure").isPresent();
        ConcurrencyFailure again = (ConcurrencyFailure) second.failure().get().throwable();
        assertThat(again.scenario()).isEqualTo(found.scenario());
        assertThat(again.finding().summary()).isEqualTo(found.finding().summary());
        assertThat(second.casesRun()).isEqualTo(1);

        ConcurrencyReport.Written w = ConcurrencyReport.write(dir, KvmReports.input("kvm_allocator_cas_negated",
                "the KVM VMID allocator (mutant CAS_NEGATED)", f, KvmConcurrency.DEFAULT_INVOCATIONS,
                "mvn -pl concurrency test -Dnestcheck.replay=" + f.replayToken(), "GenerationalAllocatorAdapter::new"));
        String md = Files.readString(w.markdown());
        KvmScenario s = (KvmScenario) found.scenario();
        assertThat(md).contains("| init", "| T0 (cpu0)", "| T1 (cpu1)", f.replayToken(), "model checking (Lincheck)",
                found.finding().summary(), "switch");
        for (KvmOp op : s.branches().get(0)) assertThat(md).contains(op.toString());
        assertThat(Files.readString(w.json())).contains("\"replayToken\" : \"" + f.replayToken() + "\"");
        assertThat(Files.readString(w.regressionTest())).contains("class RegressionTest_kvm_allocator_cas_negated",
                "KvmModelChecker.check(scenario, GenerationalAllocatorAdapter::new, 200)");
    }
}
