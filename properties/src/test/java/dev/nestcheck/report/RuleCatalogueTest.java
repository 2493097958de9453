package dev.nestcheck.report;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RuleCatalogueTest {
    /** The catalogue next to the repository, when this checkout has it (tests run in properties/). */
    static final Path RULES_MD = Paths.get("..", "..", "shared", "spec", "RULES.md");

    @Test
    void theBuiltInCopyHasEverySectionWithOneLineTitles() {
        RuleCatalogue c = RuleCatalogue.builtIn();
        assertThat(c.ids()).hasSize(84).startsWith("PLAT-1", "PLAT-6").endsWith("G-10")
                .contains("OBJ-0", "VMID-8", "KVM-8", "INV-3", "MAP-2", "S2INV-5", "TLB-4", "REQ-UNMAP1", "OBS-4");
        assertThat(c.rules()).allSatisfy(r -> assertThat(r.title()).isNotBlank().doesNotContain("\n").hasSizeLessThan(110));
        assertThat(c.rule("VMID-5").orElseThrow().section()).isEqualTo("VMID");
    }

    @Test
    void rulesTheSuiteDoesNotImplementAreMarkedAndNeverRequired() {
        RuleCatalogue c = RuleCatalogue.builtIn();
        assertThat(c.rule("VMID-5").orElseThrow().implemented()).isTrue();
        for (dev.nestcheck.spec.Policy p : dev.nestcheck.spec.Policy.values())
            for (String required : dev.nestcheck.conformance.RequiredRules.required(p)) {
                String id = required.substring(required.indexOf(':') + 1);
                assertThat(c.rule(id)).as(required).isPresent();
                assertThat(c.rule(id).orElseThrow().absent()).as(required + " is required but not implemented").isFalse();
                assertThat(RuleCoverage.applies(id, p)).as(required + " is required under " + p + " but said not to apply").isTrue();
            }
        RuleCoverage coverage = new RuleCoverage(c, java.util.Map.of());
        assertThat(coverage.labelledRules()).noneMatch(coverage.notImplemented()::contains); // (none is marked since rules v2)
        assertThat(coverage.notImplemented()).allSatisfy(id -> assertThat(c.rule(id).orElseThrow().pending()).isNotBlank());
    }

    @Test
    void rulesIdsWithDigitsInTheSectionAreParsed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path md = dir.resolve("RULES.md");
        Files.writeString(md, "- S2INV-1 The set.\n- REQ-UNMAP1 (v2): one VMID.\n- MAP-2 IOAS_UNMAP.\n");
        assertThat(RuleCatalogue.parse(md).orElseThrow().ids()).containsExactly("S2INV-1", "REQ-UNMAP1", "MAP-2");
    }

    @Test
    void theBuiltInCopyListsTheSameRulesAsRulesMd() {
        Assumptions.assumeTrue(Files.isRegularFile(RULES_MD), "RULES.md is not next to this checkout");
        Optional<RuleCatalogue> parsed = RuleCatalogue.parse(RULES_MD);
        assertThat(parsed).isPresent();
        assertThat(RuleCatalogue.builtIn().ids())
                .as("the built-in rule table of RuleCatalogue is out of date with RULES.md")
                .isEqualTo(parsed.get().ids());
    }

    @Test
    void findPrefersTheFileForWhichRulesExist(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path md = dir.resolve("RULES.md");
        Files.writeString(md, "# x\n## VMID\n- VMID-1 Each SMMU has its own pool. More text.\n"
                + "- NEW-1 A rule the built-in copy does not know yet, written\n  over two lines. Then more.\n"
                + "  | a | table |\n- REQ-VCMDQ: all STEs of one context carry one VMID.\n");
        RuleCatalogue c = RuleCatalogue.find(List.of(dir.resolve("missing.md"), md));
        assertThat(c.ids()).containsExactly("VMID-1", "NEW-1", "REQ-VCMDQ");
        assertThat(c.rule("NEW-1").orElseThrow().title())
                .isEqualTo("A rule the built-in copy does not know yet, written over two lines");
        assertThat(c.rule("VMID-1").orElseThrow().title()).isEqualTo(RuleCatalogue.builtIn().rule("VMID-1").orElseThrow().title());
        assertThat(c.source()).contains("RULES.md");
        assertThat(RuleCatalogue.find(List.of(dir.resolve("missing.md"))).source()).startsWith("built-in");
    }
}
