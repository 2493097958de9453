package dev.nestcheck.report;

import dev.nestcheck.engine.Statistics;
import dev.nestcheck.spec.Policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Coverage per rule, from the statistics of conformance runs: for each rule ID, per policy,
 * the number of test cases in which the rule decided an outcome (label {@code rule}) or was
 * exercised by a state change (label {@code exercised}). A case may carry both labels, so
 * the count is the larger of the two (a lower bound of "cases that touched the rule").
 *
 * <p>Some rules are not labelled because they hold by construction of every case: the
 * platform rules (PLAT), the observation rules (OBS) and the GLOBAL invariants (G), which
 * the harness checks after every step. REQ rules are searched by the matrix.
 */
public final class RuleCoverage {
    /** Sections whose rules are checked in every case rather than labelled. */
    public static final Set<String> ALWAYS = Set.of("PLAT", "OBS", "G");

    /**
     * Rules that RULES.md confines to some policies; every other rule applies under all four. VMID-3:
     * under KVM_PINNED no SMMU pool is used, a failed pin is VMID-7's ENOSPC. VMID-6: "under ICTX and
     * KVM_PINNED". VMID-7: "KVM_PINNED". KVM-5 and KVM-6: VMs are pinned only by KVM_PINNED nest parents.
     */
    static final Map<String, Set<Policy>> ONLY_UNDER = Map.of(
            "VMID-3", EnumSet.of(Policy.S2_PARENT, Policy.VIOMMU, Policy.ICTX),
            "VMID-6", EnumSet.of(Policy.ICTX, Policy.KVM_PINNED),
            "VMID-7", EnumSet.of(Policy.KVM_PINNED),
            "KVM-5", EnumSet.of(Policy.KVM_PINNED),
            "KVM-6", EnumSet.of(Policy.KVM_PINNED));

    private final RuleCatalogue catalogue;
    private final Map<Policy, Statistics> perPolicy;

    public RuleCoverage(RuleCatalogue catalogue, Map<Policy, Statistics> perPolicy) {
        this.catalogue = catalogue;
        this.perPolicy = new LinkedHashMap<>(perPolicy);
    }

    public List<Policy> policies() {
        return new ArrayList<>(perPolicy.keySet());
    }

    /** The cases of {@code policy} that touched {@code rule} (0 when none or not run). */
    public long cases(String rule, Policy policy) {
        Statistics s = perPolicy.get(policy);
        if (s == null) return 0;
        return Math.max(s.cases("rule", rule), s.cases("exercised", rule));
    }

    public long cases(String rule) {
        long n = 0;
        for (Policy p : perPolicy.keySet()) n += cases(rule, p);
        return n;
    }

    /** Rules that are counted by labels: everything but {@link #ALWAYS}, REQ, and rules not implemented yet. */
    public List<String> labelledRules() {
        List<String> out = new ArrayList<>();
        for (RuleCatalogue.Rule r : catalogue.rules())
            if (!ALWAYS.contains(r.section()) && !r.section().equals("REQ") && !r.absent()) out.add(r.id());
        return out;
    }

    /** Whether {@code rule} can be reached under {@code policy} at all (see {@link #ONLY_UNDER}). */
    public static boolean applies(String rule, Policy policy) {
        Set<Policy> only = ONLY_UNDER.get(rule);
        return only == null || only.contains(policy);
    }

    /** Labelled rules that apply under at least one of the policies run (all labelled rules when none ran). */
    public List<String> applicableRules() {
        if (perPolicy.isEmpty()) return labelledRules();
        List<String> out = new ArrayList<>();
        for (String id : labelledRules())
            if (perPolicy.keySet().stream().anyMatch(p -> applies(id, p))) out.add(id);
        return out;
    }

    /** Labelled rules that apply only under policies that were not run. */
    public List<String> otherPoliciesOnly() {
        List<String> out = new ArrayList<>(labelledRules());
        out.removeAll(applicableRules());
        return out;
    }

