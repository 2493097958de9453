package dev.nestcheck.bench;

import dev.nestcheck.component.Component;
import dev.nestcheck.component.ComponentConformance;
import dev.nestcheck.component.ComponentImplementation;
import dev.nestcheck.component.ComponentProperty;
import dev.nestcheck.component.Oracles;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.ExecProvider;
import dev.nestcheck.process.server.ProtocolServer;
import dev.nestcheck.spec.Platform;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the process protocol per step for a component, with the harness's own step counter ({@code steps}
 * column: steps per second; 1e6 / steps = microseconds per step).
 *
 * <ul>
 * <li>{@code kvm}: the kvm component against the model's allocator: {@code in-process} (the
 *     model's component as the implementation), {@code c-lockstep} and {@code c-pipelined} (the C
 *     allocator of examples/c-kvm-allocator, one round trip per step, or the whole case in one
 *     write), {@code java-lockstep} and {@code java-pipelined} (the model's component served by a
 *     child JVM).</li>
 * </ul>
 * The C allocator is the one the build compiles: run from the repository root after
 * {@code mvn verify} (or pass {@code -p allocator=PATH}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolKvmBench {
    @Param({"in-process", "c-lockstep", "c-pipelined", "java-lockstep", "java-pipelined"})
    public String kvm;

    @Param({"properties/target/c-kvm-allocator/kvm-allocator"})
    public String allocator;

    ComponentProperty.Target kvmTarget;
    boolean pipelined;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String jar = Paths.get(ProtocolServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String server = "exec:'" + java + "' -cp '" + jar + "' " + ProtocolServer.class.getName();
        pipelined = kvm.endsWith("pipelined");
        if (kvm.startsWith("c-")) {
            Path bin = Paths.get(allocator);
            if (!Files.isExecutable(bin)) throw new IllegalStateException(bin.toAbsolutePath() + " missing: run mvn verify first");
            kvmTarget = ComponentProperty.exec(ExecProvider.of("exec:" + bin.toAbsolutePath()));
        } else if (kvm.startsWith("java-")) {
            kvmTarget = ComponentProperty.exec(ExecProvider.of(server + " --component kvm"));
        } else {
            kvmTarget = new ComponentProperty.Target() {
                public ComponentImplementation open(Component c, Platform p) {
                    return Oracles.of(c, p);
                }

                public String name() {
                    return "in-process";
                }
            };
        }
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
    public void kvmComponent(Counters c) {
        ComponentConformance.Result r = ComponentConformance.check(kvmTarget, Component.KVM,
                Settings.defaults().withSeed(c.seed++).withTries(50), pipelined);
        if (!r.passed()) throw new IllegalStateException(r.run().message());
        c.steps += r.steps();
        c.cases += r.run().casesRun();
    }
}
