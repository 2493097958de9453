package dev.nestcheck.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Strict reading of protocol lines and the small writing helpers the codecs share. The value
 * rules are the trace format's (TRACE.md): 64-bit values are {@code "0x..."} strings of 1 to 16
 * hex digits or JSON integers from 0 below 2^53. Every problem is a {@link ProtocolViolation}
 * with a one-line message naming the field.
 */
public final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final long TWO_53 = 1L << 53;
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,16}");

    private Json() {
    }

    /** A malformed or unexpected protocol message; the message is one line. */
    public static final class ProtocolViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ProtocolViolation(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses one line that must be a JSON object. */
    public static JsonNode object(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            int nl = m == null ? -1 : m.indexOf('\n');
            throw new ProtocolViolation("not JSON: " + (nl < 0 ? m : m.substring(0, nl)) + "; the line: " + excerpt(line, 120));
        }
        if (n == null || !n.isObject()) throw new ProtocolViolation("not a JSON object");
        return n;
    }

    /** Rejects the first unknown field, then the first missing required one. */
    public static void fields(JsonNode obj, String where, Set<String> allowed, List<String> required) {
        for (Map.Entry<String, JsonNode> f : obj.properties())
            if (!allowed.contains(f.getKey())) throw new ProtocolViolation(where + "unknown field " + quote(f.getKey()));
        for (String r : required)
            if (!obj.has(r)) throw new ProtocolViolation(where + "missing field " + quote(r));
    }

    public static int integer(JsonNode n, String label) {
        if (n == null || !n.isIntegralNumber()) throw new ProtocolViolation(quote(label) + " must be an integer");
        if (!n.canConvertToInt()) throw new ProtocolViolation(quote(label) + " must be a 32-bit integer, got " + n.asText());
        return n.intValue();
    }

    public static long u64(JsonNode n, String label) {
        if (n != null && n.isTextual()) {
            String t = n.textValue();
            if (!HEX.matcher(t).matches())
                throw new ProtocolViolation(quote(label) + " must be \"0x\" and 1 to 16 hex digits or a number below 2^53, got "
                        + quote(t));
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        if (n != null && n.isIntegralNumber()) {
            BigInteger v = n.bigIntegerValue();
            if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(TWO_53)) >= 0)
                throw new ProtocolViolation(quote(label) + " must be from 0 below 2^53 or a \"0x...\" string, got " + v);
            return v.longValue();
        }
        throw new ProtocolViolation(quote(label) + " must be a 64-bit value: a \"0x...\" string or a number below 2^53");
    }

    public static boolean bool(JsonNode n, String label) {
        if (n == null || !n.isBoolean()) throw new ProtocolViolation(quote(label) + " must be true or false");
        return n.booleanValue();
    }

    public static String string(JsonNode n, String label) {
        if (n == null || !n.isTextual()) throw new ProtocolViolation(quote(label) + " must be a string");
        return n.textValue();
    }

    public static JsonNode array(JsonNode n, String label) {
        if (n == null || !n.isArray()) throw new ProtocolViolation(quote(label) + " must be a list");
        return n;
    }

    public static JsonNode obj(JsonNode n, String label) {
        if (n == null || !n.isObject()) throw new ProtocolViolation(quote(label) + " must be an object");
        return n;
    }

    public static <E extends Enum<E>> E enumValue(JsonNode n, String label, Class<E> type) {
        String v = string(n, label);
        for (E e : type.getEnumConstants()) if (e.name().equals(v)) return e;
        throw new ProtocolViolation(quote(label) + " must be one of "
                + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))
                + ", got " + quote(v));
    }

    /** A data or command word, as the trace format writes it: {@code "0x%016x"}. */
    public static String word(long w) {
        return String.format(Locale.ROOT, "\"0x%016x\"", w);
    }

    /** Another 64-bit value: a number below 2^53, else {@code "0x%016x"}. */
    public static String value(long v) {
        return v >= 0 && v < TWO_53 ? Long.toString(v) : word(v);
    }

    public static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** A JSON text on one line (the protocol is line-based), whatever whitespace it had. */
    public static String compact(String json) {
        try {
            return MAPPER.writeValueAsString(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("nestcheck bug: not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** At most {@code max} characters of a line, for messages. */
    public static String excerpt(String line, int max) {
        String s = line.length() <= max ? line : line.substring(0, max) + "...";
        return quote(s);
    }
}
