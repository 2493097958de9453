package dev.nestcheck.bench;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.ExecProvider;
import dev.nestcheck.process.server.ProtocolServer;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Policy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the process protocol per step, with the harness's own step counter ({@code steps}
 * column: steps per second; 1e6 / steps = microseconds per step).
 *
 * <ul>
 * <li>{@code whole}: the whole contract, the optimized implementation against the model under
 *     S2_PARENT, {@code in-process} or {@code exec} (the same implementation served by
 *     {@link ProtocolServer} in a child JVM: one round trip per step, the snapshot in the
 *     answer). The difference is the protocol's cost per step.</li>
 * </ul>
 * The kvm component's figures are {@link ProtocolKvmBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolBench {
    @Param({"in-process", "exec"})
    public String whole;

    ImplementationProvider wholeProvider;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String jar = Paths.get(ProtocolServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String server = "exec:'" + java + "' -cp '" + jar + "' " + ProtocolServer.class.getName();
        wholeProvider = whole.equals("exec") ? ExecProvider.of(server + " optimized") : Implementations.named("optimized");
    }

    /** Per-thread seed stream and counters; JMH reports OPERATIONS counters as rates per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long steps;
        public long cases;
        long seed = 0x5EED;
    }

    @Benchmark
    public void wholeContract(Counters c) {
        Conformance.Result r = Conformance.check(wholeProvider::create, Policy.S2_PARENT,
                Settings.defaults().withSeed(c.seed++).withTries(20));
        if (!r.passed()) throw new IllegalStateException(r.run().message());
        c.steps += r.steps();
        c.cases += r.run().casesRun();
    }
}
