package dev.nestcheck.conformance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A plugged implementation's exception message reaches logs and reports with its control characters escaped. */
class PrintableTest {
    @Test
    void controlCharactersAreEscapedAndTheRestKept() {
        assertThat(Session.printable("\u001B[31mred\u0007 line1\nline2\r\tend \u0085 é ✓"))
                .isEqualTo("\\u001B[31mred\\u0007 line1\\nline2\\r\\tend \\u0085 é ✓");
    }
}
