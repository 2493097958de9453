package dev.nestcheck.bench;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Protocol;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.trace.Platforms;
import dev.nestcheck.trace.TraceCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CPU cost of one whole-contract protocol step without the pipe: what both sides of
 * {@link ProtocolBench}'s {@code exec} do per step on top of the implementation, on a mid-sized
 * state of the small platform (a context with a nest parent, a vIOMMU, vDEVICEs and a nested STE).
 * nestcheck side: write the op line, read the answer with its snapshot; child side (the Java
 * server): read the op line, write the answer with its snapshot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProtocolCodecBench {
    Platform platform;
    Op op;
    String opLine;
    String answerLine;
    Snapshot snapshot;
    Outcome outcome;

    @Setup(Level.Trial)
    public void setUp() {
        platform = Platforms.named("small", Policy.S2_PARENT);
        NestingImplementation impl = Implementations.named("optimized").create(platform);
        for (Op o : List.of(new Op.Open(), new Op.Bind(1, 0), new Op.Bind(1, 1), new Op.IoasAlloc(1),
                new Op.HwptAlloc(1, 1, 3, HwptFlags.NEST_PARENT, DataType.NONE, null), new Op.ViommuAlloc(1, 1, 4, "ARM_SMMUV3"),
                new Op.VdeviceAlloc(1, 5, 1, 3), new Op.HwptAlloc(1, 1, 5, 0, DataType.ARM_SMMUV3, List.of(0x10bL, 0L))))
            impl.execute(o);
        op = new Op.Attach(1, 1, 7);
        outcome = impl.execute(op);
        snapshot = impl.snapshot();
        opLine = Protocol.opLine(op, true);
        answerLine = "{" + Protocol.outcomeFields(false, outcome) + ", \"snapshot\": " + Protocol.snapshotJson(snapshot) + "}";
    }

    @Benchmark
    public Object nestcheckSide() {
        String line = Protocol.opLine(op, true);
        return line.length() + Protocol.answer(answerLine, true).snapshot().devices().size();
    }

    @Benchmark
    public Object childSide() {
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) Json.object(opLine);
        n.remove("snapshot");
        Op read = TraceCodec.parseStep(n.toString(), platform, "request").op();
        return read.name() + Protocol.outcomeFields(false, outcome) + Protocol.snapshotJson(snapshot);
    }
}
