package dev.nestcheck.conformance;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.Policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy × requirement matrix (REQ rules): for every policy and requirement, search
 * the model's behaviour for a violation. A violated cell keeps its minimal counterexample;
 * a cell that holds says how many cases were searched. The search runs on the model, since
 * the question is about the policy, not about an implementation.
 */
public final class Matrix {
    /** One cell: the requirement holds (no violation found) or is violated with a minimal counterexample. */
    public record Cell(Policy policy, String requirement, Optional<Counterexample> counterexample, long cases,
                       String replayToken, long seed) {
        public boolean holds() {
            return counterexample.isEmpty();
        }
    }

    private final Map<Policy, Map<String, Cell>> cells;

    private Matrix(Map<Policy, Map<String, Cell>> cells) {
        this.cells = cells;
    }

    /** Searches every cell with the given settings (tries, seed, time budget per cell). */
    public static Matrix compute(Settings settings) {
        Map<Policy, Map<String, Cell>> cells = new LinkedHashMap<>();
        for (Policy policy : Policy.values()) {
            Map<String, Cell> row = new LinkedHashMap<>();
            for (String req : Requirements.ALL) {
                Conformance.Result r = Conformance.check(Implementations.model()::create, policy, null, req, settings);
                row.put(req, new Cell(policy, req, r.counterexample(), r.run().casesRun(),
                        r.run().failure().map(f -> f.replayToken()).orElse(null), r.run().seed()));
            }
            cells.put(policy, row);
        }
        return new Matrix(cells);
    }

    public Cell cell(Policy policy, String requirement) {
        return cells.get(policy).get(requirement);
    }

    public List<Cell> cells() {
        List<Cell> all = new ArrayList<>();
        cells.values().forEach(row -> all.addAll(row.values()));
        return all;
    }

    /**
     * A plain-text Markdown table: "holds" or "violated (N steps)"; {@code linkFor} gives a
     * link target for a violated cell's counterexample trace, or null for none.
     */
    public String toMarkdown(java.util.function.Function<Cell, String> linkFor) {
        StringBuilder b = new StringBuilder("| policy |");
        for (String req : Requirements.ALL) b.append(' ').append(req).append(" |");
        b.append("\n| --- |");
        for (int i = 0; i < Requirements.ALL.size(); i++) b.append(" --- |");
        b.append('\n');
        for (Map.Entry<Policy, Map<String, Cell>> row : cells.entrySet()) {
            b.append("| ").append(row.getKey()).append(" |");
            for (Cell c : row.getValue().values()) {
                if (c.holds()) {
                    b.append(" holds |");
                } else {
                    String text = "violated (" + c.counterexample().get().steps().size() + " steps)";
                    String link = linkFor == null ? null : linkFor.apply(c);
                    b.append(' ').append(link == null ? text : "[" + text + "](" + link + ")").append(" |");
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
