package dev.nestcheck.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceFilesTest {

    @Test
    void foldersExpandToTheirJsonFilesRecursivelyInSortedOrder(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(a.resolve("sub/deeper"));
        for (String f : List.of("b.json", "a.json", "notes.txt", "sub/z.json", "sub/deeper/c.json", "sub/x.JSON.bak"))
            Files.writeString(a.resolve(f), "{}");
        Path single = Files.writeString(dir.resolve("single.trace"), "{}");
        List<Path> out = TraceFiles.expand(List.of(single, a));
        assertThat(out).containsExactly(single, a.resolve("a.json"), a.resolve("b.json"),
                a.resolve("sub/deeper/c.json"), a.resolve("sub/z.json"));
    }

    @Test
    void filesAreKeptAsGivenInOrder(@TempDir Path dir) throws Exception {
        Path z = Files.writeString(dir.resolve("z.json"), "{}");
        Path a = Files.writeString(dir.resolve("a.json"), "{}");
        assertThat(TraceFiles.expand(List.of(z, a, z))).containsExactly(z, a, z);
        assertThat(TraceFiles.expand(List.of())).isEmpty();
    }

    @Test
    void aMissingPathIsAOneLineError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> TraceFiles.expand(List.of(dir, missing)))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage(missing + ": no such file or folder");
    }

    @Test
    void theCorpusFolderExpandsToEveryRequiredTrace() {
        List<String> names = Corpus.files().stream().map(p -> p.getFileName().toString()).toList();
        for (String r : Corpus.REQUIRED) assertThat(names).contains(r + ".json");
        assertThat(names).isSorted();
    }
}
