package dev.nestcheck.conformance;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy × requirement matrix, as the catalogue's VMID-4 table implies it, found by
 * search rather than stated: every violated cell must come with a minimal counterexample
 * of the length argued below, and every cell that holds must survive the whole search.
 * The search draws small platforms only (a requirement search wants minimal counterexamples).
 */
class PolicyMatrixTest {
    private static Matrix matrix;

    @BeforeAll
    static void search() {
        matrix = Matrix.compute(Settings.defaults().withSeed(1).withTries(1000).withSystemOverrides());
        System.out.println(matrix.toMarkdown(null));
    }

    private static void violated(Policy p, String req, int minimalSteps) {
        Matrix.Cell cell = matrix.cell(p, req);
        assertThat(cell.holds()).as(p + " " + req + " should be violated").isFalse();
        assertThat(cell.counterexample().get().steps()).as(p + " " + req + " minimal counterexample").hasSize(minimalSteps);
    }

    private static void holds(Policy p, String req) {
        Matrix.Cell cell = matrix.cell(p, req);
        assertThat(cell.holds()).as(p + " " + req + " should hold, but: "
                + cell.counterexample().map(Reports::text).orElse("")).isTrue();
        assertThat(cell.cases()).isEqualTo(1000);
    }

    /** Two nest parents in one context each own a VMID: open, bind x2, ioas, parent x2, attach x2. */
    @Test
    void s2Parent_violatesVcmdq_btm_economy_butNeedsNoKvm() {
        violated(Policy.S2_PARENT, "REQ-VCMDQ", 8);
        violated(Policy.S2_PARENT, "REQ-BTM", 5);      // open, bind, ioas, parent, attach: no VM at all
        violated(Policy.S2_PARENT, "REQ-ECONOMY", 5);  // open, bind, ioas, parent x2
        holds(Policy.S2_PARENT, "REQ-NOKVM");
        violated(Policy.S2_PARENT, "REQ-UNMAP1", 10);  // open, bind x2, ioas, parent x2, attach x2, map, unmap
    }

    @Test
    void viommu_violatesVcmdq_btm_economy_butNeedsNoKvm() {
        violated(Policy.VIOMMU, "REQ-VCMDQ", 8);
        violated(Policy.VIOMMU, "REQ-BTM", 5);
        violated(Policy.VIOMMU, "REQ-ECONOMY", 5);     // open, bind, ioas, parent, viommu: two owners
        holds(Policy.VIOMMU, "REQ-NOKVM");
        // as under S2_PARENT; a parent and a vIOMMU on it need a nested HWPT too (11)
        violated(Policy.VIOMMU, "REQ-UNMAP1", 10);
    }

    @Test
    void ictx_meetsVcmdqAndEconomy_notBtm() {
        holds(Policy.ICTX, "REQ-VCMDQ");
        violated(Policy.ICTX, "REQ-BTM", 5);
        holds(Policy.ICTX, "REQ-ECONOMY");
        holds(Policy.ICTX, "REQ-NOKVM");
        holds(Policy.ICTX, "REQ-UNMAP1");               // one VMID per context and SMMU: one per unmap
    }

    @Test
    void kvmPinned_meetsVcmdqBtmEconomy_butNeedsKvm() {
        holds(Policy.KVM_PINNED, "REQ-VCMDQ");
        holds(Policy.KVM_PINNED, "REQ-BTM");
        holds(Policy.KVM_PINNED, "REQ-ECONOMY");
        violated(Policy.KVM_PINNED, "REQ-NOKVM", 4);   // open, ioas, bind, parent → EINVAL (VMID-7)
        holds(Policy.KVM_PINNED, "REQ-UNMAP1");
    }
}
