package dev.nestcheck.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The local failure database: one small file per property (by name and identity) holding the replay
 * token of its last minimal failure, so that the next run with a random seed tries that case first
 * instead of hoping to find it again (as Hypothesis' example database does). A run that passes the
 * stored case deletes it. Files are plain text: the token, one line, which can also be pasted.
 *
 * <p>Best effort: a folder that cannot be read or written never fails a run; the run just goes on
 * without the database.
 */
final class FailureDatabase {

    private final Path folder;

    FailureDatabase(Path folder) {
        this.folder = folder;
    }

    /** The stored token of the property, if any. */
    Optional<String> load(String name, String identity) {
        Path f = file(name, identity);
        try {
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            String token = Files.readString(f, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Stores (replacing) the property's last failure; atomically, so a concurrent reader sees old or new. */
    void save(String name, String identity, String token) {
        Path f = file(name, identity);
        try {
            Files.createDirectories(folder);
            Path tmp = Files.createTempFile(folder, ".nestcheck", ".tmp");
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
            // best effort: a read-only or missing target/ must not fail the run
        }
    }

    void delete(String name, String identity) {
        try {
            Files.deleteIfExists(file(name, identity));
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** A readable, file-system-safe name plus a checksum of the exact name and identity. */
    Path file(String name, String identity) {
        String readable = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 80) {
            readable = readable.substring(0, 80);
        }
        long h = ReplayToken.hash(name + "\u0000" + (identity == null ? "" : identity));
        return folder.resolve(String.format(Locale.ROOT, "%s-%08x.token", readable, h));
    }
}
