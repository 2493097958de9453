package dev.nestcheck.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFilesTest {
    @Test
    void writesCreatesFoldersAndReplaces(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a/b/report.md");
        AtomicFiles.write(f, "one");
        assertThat(f).hasContent("one");
        AtomicFiles.write(f, "two");
        assertThat(f).hasContent("two");
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertThat(s).containsExactly(f);   // no temporary file left behind
        }
    }

    @Test
    void aReaderNeverSeesAHalfWrittenFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("summary.json");
        String a = "a".repeat(200_000);
        String b = "b".repeat(300_000);
        AtomicFiles.write(f, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    String s = Files.readString(f);
                    if (!s.equals(a) && !s.equals(b)) torn.set("length " + s.length());
                } catch (NoSuchFileException e) {
                    torn.set("missing");
                } catch (IOException e) {
                    torn.set(e.toString());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 100; i++) AtomicFiles.write(f, i % 2 == 0 ? b : a);
        done.set(true);
        reader.join();
        assertThat(torn.get()).isNull();
    }
}
