package dev.nestcheck.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nestcheck.conformance.Matrix;
import dev.nestcheck.spec.Policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The summary of one run ({@code nestcheck check} or {@code matrix}): what was checked, with
 * which seed and budget, what each policy found, coverage per rule, and the matrix when it was
 * computed. Written as {@code summary.md} (plain text for a mail) and {@code summary.json}
 * (for tools), both atomically.
 */
public final class RunSummary {
    public static final String MARKDOWN = "summary.md";
    public static final String JSON = "summary.json";

    /** How one policy's run ended. */
    public enum Status {
        CONFORMANT, COUNTEREXAMPLE, CRASH, NOT_RUN;

        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * One policy's run. {@code folder} is the counterexample report folder relative to the
     * summary, or null; {@code title} a one-line description of the failure, or null.
     */
    public record PolicyRun(Policy policy, Status status, long cases, long steps, long seed, Duration elapsed,
                            String title, String replayToken, String folder, long casesToFailure) {
        public PolicyRun(Policy policy, Status status, long cases, long steps, long seed, Duration elapsed,
                         String title, String replayToken, String folder) {
            this(policy, status, cases, steps, seed, elapsed, title, replayToken, folder, -1);
        }
    }

    private final String command;
    private final String implementation;
    private final String platform;
    private final long seed;
    private final String budget;
    private final String timeout;
    private final List<PolicyRun> runs = new ArrayList<>();
    private RuleCoverage coverage;
    private Matrix matrix;
    private Function<Matrix.Cell, String> matrixLinks;
    private Duration elapsed = Duration.ZERO;
    private Duration matrixTime = Duration.ZERO;

    /**
     * @param command        {@code check} or {@code matrix}
     * @param implementation the implementation's name (the model for the matrix)
     * @param platform       what the platform was: a preset name, a file, or "random small platforms"
     * @param budget         e.g. "1000 tries per policy" or "30 s"
     * @param timeout        the per-operation timeout, e.g. "2 s", or "none"
     */
    public RunSummary(String command, String implementation, String platform, long seed, String budget,
                      String timeout) {
        this.command = command;
        this.implementation = implementation;
        this.platform = platform;
        this.seed = seed;
        this.budget = budget;
        this.timeout = timeout;
    }

    public RunSummary add(PolicyRun run) {
        runs.add(run);
        return this;
    }

    public RunSummary coverage(RuleCoverage c) {
        this.coverage = c;
        return this;
    }

    public RunSummary matrix(Matrix m, Function<Matrix.Cell, String> links) {
        this.matrix = m;
        this.matrixLinks = links;
        return this;
    }

    /** The time of the conformance runs (steps per second are over it). */
    public RunSummary elapsed(Duration d) {
        this.elapsed = d;
        return this;
    }

    /** The time the model-only matrix took, after the conformance runs. */
    public RunSummary matrixTime(Duration d) {
        this.matrixTime = d;
        return this;
    }

    public List<PolicyRun> runs() {
        return List.copyOf(runs);
    }

    public long steps() {
        return runs.stream().mapToLong(PolicyRun::steps).sum();
    }

    public long cases() {
        return runs.stream().mapToLong(PolicyRun::cases).sum();
    }

    /** conformant, counterexample or crash: the worst over the policies. */
    public String result() {
        if (runs.stream().anyMatch(r -> r.status() == Status.CRASH)) return "crash";
        if (runs.stream().anyMatch(r -> r.status() == Status.COUNTEREXAMPLE)) return "counterexample";
        if (!runs.isEmpty() && runs.stream().allMatch(r -> r.status() == Status.NOT_RUN)) return "not run";
        return "conformant";
    }

    public double stepsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : steps() / s;
    }

    /** Writes summary.md and summary.json into {@code folder}. */
    public void write(Path folder) {
        AtomicFiles.write(folder.resolve(JSON), toJson());
        AtomicFiles.write(folder.resolve(MARKDOWN), toMarkdown());
    }

