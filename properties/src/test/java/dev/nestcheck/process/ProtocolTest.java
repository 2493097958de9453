package dev.nestcheck.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.trace.Platforms;
import dev.nestcheck.trace.Step;
import dev.nestcheck.trace.TraceCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The messages of nestcheck-protocol/1: what nestcheck writes, what it reads, and how strictly. */
class ProtocolTest {
    /** A state with every kind of object, a tombstone, a KVM binding, VMIDs, a TLB entry and a nested STE. */
    static Snapshot richSnapshot(NestingImplementation impl) {
        List<Op> ops = List.of(new Op.Open(), new Op.KvmVmCreate(), new Op.KvmBind(1, 1), new Op.Bind(1, 0), new Op.Bind(1, 1),
                new Op.IoasAlloc(1), new Op.HwptAlloc(1, 1, 3, HwptFlags.NEST_PARENT, DataType.NONE, null),
                new Op.ViommuAlloc(1, 1, 4, "ARM_SMMUV3"), new Op.VdeviceAlloc(1, 5, 1, 0x1234_5678_9abcL),
                new Op.VdeviceAlloc(1, 5, 2, 7),
                new Op.HwptAlloc(1, 1, 5, 0, DataType.ARM_SMMUV3, List.of(0x000f_ffff_ffff_f04bL, 0x1000_0000L)),
                new Op.Attach(1, 1, 8), new Op.VcpuLoad(1, 1), new Op.Unbind(1, 2));
        for (Op op : ops) assertThat(impl.execute(op).isOk()).as(op.toString()).isTrue();
        return impl.snapshot();
    }

    @Test
    void snapshotsSurviveTheirJsonUnchanged() {
        Platform p = Platforms.named("small", Policy.S2_PARENT);
        Snapshot s = richSnapshot(Implementations.named("optimized").create(p));
        String json = Protocol.snapshotJson(s);
        assertThat(json).doesNotContain("\n");
        assertThat(Protocol.snapshot(Json.object(json))).isEqualTo(s);
        assertThat(s.devices().get(0).ste().s1ContextPtr()).isNotZero();   // the rich parts are really there
        assertThat(s.contexts().get(1).tombstones()).isNotEmpty();
    }

    @Test
    void outcomesSurviveTheirJsonUnchanged() {
        Outcome o = new Outcome(Errno.EIO, 0, 3, List.of(new Issued(1, Cmd.tlbiS12Vmall(7)), new Issued(1, Cmd.sync())), "INV-3");
        JsonNode n = Json.object("{" + Protocol.outcomeFields(false, o) + "}");
        assertThat(Protocol.outcome(n, Set.of())).isEqualTo(o);
        Outcome ok = Outcome.ok(5, "OBJ-1");
        assertThat(Protocol.outcome(Json.object("{" + Protocol.outcomeFields(true, ok) + "}"), Set.of())).isEqualTo(ok);
        assertThat(Protocol.outcomeFields(false, Outcome.ok("ATT-1"))).startsWith("\"ok\": true");
    }

    @Test
    void operationsAreTraceStepsPlusTheSnapshotFlag() {
        Op op = new Op.Invalidate(1, 4, DataType.ARM_SMMUV3, List.of(new Cmd(0x11, 0)));
        String step = TraceCodec.writeStep(new Step(op, null));
        assertThat(Protocol.opLine(op, false)).isEqualTo(step);
        assertThat(Protocol.opLine(op, true)).isEqualTo(step.substring(0, step.length() - 1) + ", \"snapshot\": true}");
        Platform p = Platforms.named("small", Policy.ICTX);
        String create = Protocol.createLine(p);
        assertThat(create).doesNotContain("\n");
        assertThat(TraceCodec.parsePlatform(Json.object(create).get("create").toString(), "x")).isEqualTo(p);
    }

    @Test
    void answersAreReadStrictly() {
        assertThatThrownBy(() -> Protocol.answer("{\"ok\": 1, \"oops\": 2}", false)).isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("unknown field \"oops\"");
        assertThatThrownBy(() -> Protocol.answer("{\"errno\": \"ENOMEM\"}", false)).hasMessageContaining("\"errno\" must be one of");
        assertThatThrownBy(() -> Protocol.answer("{\"ok\": 1}", true)).hasMessageContaining("missing field \"snapshot\"");
        assertThatThrownBy(() -> Protocol.answer("{\"ok\": 1, \"errno\": \"EIO\"}", false)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Protocol.answer("not json", false)).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Protocol.answer("{\"ok\": 1, \"issued\": [{\"smmu\": 0, \"cmd\": [\"0x1\"]}]}", false))
                .hasMessageContaining("two 64-bit words");
    }

    @Test
    void handshakesAreChecked() {
        assertThat(Child.Handshake.parse("{\"protocol\": \"nestcheck-protocol/1\", \"name\": \"x\"}").components()).containsExactly("full");
        assertThatThrownBy(() -> Child.Handshake.parse("{\"protocol\": \"nestcheck-protocol/2\", \"name\": \"x\"}"))
                .hasMessageContaining("speaks \"nestcheck-protocol/2\"");
        assertThatThrownBy(() -> Child.Handshake.parse("{\"protocol\": \"nestcheck-protocol/1\", \"name\": \"x\", \"components\": [\"gpu\"]}"))
                .hasMessageContaining("unknown component \"gpu\"");
        assertThatThrownBy(() -> Child.Handshake.parse("{\"hello\": 1}")).hasMessageContaining("the first line must be the handshake");
    }

    @Test
    void execNamesSplitLikeAShell() {
        assertThat(ExecProvider.split("./impl --a 'b c' \"d\"")).containsExactly("./impl", "--a", "b c", "d");
        assertThat(ExecProvider.split("/tmp/dir\\ with\\ space/my\\ impl.py x\\'y 'a\\b' \"q\\\"q \\n\" ''"))
                .containsExactly("/tmp/dir with space/my impl.py", "x'y", "a\\b", "q\"q \\n", "");
        assertThatThrownBy(() -> ExecProvider.split("  ")).hasMessageContaining("needs a command");
        // files of the current directory become absolute, so that a report's replay command works from anywhere
        String here = java.nio.file.Paths.get("src/test/resources/process/misbehave.c").toAbsolutePath().toString();
        assertThat(ExecProvider.of("exec:./no-such-impl src/test/resources/process/misbehave.c hang 3 pom.xml --x=a.b").name())
                .isEqualTo("exec:./no-such-impl " + here + " hang 3 " + here.replace("src/test/resources/process/misbehave.c", "pom.xml")
                        + " --x=a.b");
        assertThat(ExecProvider.of("exec:./no-such-impl 'a b'").name()).isEqualTo("exec:./no-such-impl 'a b'");
        assertThat(ExecProvider.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ExecProvider.split("x " + ExecProvider.quote("it's a\\b"))).containsExactly("x", "it's a\\b");
        assertThatThrownBy(() -> ExecProvider.split("x 'y")).hasMessageContaining("unbalanced");
        assertThat(Child.describeExit(134)).isEqualTo("was killed by signal 6 (SIGABRT)");
        assertThat(Child.describeExit(1)).isEqualTo("exited with status 1");
    }
}
