package dev.nestcheck.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A component trace, {@code nestcheck-component-trace/1} (docs/PROTOCOL.md, "Component traces"):
 * the trace format's layout for the operations of one component, which are not all trace ops
 * ({@code kvm_pin}, {@code vste}, ...), so it is never passed off as {@code nestcheck-trace/1}.
 * Component counterexamples are written this way; {@code nestcheck replay} replays them.
 *
 * <p>{@code expect} holds the model's answer: {@code ok}/{@code errno}/{@code entryNum} (checked
 * on replay, like a trace's), and for reading only the {@code issued} opcode names, the stored
 * {@code vste} and {@code ste}, or the {@code kvm} state after the step. A replay compares every
 * answer with the model anyway.
 */
public record ComponentTrace(Component component, String description, Platform platform, List<Step> steps) {
    public static final String FORMAT = "nestcheck-component-trace/1";

    /** An op and its expectation (null: none). */
    public record Step(ComponentOp op, Expect expect) {
    }

    /**
     * The checked part of {@code expect}: the errno, or success with a value (null: any value), and
     * entryNum (null: not checked).
     */
    public record Expect(Errno errno, Long value, Integer entryNum) {
        static Expect of(ComponentOp op, Outcome o) {
            return new Expect(o.errno(), o.isOk() && op.returnsValue() ? o.value() : null,
                    o.entryNum() == Outcome.NO_ENTRY_NUM ? null : o.entryNum());
        }

        /** The first mismatch with an answer, as one line, or null. */
        public String check(Outcome got) {
            if (errno != null && got.errno() != errno) return "expected errno " + errno + ", got " + got.brief();
            if (errno == null && !got.isOk()) return "expected ok" + (value == null ? "" : " " + value) + ", got " + got.brief();
            if (errno == null && value != null && got.value() != value) return "expected ok " + value + ", got " + got.brief();
            if (entryNum != null && got.entryNum() != entryNum) return "expected entryNum " + entryNum + ", got " + got.brief();
            return null;
        }
    }

    public ComponentTrace {
        steps = List.copyOf(steps);
    }

    /** The counterexample's steps, each expecting the model's answer. */
    public static ComponentTrace of(ComponentCounterexample cx, String description) {
        List<Step> steps = new ArrayList<>();
        for (ComponentCounterexample.Step s : cx.steps()) steps.add(new Step(s.op(), Expect.of(s.op(), s.model().outcome())));
        return new ComponentTrace(cx.component(), description, cx.platform(), steps);
    }

