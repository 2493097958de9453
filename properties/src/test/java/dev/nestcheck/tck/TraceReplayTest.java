package dev.nestcheck.tck;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.trace.TraceFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@org.junit.jupiter.api.extension.ExtendWith(dev.nestcheck.cli.BrokenProviders.Armed.class)
class TraceReplayTest {
    static final Path EXAMPLE = Paths.get("src", "test", "resources", "corpus", "trace-md-example.json");

    static String example() throws IOException {
        return Files.readString(EXAMPLE);
    }

    @Test
    void theTraceMdExampleConformsOnBothBundledImplementations() throws IOException {
        TraceReplay.assertConforms(example(), "optimized");
        TraceReplay.assertConforms(example(), "model");
        TraceReplay.assertConforms(EXAMPLE, "optimized");
    }

    @Test
    void aWrongExpectationNamesTheStepAndSaysTheModelAgrees() throws IOException {
        String wrong = example().replace("{\"op\": \"destroy\", \"ctx\": 1, \"id\": 3, \"expect\": {\"errno\": \"EBUSY\"}}",
                "{\"op\": \"destroy\", \"ctx\": 1, \"id\": 3, \"expect\": {\"errno\": \"ENOENT\"}}");
        assertThat(wrong).isNotEqualTo(example());
        assertThatThrownBy(() -> TraceReplay.assertConforms(wrong, "optimized"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("step 7 (steps[6]) destroy(ctx=1, id=3): expected errno ENOENT, got errno EBUSY")
                .hasMessageContaining("the reference model agrees");
    }

    @Test
    void aCrashNamesTheStepAndShowsTheStepTable() throws IOException {
        TraceReplay.Result crash = TraceReplay.replay(dev.nestcheck.trace.TraceCodec.parse(example(), "example"), "example",
                Implementations.named("broken-throws")::create, null, null);
        assertThat(crash.status()).isEqualTo(TraceReplay.Status.CRASHED);
        assertThat(crash.failingStep()).isEqualTo(0);
        assertThat(crash.report()).contains("step 1 (steps[0]) open()", "open is broken", ">  1  open()");
    }

    @Test
    void malformedJsonIsATraceFormatException() {
        assertThatThrownBy(() -> TraceReplay.assertConforms("{", "optimized")).isInstanceOf(TraceFormatException.class);
    }

    @Test
    void anUnknownImplementationNameListsTheKnownOnes() throws IOException {
        String json = example();
        assertThatThrownBy(() -> TraceReplay.assertConforms(json, "nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimized");
    }
}
