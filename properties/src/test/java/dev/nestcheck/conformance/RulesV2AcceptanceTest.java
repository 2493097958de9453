package dev.nestcheck.conformance;

import dev.nestcheck.report.RuleCatalogue;
import dev.nestcheck.report.RuleCoverage;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's acceptance, as far as it is a property of the tables: every rule of the catalogue (RULES.md
 * v2) is implemented, and the default run must reach each one: a rule that decides outcomes or is
 * exercised by steps is required under some policy ({@link RequiredRules}), a REQ rule is a column of the
 * policy matrix ({@link Requirements}), and PLAT, OBS and G rules are checked on every step. That the
 * default run does reach them is ConformanceProperties' coverage check.
 */
class RulesV2AcceptanceTest {
    @Test
    void everyRuleOfTheCatalogueIsImplemented() {
        RuleCatalogue c = RuleCatalogue.builtIn();
        List<String> marked = new ArrayList<>();
        for (RuleCatalogue.Rule r : c.rules()) if (!r.implemented()) marked.add(r.id() + " (" + r.pending() + ")");
        assertThat(marked).as("rules still marked as not (fully) implemented").isEmpty();
        assertThat(new RuleCoverage(c, java.util.Map.of()).notImplemented()).isEmpty();
    }

    @Test
    void theDefaultRunMustReachEveryRule() {
        Set<String> required = new TreeSet<>();
        for (Policy p : Policy.values())
            for (String r : RequiredRules.required(p)) required.add(r.substring(r.indexOf(':') + 1));
        List<String> unreached = new ArrayList<>();
        for (String id : RuleCatalogue.builtIn().ids()) {
            String section = id.substring(0, id.lastIndexOf('-'));
            if (RuleCoverage.ALWAYS.contains(section) && !id.equals("G-7")) continue; // checked on every step
            if (section.equals("REQ")) {
                if (!Requirements.ALL.contains(id)) unreached.add(id + " (not a matrix column)");
                continue;
            }
            if (!required.contains(id)) unreached.add(id);
        }
        assertThat(unreached).as("rules no policy's default run is required to reach").isEmpty();
    }

    @Test
    void theV2RulesAreRequiredUnderEveryPolicy() {
        for (Policy p : Policy.values())
            assertThat(RequiredRules.required(p)).as(p.name()).contains("rule:MAP-1", "rule:MAP-2", "exercised:MAP-3",
                    "exercised:S2INV-1", "exercised:S2INV-2", "exercised:S2INV-3", "exercised:S2INV-4", "exercised:S2INV-5",
                    "exercised:TLB-4", "rule:HWPT-2", "rule:NEST-1");
        assertThat(Requirements.ALL).contains("REQ-UNMAP1");
    }
}
