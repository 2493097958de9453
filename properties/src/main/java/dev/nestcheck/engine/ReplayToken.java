package dev.nestcheck.engine;

import java.util.Arrays;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Encodes a choice sequence as a short printable token, so that a failure report can say "run exactly
 * this case" and a developer can paste it back ({@code -Dnestcheck.replay=TOKEN}).
 *
 * <p>Format: {@code nc1.} followed by unpadded base64url of: the choice count and each choice as unsigned
 * LEB128 varints, then a 4-byte CRC-32 of those bytes (so a truncated or mistyped token is detected
 * rather than silently replaying a different case). Small choices take one byte each.
 */
public final class ReplayToken {

    static final String PREFIX = "nc1.";

    private ReplayToken() { }

    /** @throws IllegalArgumentException if a choice is negative */
    public static String encode(long[] choices) {
        byte[] buf = new byte[10 * (choices.length + 1) + 4];
        int n = writeVarint(buf, 0, choices.length);
        for (int i = 0; i < choices.length; i++) {
            if (choices[i] < 0) {
                throw new IllegalArgumentException("choice " + i + " is negative: " + choices[i]);
            }
            n = writeVarint(buf, n, choices[i]);
        }
        CRC32 crc = new CRC32();
        crc.update(buf, 0, n);
        long c = crc.getValue();
        for (int shift = 24; shift >= 0; shift -= 8) {
            buf[n++] = (byte) (c >>> shift);
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(buf, n));
    }

    /** @throws IllegalArgumentException with a one-line explanation if the token is malformed */
    public static long[] decode(String token) {
        if (token == null) {
            throw bad("it is null");
        }
        String t = token.strip();
        if (!t.startsWith(PREFIX)) {
            throw bad("it does not start with '" + PREFIX + "' (copy the whole token from the failure report)");
        }
        String body = t.substring(PREFIX.length());
        for (int i = 0; i < body.length(); i++) {
            char ch = body.charAt(i);
            boolean ok = ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9'
                    || ch == '-' || ch == '_';
            if (!ok) {
                throw bad("character '" + ch + "' at position " + (PREFIX.length() + i)
                        + " is not base64url (A-Z a-z 0-9 - _)");
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw bad("its length is impossible for base64url (truncated?)");
        }
        if (bytes.length < 5) {
            throw bad("it is too short to hold a choice count and checksum (truncated?)");
        }
        int n = bytes.length - 4;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, n);
        long expected = 0;
        for (int i = n; i < bytes.length; i++) {
            expected = (expected << 8) | (bytes[i] & 0xFF);
        }
        if (crc.getValue() != expected) {
            throw bad("checksum mismatch (the token was truncated or mistyped)");
        }
        long[] pos = {0};
        long count = readVarint(bytes, n, pos, "the choice count");
        if (count > n) {
            throw bad("it claims " + count + " choices but holds only " + n + " bytes");
        }
        long[] choices = new long[(int) count];
        for (int i = 0; i < count; i++) {
            choices[i] = readVarint(bytes, n, pos, "choice " + i);
        }
        if (pos[0] != n) {
            throw bad("it has " + (n - pos[0]) + " unexpected trailing bytes after " + count + " choices");
        }
        return choices;
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("Malformed nestcheck replay token: " + why + ".");
    }

    private static int writeVarint(byte[] buf, int n, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[n++] = (byte) v;
        return n;
    }

    private static long readVarint(byte[] bytes, int end, long[] pos, String what) {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            if (pos[0] >= end) {
                throw bad("it ends in the middle of " + what);
            }
            byte b = bytes[(int) pos[0]++];
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    throw bad(what + " is out of range");
                }
                return v;
            }
        }
        throw bad(what + " is out of range");
    }
}
