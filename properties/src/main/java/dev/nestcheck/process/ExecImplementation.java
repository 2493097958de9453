package dev.nestcheck.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The whole contract over the protocol, one child per implementation at a time. Each operation
 * asks for the snapshot in the same request, because the harness compares the snapshot after
 * every step: one round trip per step instead of two, and {@link #snapshot()} then answers from
 * what came back. The first snapshot is requested together with {@code create} (pipelined).
 */
final class ExecImplementation implements NestingImplementation {
    private final Child child;
    private final Duration timeout;
    private Snapshot pending;
    private int step;

    ExecImplementation(Child child, Platform platform, Duration timeout) {
        this.child = child;
        this.timeout = timeout;
        child.sendAll(List.of(Protocol.createLine(platform), Protocol.snapshotLine()));
        String created = child.receive(timeout, "the answer to create");
        try {
            JsonNode n = Json.object(created);
            Json.fields(n, "", Set.of("ok"), List.of("ok"));
            if (!n.get("ok").isBoolean() || !n.get("ok").booleanValue())
                throw new ProtocolViolation("create is answered with {\"ok\": true}");
        } catch (ProtocolViolation v) {
            throw child.garbage("create", v);
        }
        pending = readSnapshot("the first snapshot");
    }

    @Override
    public Outcome execute(Op op) {
        step++;
        pending = null;
        String what = "step " + step + " (" + op.name() + ")";
        child.send(Protocol.opLine(op, true));
        String line = child.receive(timeout, "the answer to " + what);
        try {
            Protocol.Answer a = Protocol.answer(line, true);
            pending = a.snapshot();
            return a.outcome();
        } catch (ProtocolViolation v) {
            throw child.garbage(what, v);
        }
    }

    @Override
    public Snapshot snapshot() {
        Snapshot s = pending;
        if (s != null) return s;
        child.send(Protocol.snapshotLine());
        return readSnapshot("the snapshot after step " + step);
    }

    private Snapshot readSnapshot(String what) {
        String line = child.receive(timeout, what);
        try {
            JsonNode n = Json.object(line);
            Json.fields(n, "", Set.of("snapshot"), List.of("snapshot"));
            return Protocol.snapshot(Json.obj(n.get("snapshot"), "snapshot"));
        } catch (ProtocolViolation v) {
            throw child.garbage(what, v);
        }
    }
}
