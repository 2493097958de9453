package dev.nestcheck.process.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nestcheck.component.Component;
import dev.nestcheck.component.ComponentImplementation;
import dev.nestcheck.component.ComponentOp;
import dev.nestcheck.component.Oracles;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Protocol;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.trace.TraceCodec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child side of {@code nestcheck-protocol/1} in Java: serves a registered Java implementation
 * (the whole contract) or the model's own component, on stdin and stdout. It is the reference a
 * C or Rust implementer can diff their own glue against, the measure of the protocol's cost
 * (the same implementation in process and over the protocol), and what the protocol tests run.
 *
 * <pre>
 * java -cp nestcheck-cli.jar dev.nestcheck.process.server.ProtocolServer optimized
 * java -cp nestcheck-cli.jar dev.nestcheck.process.server.ProtocolServer --component kvm
 * java -cp nestcheck-cli.jar:my.jar dev.nestcheck.process.server.ProtocolServer --provider org.example.MyProvider
 * </pre>
 */
public final class ProtocolServer {
    private final BufferedWriter out;
    private final ImplementationProvider provider;
    private final Component component;
    private NestingImplementation impl;
    private ComponentImplementation componentImpl;
    private Platform platform;

    private ProtocolServer(BufferedWriter out, ImplementationProvider provider, Component component) {
        this.out = out;
        this.provider = provider;
        this.component = component;
    }

    public static void main(String[] args) throws IOException {
        PrintStream err = System.err;
        ImplementationProvider provider = null;
        Component component = null;
        try {
            if (args.length == 2 && args[0].equals("--component")) {
                component = Component.byId(args[1]);
            } else if (args.length == 2 && args[0].equals("--provider")) {
                provider = (ImplementationProvider) Class.forName(args[1]).getDeclaredConstructor().newInstance();
            } else if (args.length == 1 && !args[0].startsWith("-")) {
                provider = Implementations.named(args[0]);
            } else {
                err.println("usage: ProtocolServer IMPL | --provider CLASS | --component kvm|vste|inv");
                System.exit(2);
            }
        } catch (ReflectiveOperationException | IllegalArgumentException | ClassCastException e) {
            err.println("ProtocolServer: " + e);
            System.exit(2);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        ProtocolServer s = new ProtocolServer(out, provider, component);
        String name = provider != null ? "java:" + provider.name() : "java:model-" + component.id();
        s.write("{\"protocol\": " + Json.quote(Protocol.VERSION) + ", \"name\": " + Json.quote(name) + ", \"components\": [\""
                + (component == null ? Protocol.FULL : component.id()) + "\"]}");
        out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            try {
                s.serve(line);
            } catch (RuntimeException e) {
                // a request this server cannot serve: say so on stderr and stop, as a C child would
                err.println("ProtocolServer: " + e + " on request " + line);
                out.flush();
                System.exit(1);
            }
            if (!in.ready()) out.flush();   // pipelined requests: answer the whole batch, then flush
        }
        out.flush();
    }

    private void serve(String line) throws IOException {
        JsonNode n = Json.object(line);
        if (n.has("create")) {
            platform = TraceCodec.parsePlatform(n.get("create").toString(), "create");
            if (component == null) impl = provider.create(platform);
            else componentImpl = Oracles.of(component, platform);
            write("{\"ok\": true}");
            return;
        }
        boolean withSnapshot = n.has("snapshot") && n.get("snapshot").asBoolean();
        if (!n.has("op")) {
            if (component == null) write("{\"snapshot\": " + Protocol.snapshotJson(impl.snapshot()) + "}");
            else write("{\"snapshot\": {}}");
            return;
        }
        ((ObjectNode) n).remove("snapshot");
        if (component == null) {
            Op op = TraceCodec.parseStep(n.toString(), platform, "request").op();
            Outcome o = impl.execute(op);
            String ans = "{" + Protocol.outcomeFields(op.returnsValue(), o);
            if (withSnapshot) ans += ", \"snapshot\": " + Protocol.snapshotJson(impl.snapshot());
            write(ans + "}");
        } else {
            ComponentOp op = ComponentOp.parse(component, n);
            write(componentImpl.execute(op, withSnapshot).json(op));
        }
    }

    private void write(String line) throws IOException {
        out.write(line);
        out.write('\n');
    }
}
