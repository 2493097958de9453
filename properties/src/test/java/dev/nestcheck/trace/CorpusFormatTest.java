package dev.nestcheck.trace;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The corpus is hand-written regression material: every trace explains itself and pins every step. */
class CorpusFormatTest {

    @Test
    void everyTraceHasADescriptionAndAnExpectationOnEveryStep() {
        for (Path f : Corpus.files()) {
            Trace t = TraceCodec.read(f);
            if (f.getFileName().toString().equals("trace-md-example.json")) continue; // TRACE.md verbatim
            assertThat(t.description()).as(f + ": description").isNotBlank();
            for (int i = 0; i < t.steps().size(); i++) {
                Step s = t.steps().get(i);
                assertThat(s.expect()).as(f + ": step " + i + " has expect").isNotNull();
                assertThat(s.expect().result()).as(f + ": step " + i + " has ok or errno").isNotNull();
            }
        }
    }
}
