package dev.nestcheck.report;

import dev.nestcheck.spec.Cmd;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Plain text for a mail: 80 columns, and commands that still work when pasted into a shell. */
class LayoutTest {
    @Test
    void wrappingKeepsEveryLineWithinTheWidthAndEveryWord() {
        String text = "commands: smmu0 command 0: model TLBI_S12_VMALL[0x0000000100000028,0x0000000000000000], impl "
                + "CMD_SYNC[0x0000000000000046,0x0000000000000000] and a word far longer than any line can hold: "
                + "x".repeat(150);
        String w = Layout.wrap(text, "  - ", "    ", 80);
        assertThat(Layout.widest(w)).isLessThanOrEqualTo(80);
        assertThat(w.replaceAll("\\s+", "")).isEqualTo(("-" + text).replaceAll("\\s+", ""));
    }

    @Test
    void aLongCommandIsContinuedWithBackslashesAndJoinsBackToTheSameWords() {
        String token = "nc1." + "A".repeat(120);
        List<String> argv = List.of("./nestcheck", "replay", token, "--impl", "mine", "--policy", "S2_PARENT",
                "--classpath", "/a/path with space/my.jar");
        String cmd = Layout.command(argv, "    ");
        assertThat(Layout.widest(cmd)).as(cmd).isLessThanOrEqualTo(80);
        // what a shell does with backslash-newline: removes it
        String joined = cmd.replace("\\\n", "").replaceAll(" +", " ").strip();
        assertThat(joined).isEqualTo("./nestcheck replay " + token
                + " --impl mine --policy S2_PARENT --classpath '/a/path with space/my.jar'");
    }

    @Test
    void quotingOnlyWhereTheShellNeedsIt() {
        assertThat(Layout.quote("-Dtest=MyTest#policy_S2_PARENT_conformsToTheModel"))
                .isEqualTo("-Dtest=MyTest#policy_S2_PARENT_conformsToTheModel");
        assertThat(Layout.quote("#comment")).isEqualTo("'#comment'");
        assertThat(Layout.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Layout.quote("*Test")).isEqualTo("'*Test'");
    }

    @Test
    void decodedValues() {
        assertThat(Decode.vste(0xdL, 0)).startsWith("V=1 Config=6 (not allowed: 0, 4 or 5)").contains("EATS=0");
        assertThat(Decode.vste(0x1L | (5 << 1) | 0x1c0L, 1L << 28)).isEqualTo(
                "V=1 Config=5 (stage-1 translate) S1ContextPtr=0x1c0 EATS=1");
        assertThat(Decode.vste(0, 0)).startsWith("V=0");
        assertThat(Decode.vste(1L | (1L << 52), 0)).contains("reserved word0 bits 52");
        assertThat(Decode.command(Cmd.tlbiS12Vmall(3))).isEqualTo("TLBI_S12_VMALL vmid=3");
        assertThat(Decode.command(Cmd.sync())).isEqualTo("CMD_SYNC");
        assertThat(Decode.command(new Cmd(Cmd.ATC_INV | (5L << 32), 0))).isEqualTo("ATC_INV sid=5");
        assertThat(Decode.flags(5)).isEqualTo("NEST_PARENT|FAULT_ID");
    }

    @Test
    void theLegendAndTheVersionsFit() {
        assertThat(Layout.widest(CounterexampleText.legend())).isLessThanOrEqualTo(80);
        assertThat(Versions.line()).startsWith("nestcheck ").contains("RULES.md v2").doesNotContain("${");
    }
}