    /** Whether a file is a component trace: its top-level {@code format} names it (for commands that take both kinds). */
    public static boolean looksLikeOne(Path file) {
        // the top-level "format" value decides (a description may name the other format); read as a
        // stream, so that a huge or malformed file is left to the reader that reports it
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return false;
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if (field.equals("format")) return value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && FORMAT.equals(p.getText());
                p.skipChildren();
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ writing

    /** The trace as JSON, laid out like a trace: one step per line; with the model's full answers when given. */
    public static String write(ComponentTrace t, List<ComponentAnswer> modelAnswers) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"format\": ").append(Json.quote(FORMAT)).append(",\n");
        b.append("  \"component\": ").append(Json.quote(t.component().id())).append(",\n");
        if (t.description() != null) b.append("  \"description\": ").append(Json.quote(t.description())).append(",\n");
        String platform = TraceCodec.writePlatform(t.platform()).stripTrailing().replace("\n", "\n  ");
        b.append("  \"platform\": ").append(platform).append(",\n");
        b.append("  \"steps\": [");
        for (int i = 0; i < t.steps().size(); i++) {
            Step s = t.steps().get(i);
            String op = s.op().json();
            b.append(i == 0 ? "\n" : ",\n").append("    ").append(op, 0, op.length() - 1);
            if (s.expect() != null)
                b.append(", \"expect\": ").append(expect(s.op(), s.expect(), modelAnswers == null ? null : modelAnswers.get(i)));
            b.append('}');
        }
        return b.append(t.steps().isEmpty() ? "]\n" : "\n  ]\n").append("}\n").toString();
    }

    private static String expect(ComponentOp op, Expect o, ComponentAnswer full) {
        StringBuilder b = new StringBuilder("{");
        if (o.errno() == null) b.append("\"ok\": ").append(o.value() != null ? Json.value(o.value()) : "true");
        else b.append("\"errno\": ").append(Json.quote(o.errno().name()));
        if (o.entryNum() != null) b.append(", \"entryNum\": ").append(o.entryNum());
        if (full != null) {
            if (!full.outcome().issued().isEmpty() || op.op().equals("viommu_invalidate"))
                b.append(", \"issued\": ").append(full.outcome().issued().stream().map(x -> Json.quote(x.cmd().name()))
                        .collect(Collectors.joining(", ", "[", "]")));
            if (full.vste() != null)
                b.append(", \"vste\": [").append(Json.word(full.vste()[0])).append(", ").append(Json.word(full.vste()[1])).append(']');
            if (full.ste() != null) b.append(", \"ste\": ").append(ComponentAnswer.steJson(full.ste()));
            if (full.kvm() != null) b.append(", \"kvm\": ").append(dev.nestcheck.process.Protocol.kvmJson(full.kvm()));
        }
        return b.append('}').toString();
    }

    // ------------------------------------------------------------------ reading

    /** Reads a component trace strictly; problems are one-line {@link TraceFormatException}s naming the file and step. */
    public static ComponentTrace read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read: " + e.getMessage());
        }
        return parse(json, file.toString());
    }

    public static ComponentTrace parse(String json, String source) {
        String where = "";
        try {
            JsonNode root = Json.object(json);
            if (!root.has("format") || !FORMAT.equals(root.get("format").asText()))
                throw new ProtocolViolation("\"format\" must be \"" + FORMAT + "\"");
            Json.fields(root, "", Set.of("format", "component", "description", "platform", "steps"),
                    List.of("format", "component", "platform", "steps"));
            Component c;
            try {
                c = Component.byId(Json.string(root.get("component"), "component"));
            } catch (IllegalArgumentException e) {
                throw new ProtocolViolation("\"component\": " + e.getMessage());
            }
            String description = root.has("description") ? Json.string(root.get("description"), "description") : null;
            Platform platform;
            try {
                platform = TraceCodec.parsePlatform(Json.obj(root.get("platform"), "platform").toString(), source);
            } catch (TraceFormatException e) {
                throw e;
            }
            JsonNode steps = Json.array(root.get("steps"), "steps");
            List<Step> out = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                where = "step " + i + ": ";
                JsonNode s = Json.obj(steps.get(i), "steps[" + i + "]");
                ComponentOp op = ComponentOp.read(c, s, "");
                out.add(new Step(op, s.has("expect") ? expectation(Json.obj(s.get("expect"), "expect")) : null));
            }
            return new ComponentTrace(c, description, platform, out);
        } catch (ProtocolViolation v) {
            throw new TraceFormatException(source + ": " + where + v.getMessage());
        }
    }

    private static Expect expectation(JsonNode e) {
        Json.fields(e, "expect.", Set.of("ok", "errno", "entryNum", "issued", "vste", "ste", "kvm"), List.of());
        if (e.has("ok") == e.has("errno")) throw new ProtocolViolation("\"expect\" has exactly one of \"ok\" and \"errno\"");
        Integer entryNum = e.has("entryNum") ? Json.integer(e.get("entryNum"), "expect.entryNum") : null;
        if (e.has("errno")) return new Expect(Json.enumValue(e.get("errno"), "expect.errno", Errno.class), null, entryNum);
        JsonNode ok = e.get("ok");
        if (ok.isBoolean() && !ok.booleanValue()) throw new ProtocolViolation("\"expect.ok\" must be true or a number");
        Long value = ok.isBoolean() ? null : Json.u64(ok, "expect.ok");
        if (e.has("issued")) {
            JsonNode a = Json.array(e.get("issued"), "expect.issued");
            for (int k = 0; k < a.size(); k++)
                if (Cmd.opcodeOf(Json.string(a.get(k), "expect.issued[" + k + "]")) < 0)
                    throw new ProtocolViolation("\"expect.issued[" + k + "]\" is not an opcode name");
        }
        return new Expect(null, value, entryNum);
    }
}
