package dev.nestcheck.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes report files so that a reader (or an interrupted run) never sees a half-written one:
 * the content goes to a temporary file in the same folder, which is then renamed over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Why a file operation failed, in words (the exceptions of java.nio.file name only the path, often
     * of our hidden temporary file): "permission denied", "no such file or folder", "is a folder", or
     * the system's reason.
     */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or folder, or it cannot hold files";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file is in the way";
        if (e instanceof java.nio.file.DirectoryNotEmptyException) return "is a folder";
        if (e instanceof java.nio.file.FileSystemException && ((java.nio.file.FileSystemException) e).getReason() != null)
            return ((java.nio.file.FileSystemException) e).getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Fails now, in one line, when {@code target} could not be written later: its folder is created and
     * a hidden file is made there and removed again.
     */
    public static void checkWritable(Path target) {
        try {
            if (Files.isDirectory(target)) throw new java.nio.file.FileSystemException(target.toString(), null, "is a folder");
            probe(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
        }
    }

    /** Creates {@code dir} if needed and a hidden file in it, removed again: whether files can be written there. */
    public static void probe(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.delete(Files.createTempFile(dir, ".nestcheck-probe", ".tmp"));
    }

    /** Writes {@code content} as UTF-8 to {@code target} atomically, creating its folder if needed. */
    public static Path write(Path target, String content) {
        return write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path write(Path target, byte[] content) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // a hidden sibling, created like any new file (so it gets the usual permissions, unlike createTempFile)
            tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // some file systems cannot combine the flags; a rename is still atomic there
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after its target
                }
            }
        }
    }
}