    /** Rules of the catalogue that the suite does not implement yet (never required, never counted). */
    public List<String> notImplemented() {
        List<String> out = new ArrayList<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) if (r.absent()) out.add(r.id());
        return out;
    }

    /** Applicable rules touched by at least one case. */
    public List<String> covered() {
        List<String> out = new ArrayList<>();
        for (String id : applicableRules()) if (cases(id) > 0) out.add(id);
        return out;
    }

    /** Applicable rules no case touched. */
    public List<String> uncovered() {
        List<String> out = new ArrayList<>();
        for (String id : applicableRules()) if (cases(id) == 0) out.add(id);
        return out;
    }

    /** Labels that name no rule of the catalogue (a sign that the catalogue copy is stale). */
    public Set<String> unknownLabels() {
        Set<String> ids = new TreeSet<>(catalogue.ids());
        Set<String> out = new TreeSet<>();
        for (Statistics s : perPolicy.values())
            for (String cat : List.of("rule", "exercised"))
                for (String v : s.values(cat)) if (!ids.contains(v)) out.add(v);
        return out;
    }

    /** One line: {@code rules covered: 45 of 53 (...)}. */
    public String line() {
        List<String> un = uncovered();
        List<String> others = otherPoliciesOnly();
        return "rules covered: " + covered().size() + " of " + applicableRules().size()
                + (others.isEmpty() ? "" : " that apply under " + policyNames())
                + (un.isEmpty() ? "" : " (not reached: " + (un.size() <= 16 ? String.join(", ", un)
                        : String.join(", ", un.subList(0, 16)) + " and " + (un.size() - 16) + " more") + ")")
                + (others.isEmpty() ? "" : "; " + String.join(", ", others)
                        + (others.size() == 1 ? " applies" : " apply") + " only under other policies")
                + "; PLAT, OBS and the invariants G-* are checked in every case"
                + (notImplemented().isEmpty() ? "" : "; " + notImplemented().size()
                        + " rules not implemented yet (nestcheck rules lists them)");
    }

    private String policyNames() {
        List<String> names = new ArrayList<>();
        for (Policy p : perPolicy.keySet()) names.add(p.name());
        return String.join(", ", names);
    }

    /** A plain-text table: rule, title, cases per policy ({@code -} for none, {@code every} for ALWAYS). */
    public String table() {
        return table(true);
    }

    /** The table, with or without the titles column (without, it fits 80 columns). */
    public String table(boolean withTitles) {
        List<String[]> rows = new ArrayList<>();
        List<Policy> ps = policies();
        int off = withTitles ? 2 : 1;
        String[] head = new String[off + ps.size()];
        head[0] = "rule";
        if (withTitles) head[1] = "title";
        for (int i = 0; i < ps.size(); i++) head[off + i] = ps.get(i).name();
        rows.add(head);
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            String[] row = new String[off + ps.size()];
            row[0] = r.id();
            if (withTitles) row[1] = r.title().length() > 50 ? r.title().substring(0, 47) + "..." : r.title();
            for (int i = 0; i < ps.size(); i++) {
                long n = cases(r.id(), ps.get(i));
                if (n > 0) row[off + i] = Long.toString(n);
                else if (!applies(r.id(), ps.get(i))) row[off + i] = "n/a";
                else if (r.absent()) row[off + i] = "not yet";
                else if (ALWAYS.contains(r.section())) row[off + i] = "every";
                else if (r.section().equals("REQ")) row[off + i] = "matrix";
                else row[off + i] = "-";
            }
            rows.add(row);
        }
        return dev.nestcheck.conformance.Table.render(rows);
    }

    /**
     * rule -> policy -> cases, for JSON. A rule checked in every case (PLAT, OBS, G) counts every case
     * of the policy; a rule that no case can reach here (REQ, searched by the matrix; not implemented
     * yet; not one of the policy's, see {@link #ONLY_UNDER}) is null, not 0.
     */
    public Map<String, Map<String, Long>> asMap() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (RuleCatalogue.Rule r : catalogue.rules()) {
            Map<String, Long> row = new LinkedHashMap<>();
            for (Policy p : perPolicy.keySet()) {
                Long n = cases(r.id(), p);
                if (n == 0 && (r.absent() || r.section().equals("REQ") || !applies(r.id(), p))) n = null;
                else if (n == 0 && ALWAYS.contains(r.section())) n = perPolicy.get(p).cases();
                row.put(p.name(), n);
            }
            out.put(r.id(), row);
        }
        return out;
    }
}
