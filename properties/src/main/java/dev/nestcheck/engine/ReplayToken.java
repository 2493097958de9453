package dev.nestcheck.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Encodes a choice sequence as a short printable token, so that a failure report can say "run exactly
 * this case" and a developer can paste it back ({@code -Dnestcheck.replay=TOKEN}).
 *
 * <p>Format: {@code nc1.} followed by unpadded base64url of: the choice count and each choice as unsigned
 * LEB128 varints; optionally the property's identity ({@link Property#identity()}): a tag byte 1, the
 * identity as UTF-8 (length-prefixed; cut to 40 characters and "..." when longer than 48 bytes) and a
 * 4-byte CRC-32 of the whole identity; then a 4-byte CRC-32 of all the bytes before (so a truncated or
 * mistyped token is detected rather than silently replaying a different case). Small choices take one
 * byte each. Tokens without identity are exactly the first version's, so old tokens still replay.
 */
public final class ReplayToken {

    static final String PREFIX = "nc1.";
    private static final int IDENTITY_TAG = 1;
    private static final int IDENTITY_SHOWN = 48;   // bytes of identity stored as text in full
    private static final int IDENTITY_CUT = 40;     // characters kept of a longer one

    /**
     * A decoded token: its choices, and the identity of the property it was made by, if any.
     *
     * @param identity     the identity as stored (cut to 40 characters and "..." when long), or null
     * @param identityHash CRC-32 of the whole identity, or -1 when the token carries none
     */
    public record Decoded(long[] choices, String identity, long identityHash) {
        /** True if the token carries no identity, or the given one (null: the property declares none). */
        public boolean fits(String propertyIdentity) {
            return identity == null || propertyIdentity == null || hash(propertyIdentity) == identityHash;
        }
    }

    private ReplayToken() { }

    /** True if the text looks like a replay token (its prefix); {@link #decode} says whether it is a good one. */
    public static boolean isToken(String text) {
        return text != null && text.strip().startsWith(PREFIX);
    }

    /** @throws IllegalArgumentException if a choice is negative */
    public static String encode(long[] choices) {
        return encode(choices, null);
    }

    /**
     * A token carrying the property's identity (null: none, the first version's format).
     *
     * @throws IllegalArgumentException if a choice is negative
     */
    public static String encode(long[] choices, String identity) {
        byte[] label = identity == null ? new byte[0] : label(identity).getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[10 * (choices.length + 1) + 4 + (identity == null ? 0 : label.length + 20)];
        int n = writeVarint(buf, 0, choices.length);
        for (int i = 0; i < choices.length; i++) {
            if (choices[i] < 0) {
                throw new IllegalArgumentException("choice " + i + " is negative: " + choices[i]);
            }
            n = writeVarint(buf, n, choices[i]);
        }
        if (identity != null) {
            buf[n++] = IDENTITY_TAG;
            n = writeVarint(buf, n, label.length);
            System.arraycopy(label, 0, buf, n, label.length);
            n += label.length;
            long h = hash(identity);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[n++] = (byte) (h >>> shift);
            }
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
        return decodeWithIdentity(token).choices();
    }

    /** The identity a token carries (as stored: long ones are cut), if any. */
    public static Optional<String> identity(String token) {
        return Optional.ofNullable(decodeWithIdentity(token).identity());
    }

    /**
     * The one line that explains why a token does not belong to a property, or empty if it does.
     *
     * @throws IllegalArgumentException if the token is malformed
     */
    public static Optional<String> mismatch(String token, String propertyIdentity) {
        Decoded d = decodeWithIdentity(token);
        if (d.fits(propertyIdentity)) {
            return Optional.empty();
        }
        return Optional.of("This replay token was made by \"" + d.identity() + "\", not by \"" + label(propertyIdentity)
                + "\"" + (d.identity().equals(label(propertyIdentity)) ? String.format(Locale.ROOT,
                " (identity checksums %08x and %08x)", d.identityHash(), hash(propertyIdentity)) : "")
                + ": replay it with the settings it names.");
    }

    /** @throws IllegalArgumentException with a one-line explanation if the token is malformed */
    public static Decoded decodeWithIdentity(String token) {
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
        String identity = null;
        long identityHash = -1;
        if (pos[0] < n && bytes[(int) pos[0]] == IDENTITY_TAG) {
            pos[0]++;
            long length = readVarint(bytes, n, pos, "the identity's length");
            if (length > n - pos[0] - 4) {
                throw bad("its identity is longer than the token");
            }
            identity = new String(bytes, (int) pos[0], (int) length, StandardCharsets.UTF_8);
            pos[0] += length;
            identityHash = 0;
            for (int i = 0; i < 4; i++) {
                identityHash = (identityHash << 8) | (bytes[(int) pos[0]++] & 0xFF);
            }
        }
        if (pos[0] != n) {
            throw bad("it has " + (n - pos[0]) + " unexpected trailing bytes after " + count + " choices");
        }
        return new Decoded(choices, identity, identityHash);
    }

    /** An identity as a token stores it: in full up to 48 bytes, else its first 40 characters and "...". */
    static String label(String identity) {
        if (identity.getBytes(StandardCharsets.UTF_8).length <= IDENTITY_SHOWN) {
            return identity;
        }
        int cut = identity.offsetByCodePoints(0, Math.min(IDENTITY_CUT, identity.codePointCount(0, identity.length())));
        String head = identity.substring(0, cut);
        while (head.getBytes(StandardCharsets.UTF_8).length > IDENTITY_CUT) {
            head = head.substring(0, head.length() - 1);
        }
        return head + "...";
    }

    static long hash(String identity) {
        CRC32 crc = new CRC32();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
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
