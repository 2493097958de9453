package dev.nestcheck.trace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.SteKind;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and writes traces in the nestcheck trace format, version 1 (TRACE.md).
 *
 * <p>Reading is strict: unknown fields, wrong types, missing required fields, an unknown
 * {@code op}, a wrong {@code format}, malformed JSON (duplicate keys and trailing content
 * included) and invalid platforms are rejected with a {@link TraceFormatException} whose
 * message is one line naming the file, the step index (0-based) and the field. Field order
 * is free. Defaults: {@code description} absent → null; {@code kvm} absent → 1 CPU, 8 bits;
 * an SMMU's {@code rangeInv} absent → false and {@code maxTlbiPages} → 512 (rules v2);
 * {@code dataType} absent → {@code NONE} (hwpt_alloc and invalidate); {@code data} absent →
 * null. 64-bit values (data and command words, {@code virtId}, {@code streamId}, {@code iova},
 * {@code pages}, ok values) are {@code "0x..."} strings of 1 to 16 hex digits or JSON integers
 * from 0 below 2^53, over the whole unsigned range. {@code flags} is the uapi's u32: a JSON
 * integer from 0 to 2^32 - 1 (an unknown bit is the implementation's EOPNOTSUPP, not a format
 * error).
 *
 * <p>Writing is deterministic: fixed field order as in TRACE.md's example, 2-space
 * indentation, one step per line, data and command words as {@code "0x%016x"}, other 64-bit
 * values as numbers when below 2^53, a trailing newline. {@code parse(write(t), s)} equals
 * {@code t} for every trace.
 */
