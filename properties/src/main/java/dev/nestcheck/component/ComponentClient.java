package dev.nestcheck.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Child;
import dev.nestcheck.process.ChildFailed;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.process.Protocol;
import dev.nestcheck.spec.Platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A component implementation in a child process, for one case. Lock-step ({@link #execute}:
 * one round trip per op) or pipelined ({@link #runAll}: every request of the case in one write,
 * then the answers as they come, so a case costs about one round trip). Pipelining is safe
 * because the operations are drawn from the oracle's state alone, never from the implementation's
 * answers, and because the child's answers are drained by a reader thread (no pipe deadlock).
 */
public final class ComponentClient implements ComponentImplementation {
    private final Child child;
    private final Component component;
    private final Duration timeout;
    private int step;

    /** Sends {@code create} for the case's platform (its answer is read with the first op's). */
    public ComponentClient(Child child, Component component, Platform platform, Duration timeout) {
        if (!child.handshake().components().contains(component.id()) && !child.handshake().implementsAll())
            throw new IllegalStateException("nestcheck bug: " + child.handshake().name() + " does not implement " + component.id());
        this.child = child;
        this.component = component;
        this.timeout = timeout;
        child.send(Protocol.createLine(platform));
        readCreated();
    }

    private void readCreated() {
        String line = child.receive(timeout, "the answer to create");
        try {
            JsonNode n = Json.object(line);
            Json.fields(n, "", Set.of("ok"), List.of("ok"));
            if (!n.get("ok").isBoolean() || !n.get("ok").booleanValue())
                throw new ProtocolViolation("create is answered with {\"ok\": true}");
        } catch (ProtocolViolation v) {
            throw child.garbage("create", v);
        }
    }

    /** One op, one round trip. */
    @Override
    public ComponentAnswer execute(ComponentOp op, boolean withSnapshot) {
        step++;
        child.send(request(op, withSnapshot));
        return read(op, withSnapshot);
    }

    /**
     * Every op of the case at once; {@code each} sees each answer in order as it arrives (it may
     * throw to stop: the rest of the answers are then left unread and the child is not reused).
     */
    public void runAll(List<ComponentOp> ops, boolean withSnapshot, BiConsumer<Integer, ComponentAnswer> each) {
        List<String> lines = new ArrayList<>(ops.size());
        for (ComponentOp op : ops) lines.add(request(op, withSnapshot));
        if (!lines.isEmpty()) child.sendAll(lines);
        for (int i = 0; i < ops.size(); i++) {
            step++;
            ComponentAnswer a = read(ops.get(i), withSnapshot);
            try {
                each.accept(i, a);
            } catch (RuntimeException | Error e) {
                drain(ops.size() - i - 1);   // the answers still in flight, so that the child serves the next case
                throw e;
            }
        }
    }

    /** Reads and drops {@code n} answers; a child that fails meanwhile is dead and will not be reused. */
    private void drain(int n) {
        try {
            for (int k = 0; k < n; k++) child.receive(timeout, "an answer after the failing step");
        } catch (ChildFailed ignored) {
            // killed: the next case starts a new child
        }
    }

    private static String request(ComponentOp op, boolean withSnapshot) {
        String j = op.json();
        return withSnapshot ? j.substring(0, j.length() - 1) + ", \"snapshot\": true}" : j;
    }

    private ComponentAnswer read(ComponentOp op, boolean withSnapshot) {
        String what = "step " + step + " (" + op.op() + ")";
        String line = child.receive(timeout, "the answer to " + what);
        try {
            return ComponentAnswer.read(component, line, withSnapshot);
        } catch (ProtocolViolation v) {
            throw child.garbage(what, v);
        }
    }

    /** Whether a failure is the child's (a crash, hang, garbage), as opposed to a nestcheck bug. */
    static boolean isChildFailure(Throwable t) {
        return t instanceof ChildFailed;
    }
}