    /** The summary as plain text, every line at most {@link Layout#WIDTH} columns. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append(Layout.wrap("# nestcheck " + command + ": " + implementation, "", "  ", Layout.WIDTH)).append("\n\n");
        boolean failed = runs.stream().anyMatch(r -> r.status() == Status.COUNTEREXAMPLE || r.status() == Status.CRASH);
        StringBuilder facts = new StringBuilder();
        fact(facts, "implementation", implementation);
        if (!runs.isEmpty())
            fact(facts, "policies", String.join(", ", runs.stream().map(r -> r.policy().name()).toList()));
        fact(facts, "platform", platform);
        fact(facts, "seed", Long.toString(seed));
        fact(facts, "budget", budget);
        fact(facts, "timeout", timeout + " per operation");
        if (runs.isEmpty()) {
            fact(facts, "time", seconds(elapsed));
        } else {
            fact(facts, "steps", String.format(Locale.ROOT, "%,d%s in %s", steps(),
                    failed ? " (shrinking included)" : "", dev.nestcheck.conformance.Describe.counted(cases(), "case", "cases")));
            fact(facts, "time", seconds(elapsed) + " checking, " + String.format(Locale.ROOT, "%,.0f", stepsPerSecond())
                    + " steps/s" + (matrixTime.isZero() ? "" : "; matrix " + seconds(matrixTime) + "; "
                    + seconds(elapsed.plus(matrixTime)) + " in all"));
            fact(facts, "result", cases() == 0 ? "nothing was checked" : result());
        }
        fact(facts, "made by", Versions.line());
        b.append(facts).append('\n');

        if (!runs.isEmpty()) {
            b.append("## Policies\n\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"policy", "result", "failed at", "cases", "steps", "report"});
            for (PolicyRun r : runs)
                rows.add(new String[] {r.policy().name(), r.status().text(),
                        r.casesToFailure() < 0 ? "-" : "case " + r.casesToFailure(), Long.toString(r.cases()),
                        Long.toString(r.steps()), r.folder() == null ? "-" : r.folder() + "/"});
            b.append(CounterexampleReport.indent(dev.nestcheck.conformance.Table.render(rows))).append('\n');
            b.append(Layout.wrap("\"failed at\": the case that first failed, as the console says; \"cases\" and "
                    + "\"steps\" count everything the search ran" + (failed ? ", shrinking included" : "") + ".", "",
                    "", Layout.WIDTH)).append("\n\n");
            for (PolicyRun r : runs) {
                if (r.title() == null) continue;
                b.append(Layout.wrap(r.policy() + ": " + r.title(), "- ", "  ", Layout.WIDTH)).append('\n');
                if (r.replayToken() != null)
                    b.append(Layout.wrap("replay token " + r.replayToken(), "  ", "  ", Layout.WIDTH)).append('\n');
            }
            if (runs.stream().anyMatch(r -> r.title() != null)) b.append('\n');
        }

        if (coverage != null) {
            b.append("## Coverage per rule\n\n");
            b.append(Layout.wrap("Cases per policy in which the rule decided an outcome or was exercised (\"-\": none); \"every\": "
                    + "checked in every case (platform, observation and invariant rules); \"matrix\": searched by "
                    + "the matrix; \"n/a\": the rule does not apply under that policy; \"not yet\": not implemented yet. "
                    + "Titles: nestcheck rules.", "", "", Layout.WIDTH))
                    .append("\n\n");
            b.append(CounterexampleReport.indent(coverage.table(false))).append('\n');
            b.append(Layout.wrap(coverage.line(), "", "", Layout.WIDTH)).append("\n\n");
        }

        if (matrix != null) {
            b.append("## Policy x requirement matrix\n\n");
            b.append(Layout.wrap("Searched on the reference model (it does not depend on the implementation): "
                    + "\"holds\" means no violation was found within the budget; \"N steps\" means violated, with a "
                    + "minimal counterexample of N steps.", "", "", Layout.WIDTH)).append("\n\n");
            List<String> reqs = new ArrayList<>();
            for (Matrix.Cell c : matrix.cells()) if (!reqs.contains(c.requirement())) reqs.add(c.requirement());
            List<String[]> rows = new ArrayList<>();
            String[] head = new String[reqs.size() + 1];
            head[0] = "policy";
            for (int i = 0; i < reqs.size(); i++) head[i + 1] = reqs.get(i);
            rows.add(head);
            Map<Policy, String[]> byPolicy = new LinkedHashMap<>();
            for (Matrix.Cell c : matrix.cells()) {
                String[] row = byPolicy.computeIfAbsent(c.policy(), p -> {
                    String[] r = new String[reqs.size() + 1];
                    java.util.Arrays.fill(r, "");
                    r[0] = p.name();
                    return r;
                });
                // short cells: five requirements must fit in 80 columns
                row[reqs.indexOf(c.requirement()) + 1] = c.holds() ? "holds"
                        : c.counterexample().map(cx -> cx.steps().size()).orElse(0) + " steps";
            }
            rows.addAll(byPolicy.values());
            b.append(CounterexampleReport.indent(dev.nestcheck.conformance.Table.render(rows))).append('\n');
            if (matrixLinks != null) {
                for (Matrix.Cell c : matrix.cells()) {
                    if (c.holds()) continue;
                    String link = matrixLinks.apply(c);
                    if (link != null)
                        b.append(Layout.wrap(c.policy() + " x " + c.requirement() + ": " + link, "- ", "  ", Layout.WIDTH))
                                .append('\n');
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static void fact(StringBuilder b, String key, String value) {
        String label = key + " ".repeat(Math.max(1, 16 - key.length()));
        b.append(Layout.wrap(value, "    " + label, "    " + " ".repeat(label.length()), Layout.WIDTH)).append('\n');
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", command);
        root.put("implementation", implementation);
        root.put("policies", runs.stream().map(r -> r.policy().name()).toList());
        root.put("platform", platform);
        root.put("seed", seed);
        root.put("budget", budget);
        root.put("timeout", timeout);
        root.put("steps", steps());
        root.put("cases", cases());
        root.put("timeMillis", elapsed.toMillis());
        root.put("matrixTimeMillis", matrixTime.toMillis());
        root.put("nestcheckVersion", Versions.nestcheck());
        root.put("rules", Versions.RULES);
        root.put("stepsPerSecond", Math.round(stepsPerSecond()));
        root.put("result", result());
        List<Map<String, Object>> rs = new ArrayList<>();
        for (PolicyRun r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", r.policy().name());
            m.put("result", r.status().text());
            m.put("cases", r.cases());
            m.put("steps", r.steps());
            m.put("casesToFailure", r.casesToFailure() < 0 ? null : r.casesToFailure());
            m.put("seed", r.seed());
            m.put("timeMillis", r.elapsed().toMillis());
            m.put("failure", r.title());
            m.put("replayToken", r.replayToken());
            m.put("report", r.folder());
            rs.add(m);
        }
        root.put("runs", rs);
        if (coverage != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("covered", coverage.covered());
            c.put("notReached", coverage.uncovered());
            c.put("casesPerRule", coverage.asMap());
            root.put("coverage", c);
        }
        if (matrix != null) {
            List<Map<String, Object>> cells = new ArrayList<>();
            for (Matrix.Cell cell : matrix.cells()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("policy", cell.policy().name());
                m.put("requirement", cell.requirement());
                m.put("holds", cell.holds());
                m.put("cases", cell.cases());
                m.put("steps", cell.counterexample().map(cx -> cx.steps().size()).orElse(null));
                m.put("seed", cell.seed());
                m.put("replayToken", cell.replayToken());
                m.put("report", matrixLinks == null || cell.holds() ? null : matrixLinks.apply(cell));
                cells.add(m);
            }
            root.put("matrix", cells);
        }
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"));
            return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .writer(pp).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("summary.json: " + e.getMessage(), e);
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