public final class TraceCodec {
    /** The {@code format} string of version 1. */
    public static final String FORMAT = "nestcheck-trace/1";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final long TWO_53 = 1L << 53;
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,16}");
    private static final Pattern DEVICE_KEY = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final Pattern UNNAMED_OPCODE = Pattern.compile("OP_0x[0-9a-f]{2}");

    /** Per op: its fields in writing order, and which of them may be omitted. */
    private static final Map<String, List<String>> FIELDS = new LinkedHashMap<>();
    private static final Set<String> OPTIONAL = Set.of("hwpt_alloc.dataType", "hwpt_alloc.data", "invalidate.dataType");

    static {
        FIELDS.put("open", List.of());
        FIELDS.put("close", List.of("ctx"));
        FIELDS.put("bind", List.of("ctx", "device"));
        FIELDS.put("unbind", List.of("ctx", "dev"));
        FIELDS.put("ioas_alloc", List.of("ctx"));
        FIELDS.put("hwpt_alloc", List.of("ctx", "dev", "pt", "flags", "dataType", "data"));
        FIELDS.put("viommu_alloc", List.of("ctx", "dev", "hwpt", "type"));
        FIELDS.put("vdevice_alloc", List.of("ctx", "viommu", "dev", "virtId"));
        FIELDS.put("attach", List.of("ctx", "dev", "hwpt"));
        FIELDS.put("detach", List.of("ctx", "dev"));
        FIELDS.put("destroy", List.of("ctx", "id"));
        FIELDS.put("invalidate", List.of("ctx", "id", "dataType", "commands"));
        FIELDS.put("kvm_vm_create", List.of());
        FIELDS.put("kvm_vm_destroy", List.of("vm"));
        FIELDS.put("kvm_bind", List.of("ctx", "vm"));
        FIELDS.put("vcpu_load", List.of("vm", "cpu"));
        FIELDS.put("vcpu_put", List.of("cpu"));
        FIELDS.put("ioas_map", List.of("ctx", "ioas", "iova", "pages"));
        FIELDS.put("ioas_unmap", List.of("ctx", "ioas", "iova", "pages"));
    }

    private TraceCodec() {
    }

    /** The op names of version 1, in TRACE.md's order. */
    public static List<String> opNames() {
        return List.copyOf(FIELDS.keySet());
    }

    // ------------------------------------------------------------------ reading

    /** Reads a trace file; the error messages name the file as given. */
    public static Trace read(Path file) {
        String source = file.toString();
        return new Reader(source).trace(tree(readBytes(file), source));
    }

    /** Parses a trace; {@code sourceName} starts every error message. */
    public static Trace parse(String json, String sourceName) {
        return new Reader(sourceName).trace(tree(json, sourceName));
    }

    /** Parses a trace from its bytes, as a file's are read (the encoding detected as for a file). */
    public static Trace parse(byte[] json, String sourceName) {
        if (json.length > MAX_BYTES) throw tooLarge(sourceName, json.length);
        return new Reader(sourceName).trace(tree(json, sourceName));
    }

    /** The largest trace read (a trace is read whole: 256 MiB is some five million steps). */
    static final long MAX_BYTES = 256L << 20;

    private static TraceFormatException tooLarge(String source, long bytes) {
        return new TraceFormatException(source + ": too large for a trace (" + String.format(java.util.Locale.ROOT, "%,d", bytes)
                + " bytes; traces are read whole, up to " + (MAX_BYTES >> 20) + " MiB)");
    }

    /**
     * Reads a platform-only file: the same object as a trace's {@code platform}, in which
     * {@code policy} may be left out (it is then S2_PARENT; commands apply their own policies).
     */
    public static Platform readPlatform(Path file) {
        String source = file.toString();
        return new Reader(source).platformFile(tree(readBytes(file), source));
    }

    /** Parses a platform-only JSON object (the same object as a trace's {@code platform}). */
    public static Platform parsePlatform(String json, String sourceName) {
        return new Reader(sourceName).platformFile(tree(json, sourceName));
    }

    /**
     * Parses one step object, as {@link #writeStep} writes it (the process protocol sends
     * operations this way, docs/PROTOCOL.md); error messages start with {@code sourceName}.
     */
    public static Step parseStep(String json, Platform platform, String sourceName) {
        return new Reader(sourceName).step(tree(json, sourceName), platform);
    }

    private static byte[] readBytes(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) throw tooLarge(file.toString(), Files.size(file));
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw new TraceFormatException(file + ": cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""), e);
        }
    }

    private static JsonNode tree(Object content, String source) {
        try {
            JsonNode n = content instanceof byte[] b ? MAPPER.readTree(b) : MAPPER.readTree((String) content);
            if (n == null || n.isMissingNode()) throw new TraceFormatException(source + ": empty file, expected a JSON object");
            return n;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc != null && loc.getLineNr() > 0
                    ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "";
            throw new TraceFormatException(source + ": malformed JSON" + where + ": " + plain(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new TraceFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Jackson's message in the words of JSON, not of Jackson's options: what is wrong, without the
     * feature to enable (those extensions are not JSON, and TRACE.md is JSON).
     */
    static String plain(String msg) {
        if (msg == null) return "unreadable";
        String m = msg;
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        if (m.contains("ALLOW_COMMENTS") || m.contains("ALLOW_YAML_COMMENTS")) return "a comment: JSON has none";
        if (m.contains("NON_NUMERIC_NUMBERS")) return "NaN or Infinity: not JSON numbers";
        if (m.contains("FAIL_ON_TRAILING_TOKENS") || m.startsWith("Trailing token"))
            return "more after the end of the object: a trace is one JSON object";
        if (m.contains("ALLOW_SINGLE_QUOTES")) return "a single quote: JSON strings take double quotes";
        if (m.contains("ALLOW_LEADING_ZEROS") || m.contains("Leading zeroes")) return "a number with a leading zero";
        if (m.contains("StreamReadConstraints")) return m.replaceAll("\\s*\\(.*StreamReadConstraints.*", "");
        return m.replaceAll("\\s*\\(for [^)]*\\)", "").replaceAll(";?\\s*(to allow|enable) `[^`]*`.*", "");
    }

    /** The strict reader; {@code where} is the part of the message after the file name. */
    private static final class Reader {
        private final String source;
        private String where = "";

        Reader(String source) {
            this.source = source;
        }

        TraceFormatException fail(String detail) {
            return new TraceFormatException(source + ": " + (where.isEmpty() ? "" : where + ": ") + detail);
        }

        Trace trace(JsonNode root) {
            if (!root.isObject()) throw fail("a trace must be a JSON object");
            if (!root.has("format")) throw fail("missing field \"format\" (\"" + FORMAT + "\"): not a nestcheck trace?");
            String format = string(root.get("format"), "format");
            if (!FORMAT.equals(format))
                throw fail("\"format\" must be \"" + FORMAT + "\", got " + quote(format));
            fields(root, "", Set.of("format", "description", "platform", "steps"), List.of("format", "platform", "steps"));
            String description = root.has("description") ? string(root.get("description"), "description") : null;
            where = "platform";
            Platform platform = platform(root.get("platform"));
            where = "";
            JsonNode stepsNode = root.get("steps");
            if (!stepsNode.isArray()) throw fail("\"steps\" must be a list");
            List<Step> steps = new ArrayList<>(stepsNode.size());
            for (int i = 0; i < stepsNode.size(); i++) {
                // numbered from 1, as in every report and replay message, with the JSON index beside it
                where = "step " + (i + 1) + " (steps[" + i + "])";
                steps.add(step(stepsNode.get(i), platform));
            }
            return new Trace(description, platform, steps);
        }

        Platform platformFile(JsonNode root) {
            where = "platform";
            // a platform file may leave the policy out: every command that takes one runs it under its own policies
            if (root.isObject() && !root.has("policy")) {
                com.fasterxml.jackson.databind.node.ObjectNode copy = root.deepCopy();
                copy.put("policy", Policy.S2_PARENT.name());
                return platform(copy);
            }
            return platform(root);
        }

        Platform platform(JsonNode p) {
            if (!p.isObject()) throw fail("\"platform\" must be an object");
            fields(p, "", Set.of("policy", "smmus", "devices", "kvm"), List.of("policy", "smmus", "devices"));
            Policy policy = enumValue(p.get("policy"), "policy", Policy.class);
            JsonNode smmusNode = array(p.get("smmus"), "smmus");
            JsonNode devicesNode = array(p.get("devices"), "devices");
            try {
                List<SmmuSpec> smmus = new ArrayList<>();
                for (int i = 0; i < smmusNode.size(); i++) {
                    String at = "smmus[" + i + "]";
                    JsonNode s = object(smmusNode.get(i), at);
                    List<String> names = List.of("id", "vmidBits", "nesting", "s2fwb", "btm");
                    fields(s, at + ".", Set.of("id", "vmidBits", "nesting", "s2fwb", "btm", "rangeInv", "maxTlbiPages"), names);
                    smmus.add(new SmmuSpec(integer(s.get("id"), at + ".id"), integer(s.get("vmidBits"), at + ".vmidBits"),
                            bool(s.get("nesting"), at + ".nesting"), bool(s.get("s2fwb"), at + ".s2fwb"),
                            bool(s.get("btm"), at + ".btm"),
                            s.has("rangeInv") && bool(s.get("rangeInv"), at + ".rangeInv"),
                            s.has("maxTlbiPages") ? integer(s.get("maxTlbiPages"), at + ".maxTlbiPages")
                                    : SmmuSpec.DEFAULT_MAX_TLBI_PAGES));
                }
                List<DeviceSpec> devices = new ArrayList<>();
                for (int i = 0; i < devicesNode.size(); i++) {
                    String at = "devices[" + i + "]";
                    JsonNode d = object(devicesNode.get(i), at);
                    List<String> names = List.of("id", "smmu", "streamId", "canwbs");
                    fields(d, at + ".", Set.copyOf(names), names);
                    devices.add(new DeviceSpec(integer(d.get("id"), at + ".id"), integer(d.get("smmu"), at + ".smmu"),
                            u64(d.get("streamId"), at + ".streamId"), bool(d.get("canwbs"), at + ".canwbs")));
                }
                KvmSpec kvm = KvmSpec.DEFAULT;
                if (p.has("kvm")) {
                    JsonNode k = object(p.get("kvm"), "kvm");
                    List<String> names = List.of("cpus", "vmidBits");
                    fields(k, "kvm.", Set.copyOf(names), names);
                    kvm = new KvmSpec(integer(k.get("cpus"), "kvm.cpus"), integer(k.get("vmidBits"), "kvm.vmidBits"));
                }
                return new Platform(policy, smmus, devices, kvm);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage() == null ? "invalid" : e.getMessage();
                throw fail(m.startsWith("platform: ") ? m.substring("platform: ".length()) : m);
            }
        }

        Step step(JsonNode s, Platform platform) {
            if (!s.isObject()) throw fail("a step must be an object");
            if (!s.has("op")) throw fail("missing field \"op\"");
            String name = string(s.get("op"), "op");
            List<String> opFields = FIELDS.get(name);
            if (opFields == null)
                throw fail("unknown op " + quote(name) + " (one of " + String.join(", ", FIELDS.keySet()) + ")");
            // "step 2 (steps[1])" becomes "step 2 (steps[1], hwpt_alloc)"; a lone step (parseStep) has no place
            if (where.endsWith(")")) where = where.substring(0, where.length() - 1) + ", " + name + ")";
            Set<String> allowed = new java.util.HashSet<>(opFields);
            allowed.add("op");
            allowed.add("expect");
            List<String> required = opFields.stream().filter(f -> !OPTIONAL.contains(name + "." + f)).toList();
            fields(s, "", allowed, required);
            Op op = op(name, s);
            Expectation expect = s.has("expect") ? expectation(s.get("expect"), platform) : null;
            // expectations no outcome of this op can meet are a malformed trace, not a failed check
            if (expect != null && expect.entryNum() != null && !(op instanceof Op.Invalidate))
                throw fail("\"expect.entryNum\" is for invalidate only");
            if (expect != null && expect.result() instanceof Expectation.OkValue && !op.returnsValue())
                throw fail("\"expect.ok\" must be true: " + name + " returns no value");
            return new Step(op, expect);
        }

        Op op(String name, JsonNode s) {
            switch (name) {
                case "open": return new Op.Open();
                case "close": return new Op.Close(i(s, "ctx"));
                case "bind": return new Op.Bind(i(s, "ctx"), i(s, "device"));
                case "unbind": return new Op.Unbind(i(s, "ctx"), id(s, "dev"));
                case "ioas_alloc": return new Op.IoasAlloc(i(s, "ctx"));
                case "hwpt_alloc": {
                    List<Long> data = null;
                    if (s.has("data")) {
                        JsonNode d = array(s.get("data"), "data");
                        data = new ArrayList<>(d.size());
                        for (int k = 0; k < d.size(); k++) data.add(u64(d.get(k), "data[" + k + "]"));
                    }
                    return new Op.HwptAlloc(i(s, "ctx"), id(s, "dev"), id(s, "pt"), u32(s.get("flags"), "flags"), dataType(s), data);
                }
                case "viommu_alloc":
                    return new Op.ViommuAlloc(i(s, "ctx"), id(s, "dev"), id(s, "hwpt"), string(s.get("type"), "type"));
                case "vdevice_alloc":
                    return new Op.VdeviceAlloc(i(s, "ctx"), id(s, "viommu"), id(s, "dev"), u64(s.get("virtId"), "virtId"));
                case "attach": return new Op.Attach(i(s, "ctx"), id(s, "dev"), id(s, "hwpt"));
                case "detach": return new Op.Detach(i(s, "ctx"), id(s, "dev"));
                case "destroy": return new Op.Destroy(i(s, "ctx"), id(s, "id"));
                case "invalidate": {
                    JsonNode c = array(s.get("commands"), "commands");
                    List<Cmd> cmds = new ArrayList<>(c.size());
                    for (int k = 0; k < c.size(); k++) {
                        JsonNode w = c.get(k);
                        if (!w.isArray() || w.size() != 2)
                            throw fail("\"commands[" + k + "]\" must be a list of two 64-bit words [word0, word1]");
                        cmds.add(new Cmd(u64(w.get(0), "commands[" + k + "][0]"), u64(w.get(1), "commands[" + k + "][1]")));
                    }
                    return new Op.Invalidate(i(s, "ctx"), id(s, "id"), dataType(s), cmds);
                }
                case "kvm_vm_create": return new Op.KvmVmCreate();
                case "kvm_vm_destroy": return new Op.KvmVmDestroy(i(s, "vm"));
                case "kvm_bind": return new Op.KvmBind(i(s, "ctx"), i(s, "vm"));
                case "vcpu_load": return new Op.VcpuLoad(i(s, "vm"), i(s, "cpu"));
                case "vcpu_put": return new Op.VcpuPut(i(s, "cpu"));
                case "ioas_map":
                    return new Op.IoasMap(i(s, "ctx"), id(s, "ioas"), u64(s.get("iova"), "iova"), u64(s.get("pages"), "pages"));
                case "ioas_unmap":
                    return new Op.IoasUnmap(i(s, "ctx"), id(s, "ioas"), u64(s.get("iova"), "iova"), u64(s.get("pages"), "pages"));
                default: throw new IllegalStateException(name);
            }
        }

        Expectation expectation(JsonNode e, Platform platform) {
            if (!e.isObject()) throw fail("\"expect\" must be an object");
            Set<String> names = Set.of("ok", "errno", "entryNum", "issued", "ste");
            fields(e, "expect.", names, List.of());
            if (e.has("ok") && e.has("errno")) throw fail("\"expect\" has both \"ok\" and \"errno\"");
            Expectation.Result result = null;
            if (e.has("ok")) {
                JsonNode ok = e.get("ok");
                if (ok.isBoolean()) {
                    if (!ok.booleanValue()) throw fail("\"expect.ok\" must be true or a number (use \"errno\" for failures)");
                    result = new Expectation.Ok();
                } else if (ok.isNumber() || ok.isTextual()) {
                    result = new Expectation.OkValue(u64(ok, "expect.ok"));
                } else {
                    throw fail("\"expect.ok\" must be true or a number");
                }
            } else if (e.has("errno")) {
                result = new Expectation.Fail(enumValue(e.get("errno"), "expect.errno", Errno.class));
            }
            Integer entryNum = null;
            if (e.has("entryNum")) {
                entryNum = integer(e.get("entryNum"), "expect.entryNum");
                if (entryNum < 0) throw fail("\"expect.entryNum\" must be >= 0, got " + entryNum);
            }
            List<String> issued = null;
            if (e.has("issued")) {
                JsonNode a = array(e.get("issued"), "expect.issued");
                issued = new ArrayList<>(a.size());
                for (int k = 0; k < a.size(); k++) {
                    String label = "expect.issued[" + k + "]";
                    String n = string(a.get(k), label);
                    if (Cmd.opcodeOf(n) < 0 && !UNNAMED_OPCODE.matcher(n).matches())
                        throw fail(quote(label) + " is not an opcode name: " + quote(n));
                    issued.add(n);
                }
            }
            Map<Integer, SteKind> ste = null;
            if (e.has("ste")) {
                JsonNode m = object(e.get("ste"), "expect.ste");
                ste = new TreeMap<>();
                for (Map.Entry<String, JsonNode> f : m.properties()) {
                    String key = f.getKey();
                    String label = "expect.ste." + key;
                    if (!DEVICE_KEY.matcher(key).matches())
                        throw fail(quote(label) + ": keys must be platform device ids, got " + quote(key));
                    int dev = Integer.parseInt(key);
                    if (dev >= platform.devices().size())
                        throw fail(quote(label) + ": the platform has no device " + dev);
                    ste.put(dev, enumValue(f.getValue(), label, SteKind.class));
                }
            }
            return new Expectation(result, entryNum, issued, ste);
        }

        // ---- field-level helpers; labels are field paths, quoted in messages

        /** Rejects the first unknown field (document order), then the first missing one (listed order). */
        void fields(JsonNode obj, String prefix, Set<String> allowed, List<String> required) {
            for (Map.Entry<String, JsonNode> f : obj.properties())
                if (!allowed.contains(f.getKey())) throw fail("unknown field " + quote(prefix + f.getKey()));
            for (String r : required)
                if (!obj.has(r)) throw fail("missing field " + quote(prefix + r));
        }

        int i(JsonNode s, String field) {
            return integer(s.get(field), field);
        }

        int integer(JsonNode n, String label) {
            if (n == null || !n.isIntegralNumber()) throw fail(quote(label) + " must be an integer");
            if (!n.canConvertToInt()) throw fail(quote(label) + " must be a 32-bit integer, got " + n.asText());
            return n.intValue();
        }

        /** An object ID: a u32 in the uapi ({@code __u32 id}, {@code dev_id}, {@code pt_id}, ...). */
        int id(JsonNode s, String field) {
            return u32(s.get(field), field);
        }

        /**
         * A u32 uapi field: a JSON integer from 0 to 2^32 - 1, kept as the int with those bits.
         * Writers before 2026-12-05 wrote such a field with the high bit set as a negative int
         * (-1 for 4294967295); TRACE.md makes every version-1 writer's file readable, so
         * -2^31..-1 are taken as those bits too.
         */
        int u32(JsonNode n, String label) {
            if (n == null || !n.isIntegralNumber()) throw fail(quote(label) + " must be an integer");
            BigInteger v = n.bigIntegerValue();
            if (v.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0 || v.compareTo(BigInteger.valueOf(0xffff_ffffL)) > 0)
                throw fail(quote(label) + " must be an unsigned 32-bit integer (0 to 4294967295), got " + v);
            return (int) v.longValue();
        }

        long u64(JsonNode n, String label) {
            if (n != null && n.isTextual()) {
                String t = n.textValue();
                if (!HEX.matcher(t).matches())
                    throw fail(quote(label) + " must be a 64-bit value: \"0x\" and 1 to 16 hex digits, or a number below 2^53; got "
                            + quote(t));
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            if (n != null && n.isIntegralNumber()) {
                BigInteger v = n.bigIntegerValue();
                if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(TWO_53)) >= 0)
                    throw fail(quote(label) + " must be a number from 0 below 2^53 or a \"0x...\" string, got " + v);
                return v.longValue();
            }
            throw fail(quote(label) + " must be a 64-bit value: a \"0x...\" string or a number below 2^53");
        }

        boolean bool(JsonNode n, String label) {
            if (n == null || !n.isBoolean()) throw fail(quote(label) + " must be true or false");
            return n.booleanValue();
        }

        String string(JsonNode n, String label) {
            if (n == null || !n.isTextual()) throw fail(quote(label) + " must be a string");
            return n.textValue();
        }

        JsonNode array(JsonNode n, String label) {
            if (n == null || !n.isArray()) throw fail(quote(label) + " must be a list");
            return n;
        }

        JsonNode object(JsonNode n, String label) {
            if (n == null || !n.isObject()) throw fail(quote(label) + " must be an object");
            return n;
        }

        <E extends Enum<E>> E enumValue(JsonNode n, String label, Class<E> type) {
            String v = string(n, label);
            for (E e : type.getEnumConstants()) if (e.name().equals(v)) return e;
            throw fail(quote(label) + " must be one of "
                    + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))
                    + ", got " + quote(v));
        }

        DataType dataType(JsonNode s) {
            return s.has("dataType") ? enumValue(s.get("dataType"), "dataType", DataType.class) : DataType.NONE;
        }
    }

    // ------------------------------------------------------------------ writing

    /** The trace as version-1 JSON; the same trace always gives the same bytes. */
    public static String write(Trace trace) {
        StringBuilder sb = new StringBuilder(256 + 96 * trace.steps().size());
        sb.append("{\n");
        sb.append("  \"format\": ").append(quote(FORMAT)).append(",\n");
        if (trace.description() != null) sb.append("  \"description\": ").append(quote(trace.description())).append(",\n");
        sb.append("  \"platform\": ");
        platform(sb, trace.platform(), "  ");
        sb.append(",\n");
        List<Step> steps = trace.steps();
        if (steps.isEmpty()) {
            sb.append("  \"steps\": []\n");
        } else {
            sb.append("  \"steps\": [\n");
            for (int i = 0; i < steps.size(); i++) {
                sb.append("    ").append(step(steps.get(i)));
                sb.append(i + 1 < steps.size() ? ",\n" : "\n");
            }
            sb.append("  ]\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    /** A platform-only file, readable by {@link #parsePlatform}. */
    public static String writePlatform(Platform platform) {
        StringBuilder sb = new StringBuilder();
        platform(sb, platform, "");
        return sb.append('\n').toString();
    }

    /** One step as the single line {@link #write} puts in {@code steps}. */
    public static String writeStep(Step step) {
        return step(step);
    }

    private static void platform(StringBuilder sb, Platform p, String indent) {
        sb.append("{\n");
        sb.append(indent).append("  \"policy\": ").append(quote(p.policy().name())).append(",\n");
        sb.append(indent).append("  \"smmus\":   ");
        list(sb, p.smmus().stream().map(TraceCodec::smmu).toList(), indent + "  ");
        sb.append(",\n");
        sb.append(indent).append("  \"devices\": ");
        list(sb, p.devices().stream().map(TraceCodec::device).toList(), indent + "  ");
        sb.append(",\n");
        sb.append(indent).append("  \"kvm\":     {\"cpus\": ").append(p.kvm().cpus())
                .append(", \"vmidBits\": ").append(p.kvm().vmidBits()).append("}\n");
        sb.append(indent).append('}');
    }

    /** {@code []}, {@code [ x ]} on one line as in TRACE.md, or one item per line. */
    private static void list(StringBuilder sb, List<String> items, String indent) {
        if (items.isEmpty()) {
            sb.append("[]");
        } else if (items.size() == 1) {
            sb.append("[ ").append(items.get(0)).append(" ]");
        } else {
            sb.append("[\n");
            for (int i = 0; i < items.size(); i++)
                sb.append(indent).append("  ").append(items.get(i)).append(i + 1 < items.size() ? ",\n" : "\n");
            sb.append(indent).append(']');
        }
    }

    private static String smmu(SmmuSpec s) {
        return "{\"id\": " + s.id() + ", \"vmidBits\": " + s.vmidBits() + ", \"nesting\": " + s.nesting()
                + ", \"s2fwb\": " + s.s2fwb() + ", \"btm\": " + s.btm()
                + (s.rangeInv() ? ", \"rangeInv\": true" : "")
                + (s.maxTlbiPages() != SmmuSpec.DEFAULT_MAX_TLBI_PAGES ? ", \"maxTlbiPages\": " + s.maxTlbiPages() : "") + "}";
    }

    private static String device(DeviceSpec d) {
        return "{\"id\": " + d.id() + ", \"smmu\": " + d.smmu() + ", \"streamId\": " + value(d.streamId())
                + ", \"canwbs\": " + d.canwbs() + "}";
    }

    private static String step(Step step) {
        StringBuilder sb = new StringBuilder("{\"op\": ").append(quote(step.op().name()));
        step.op().accept(new FieldWriter(sb));
        if (step.expect() != null) sb.append(", \"expect\": ").append(expectation(step.expect()));
        return sb.append('}').toString();
    }

    private static String expectation(Expectation e) {
        List<String> parts = new ArrayList<>();
        if (e.result() instanceof Expectation.Ok) parts.add("\"ok\": true");
        else if (e.result() instanceof Expectation.OkValue v) parts.add("\"ok\": " + value(v.value()));
        else if (e.result() instanceof Expectation.Fail f) parts.add("\"errno\": " + quote(f.errno().name()));
        if (e.entryNum() != null) parts.add("\"entryNum\": " + e.entryNum());
        if (e.issued() != null)
            parts.add("\"issued\": [" + e.issued().stream().map(TraceCodec::quote).collect(Collectors.joining(", ")) + "]");
        if (e.ste() != null)
            parts.add("\"ste\": {" + e.ste().entrySet().stream()
                    .map(x -> quote(String.valueOf(x.getKey())) + ": " + quote(x.getValue().name()))
                    .collect(Collectors.joining(", ")) + "}");
        return "{" + String.join(", ", parts) + "}";
    }

    /** Appends {@code , "field": value} for each field of an op, in TRACE.md's order. */
    private static final class FieldWriter implements Op.Visitor<Void> {
        private final StringBuilder sb;

        FieldWriter(StringBuilder sb) {
            this.sb = sb;
        }

        private FieldWriter f(String name, Object rendered) {
            sb.append(", ").append(quote(name)).append(": ").append(rendered);
            return this;
        }

        public Void open(Op.Open op) { return null; }
        public Void close(Op.Close op) { f("ctx", op.ctx()); return null; }
        public Void bind(Op.Bind op) { f("ctx", op.ctx()).f("device", op.device()); return null; }
        public Void unbind(Op.Unbind op) { f("ctx", op.ctx()).f("dev", u32(op.dev())); return null; }
        public Void ioasAlloc(Op.IoasAlloc op) { f("ctx", op.ctx()); return null; }

        public Void hwptAlloc(Op.HwptAlloc op) {
            f("ctx", op.ctx()).f("dev", u32(op.dev())).f("pt", u32(op.pt())).f("flags", u32(op.flags()));
            if (op.dataType() != DataType.NONE) f("dataType", quote(op.dataType().name()));
            if (op.data() != null)
                f("data", "[" + op.data().stream().map(TraceCodec::word).collect(Collectors.joining(", ")) + "]");
            return null;
        }

        public Void viommuAlloc(Op.ViommuAlloc op) {
            f("ctx", op.ctx()).f("dev", u32(op.dev())).f("hwpt", u32(op.hwpt())).f("type", quote(op.type()));
            return null;
        }

        public Void vdeviceAlloc(Op.VdeviceAlloc op) {
            f("ctx", op.ctx()).f("viommu", u32(op.viommu())).f("dev", u32(op.dev())).f("virtId", value(op.virtId()));
            return null;
        }

        public Void attach(Op.Attach op) { f("ctx", op.ctx()).f("dev", u32(op.dev())).f("hwpt", u32(op.hwpt())); return null; }
        public Void detach(Op.Detach op) { f("ctx", op.ctx()).f("dev", u32(op.dev())); return null; }
        public Void destroy(Op.Destroy op) { f("ctx", op.ctx()).f("id", u32(op.id())); return null; }

        public Void invalidate(Op.Invalidate op) {
            f("ctx", op.ctx()).f("id", u32(op.id())).f("dataType", quote(op.dataType().name()));
            f("commands", "[" + op.commands().stream().map(c -> "[" + word(c.word0()) + ", " + word(c.word1()) + "]")
                    .collect(Collectors.joining(", ")) + "]");
            return null;
        }

        public Void kvmVmCreate(Op.KvmVmCreate op) { return null; }
        public Void kvmVmDestroy(Op.KvmVmDestroy op) { f("vm", op.vm()); return null; }
        public Void kvmBind(Op.KvmBind op) { f("ctx", op.ctx()).f("vm", op.vm()); return null; }
        public Void vcpuLoad(Op.VcpuLoad op) { f("vm", op.vm()).f("cpu", op.cpu()); return null; }
        public Void vcpuPut(Op.VcpuPut op) { f("cpu", op.cpu()); return null; }

        public Void ioasMap(Op.IoasMap op) {
            f("ctx", op.ctx()).f("ioas", u32(op.ioas())).f("iova", value(op.iova())).f("pages", value(op.pages()));
            return null;
        }

        public Void ioasUnmap(Op.IoasUnmap op) {
            f("ctx", op.ctx()).f("ioas", u32(op.ioas())).f("iova", value(op.iova())).f("pages", value(op.pages()));
            return null;
        }
    }

    /** A u32 uapi field (object IDs, {@code flags}) as TRACE.md writes it: 0 to 4294967295. */
    static String u32(int v) {
        return Integer.toUnsignedString(v);
    }

    /** A data or command word: always {@code "0x%016x"}. */
    static String word(long w) {
        return String.format(Locale.ROOT, "\"0x%016x\"", w);
    }

    /** Another 64-bit value: a number below 2^53, else {@code "0x%016x"}. */
    static String value(long v) {
        return v >= 0 && v < TWO_53 ? Long.toString(v) : word(v);
    }

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
