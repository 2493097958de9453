package dev.nestcheck.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.spec.Cmd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One operation of a component (docs/PROTOCOL.md, "Components"): its {@code op} name and its
 * fields in writing order. Values are Integer (IDs, CPUs, VMIDs), Long (64-bit values),
 * String, a list of 64-bit words ({@code data}), a list of two-word commands
 * ({@code commands}) or a list of number pairs ({@code vdevices}). Written exactly like a trace
 * step, so the KVM ops keep their TRACE.md names and fields.
 */
public record ComponentOp(String op, Map<String, Object> fields) {
    public ComponentOp {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static ComponentOp of(String op, Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return new ComponentOp(op, m);
    }

    /** Whether success returns a number (a VM number, a pinned index) rather than {@code true}. */
    public boolean returnsValue() {
        return op.equals("kvm_vm_create") || op.equals("kvm_pin");
    }

    public int i(String field) {
        return ((Number) fields.get(field)).intValue();
    }

    @SuppressWarnings("unchecked")
    public List<Long> words(String field) {
        return (List<Long>) fields.get(field);
    }

    @SuppressWarnings("unchecked")
    public List<Cmd> commands(String field) {
        return (List<Cmd>) fields.get(field);
    }

    @SuppressWarnings("unchecked")
    public List<long[]> pairs(String field) {
        return (List<long[]>) fields.get(field);
    }

    public String s(String field) {
        return (String) fields.get(field);
    }

    /** The op as one JSON object on one line (a protocol request, or a trace step without {@code expect}). */
    public String json() {
        StringBuilder b = new StringBuilder("{\"op\": ").append(Json.quote(op));
        fields.forEach((k, v) -> b.append(", ").append(Json.quote(k)).append(": ").append(value(k, v)));
        return b.append('}').toString();
    }

    private static String value(String key, Object v) {
        if (v instanceof Integer) return v.toString();
        if (v instanceof Long l) return Json.value(l);
        if (v instanceof String s) return Json.quote(s);
        if (v instanceof List<?> list) {
            if (key.equals("commands"))
                return list.stream().map(c -> "[" + Json.word(((Cmd) c).word0()) + ", " + Json.word(((Cmd) c).word1()) + "]")
                        .collect(Collectors.joining(", ", "[", "]"));
            if (key.equals("vdevices"))
                return list.stream().map(p -> "[" + Json.value(((long[]) p)[0]) + ", " + Json.value(((long[]) p)[1]) + "]")
                        .collect(Collectors.joining(", ", "[", "]"));
            return list.stream().map(w -> Json.word((Long) w)).collect(Collectors.joining(", ", "[", "]"));
        }
        throw new IllegalStateException("nestcheck bug: field " + key + " has a value of " + v.getClass());
    }

    /** One line for reports: {@code kvm_pin vm=2}. */
    public String describe() {
        StringBuilder b = new StringBuilder(op);
        fields.forEach((k, v) -> {
            b.append(' ').append(k).append('=');
            if (v instanceof List<?> list && k.equals("commands")) b.append(list.size()).append(" commands");
            else if (v instanceof List<?> list && k.equals("vdevices"))
                b.append(list.stream().map(p -> ((long[]) p)[0] + "->sid" + ((long[]) p)[1]).collect(Collectors.joining(",", "[", "]")));
            else if (v instanceof List<?> list)
                b.append(list.stream().map(w -> String.format("0x%x", (Long) w)).collect(Collectors.joining(",", "[", "]")));
            else b.append(v);
        });
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComponentOp c && c.json().equals(json());
    }

    @Override
    public int hashCode() {
        return json().hashCode();
    }

    /** Reads a request or step object of the component (without its {@code expect}). */
    public static ComponentOp parse(Component component, JsonNode step) {
        return read(component, step, "");
    }

    /**
     * Reads an op of a component from a step object, strictly: its fields must be exactly the ones
     * the component defines for that op (and {@code expect}, which the caller reads).
     */
    static ComponentOp read(Component component, JsonNode s, String where) {
        if (!s.has("op")) throw new ProtocolViolation(where + "missing field \"op\"");
        String name = Json.string(s.get("op"), "op");
        List<String> fields = component.fields(name);
        if (fields == null)
            throw new ProtocolViolation(where + "unknown op " + Json.quote(name) + " for component " + component.id()
                    + " (one of " + String.join(", ", component.opNames()) + ")");
        List<String> allowed = new ArrayList<>(fields);
        allowed.add("op");
        allowed.add("expect");
        Json.fields(s, where + "(" + name + ") ", new java.util.HashSet<>(allowed), fields);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : fields) {
            JsonNode v = s.get(f);
            switch (f) {
                case "data": {
                    JsonNode a = Json.array(v, f);
                    List<Long> words = new ArrayList<>();
                    for (int k = 0; k < a.size(); k++) words.add(Json.u64(a.get(k), f + "[" + k + "]"));
                    m.put(f, List.copyOf(words));
                    break;
                }
                case "commands": {
                    JsonNode a = Json.array(v, f);
                    List<Cmd> cmds = new ArrayList<>();
                    for (int k = 0; k < a.size(); k++) {
                        JsonNode w = a.get(k);
                        if (!w.isArray() || w.size() != 2)
                            throw new ProtocolViolation(where + "\"commands[" + k + "]\" must be [word0, word1]");
                        cmds.add(new Cmd(Json.u64(w.get(0), f + "[" + k + "][0]"), Json.u64(w.get(1), f + "[" + k + "][1]")));
                    }
                    m.put(f, List.copyOf(cmds));
                    break;
                }
                case "vdevices": {
                    JsonNode a = Json.array(v, f);
                    List<long[]> pairs = new ArrayList<>();
                    for (int k = 0; k < a.size(); k++) {
                        JsonNode p = a.get(k);
                        if (!p.isArray() || p.size() != 2)
                            throw new ProtocolViolation(where + "\"vdevices[" + k + "]\" must be [virtId, streamId]");
                        pairs.add(new long[] {Json.u64(p.get(0), f + "[" + k + "][0]"), Json.u64(p.get(1), f + "[" + k + "][1]")});
                    }
                    m.put(f, List.copyOf(pairs));
                    break;
                }
                case "dataType":
                    m.put(f, Json.string(v, f));
                    break;
                default:
                    m.put(f, Json.integer(v, f));
            }
        }
        return new ComponentOp(name, m);
    }
}
