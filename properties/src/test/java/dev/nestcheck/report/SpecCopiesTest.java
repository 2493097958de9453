package dev.nestcheck.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/spec/ ships RULES.md and TRACE.md with the repository, for users whose clone has no
 * ../shared/spec/ next to it; where the project's own copy is there (development, CI), the shipped
 * one must be the same, byte for byte.
 */
class SpecCopiesTest {
    static final Path SHIPPED = Paths.get("..", "docs", "spec");
    static final Path PROJECT = Paths.get("..", "..", "shared", "spec");

    @ParameterizedTest
    @ValueSource(strings = {"RULES.md", "TRACE.md"})
    void theShippedSpecificationIsTheProjects(String file) throws Exception {
        String shipped = Files.readString(SHIPPED.resolve(file));
        assertThat(shipped).startsWith("# nestcheck");
        if (Files.isRegularFile(PROJECT.resolve(file)))
            assertThat(shipped).as("docs/spec/" + file + " differs from ../shared/spec/" + file + ": copy it again")
                    .isEqualTo(Files.readString(PROJECT.resolve(file)));
    }
}
