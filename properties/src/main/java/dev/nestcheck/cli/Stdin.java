package dev.nestcheck.cli;

import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A trace given as {@code -}: read from standard input, as Unix tools read {@code -}, so that a
 * trace pasted from a mail or piped from another tool can be replayed or exported without a file.
 */
final class Stdin {
    /** The argument that stands for standard input. */
    static final String NAME = "-";
    /** How a trace read from standard input is named in messages and reports. */
    static final String SOURCE = "(standard input)";

    private Stdin() {
    }

    /** Reads standard input to its end and parses it as one trace, as a file's bytes are (a BOM or UTF-16 included). */
    static Trace trace() {
        byte[] json;
        try {
            InputStream in = System.in;
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new TraceFormatException(SOURCE + ": cannot read: " + e.getMessage(), e);
        }
        if (new String(json, StandardCharsets.UTF_8).isBlank())
            throw new TraceFormatException(SOURCE + ": empty: expected one trace (" + TraceCodec.FORMAT + ")");
        return TraceCodec.parse(json, SOURCE);
    }
}
