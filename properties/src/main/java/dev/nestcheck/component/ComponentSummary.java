package dev.nestcheck.component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nestcheck.conformance.Table;
import dev.nestcheck.report.AtomicFiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summary of a component run, as summary.md and summary.json with the same layout as a
 * policy run's ({@code runs} name a {@code component} instead of a {@code policy}), so that
 * {@code nestcheck merge} and {@code --junit-xml} take both.
 */
public final class ComponentSummary {
    /** One component's run; {@code folder} relative to the summary, or null. */
    public record Run(Component component, String result, long cases, long steps, long seed, Duration elapsed,
                      String failure, String replayToken, String folder, Map<String, Long> casesPerRule) {
    }

    private final String implementation;
    private final long seed;
    private final String budget;
    private final String timeout;
    private final String shard;
    private final List<Run> runs = new ArrayList<>();
    private Duration elapsed = Duration.ZERO;

    public ComponentSummary(String implementation, long seed, String budget, String timeout, String shard) {
        this.implementation = implementation;
        this.seed = seed;
        this.budget = budget;
        this.timeout = timeout;
        this.shard = shard;
    }

    public void add(Run r) {
        runs.add(r);
    }

    public void elapsed(Duration d) {
        elapsed = d;
    }

    public long steps() {
        return runs.stream().mapToLong(Run::steps).sum();
    }

    public long cases() {
        return runs.stream().mapToLong(Run::cases).sum();
    }

    public String result() {
        if (runs.stream().anyMatch(r -> r.result().equals("crash"))) return "crash";
        if (runs.stream().anyMatch(r -> r.result().equals("counterexample"))) return "counterexample";
        return "conformant";
    }

    public double stepsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : steps() / s;
    }

    public void write(Path folder) {
        AtomicFiles.write(folder.resolve("summary.json"), json());
        AtomicFiles.write(folder.resolve("summary.md"), markdown());
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", "check");
        root.put("implementation", implementation);
        root.put("components", runs.stream().map(r -> r.component().id()).toList());
        root.put("platform", "drawn per case (component)");
        root.put("seed", seed);
        root.put("budget", budget);
        root.put("timeout", timeout);
        root.put("steps", steps());
        root.put("cases", cases());
        root.put("timeMillis", elapsed.toMillis());
        root.put("stepsPerSecond", Math.round(stepsPerSecond()));
        root.put("result", result());
        List<Map<String, Object>> rs = new ArrayList<>();
        Map<String, Map<String, Long>> perRule = new TreeMap<>();
        for (Run r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("component", r.component().id());
            m.put("result", r.result());
            m.put("cases", r.cases());
            m.put("steps", r.steps());
            m.put("seed", r.seed());
            m.put("timeMillis", r.elapsed().toMillis());
            m.put("failure", r.failure());
            m.put("replayToken", r.replayToken());
            m.put("report", r.folder());
            rs.add(m);
            r.casesPerRule().forEach((rule, n) -> perRule.computeIfAbsent(rule, k -> new LinkedHashMap<>()).put(r.component().id(), n));
        }
        root.put("runs", rs);
        Map<String, Object> cov = new LinkedHashMap<>();
        cov.put("covered", new ArrayList<>(perRule.keySet()));
        cov.put("notReached", List.of());
        cov.put("casesPerRule", perRule);
        root.put("coverage", cov);
        if (shard != null) {
            String[] p = shard.split("/");
            root.put("shard", Map.of("index", Integer.parseInt(p[0]), "count", Integer.parseInt(p[1])));
        }
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)).withObjectIndenter(new DefaultIndenter("  ", "\n"));
            return new ObjectMapper().writer(pp).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String markdown() {
        StringBuilder b = new StringBuilder("# nestcheck check: ").append(implementation).append("\n\n");
        StringBuilder f = new StringBuilder();
        f.append("implementation  ").append(implementation).append('\n');
        f.append("components      ").append(String.join(", ", runs.stream().map(r -> r.component().id()).toList())).append('\n');
        f.append("seed            ").append(seed).append('\n');
        f.append("budget          ").append(budget).append('\n');
        if (shard != null) f.append("shard           ").append(shard).append('\n');
        f.append("timeout         ").append(timeout).append(" per answer\n");
        f.append("steps           ").append(steps()).append(" in ").append(cases()).append(" cases\n");
        f.append("time            ").append(String.format(Locale.ROOT, "%.1f s, %,.0f steps/s", elapsed.toMillis() / 1000.0,
                stepsPerSecond())).append('\n');
        f.append("result          ").append(result());
        b.append(ComponentReport.indent(f.toString())).append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"component", "result", "cases", "steps", "report"});
        for (Run r : runs)
            rows.add(new String[] {r.component().id(), r.result(), Long.toString(r.cases()), Long.toString(r.steps()),
                    r.folder() == null ? "-" : r.folder() + "/"});
        b.append("## Components\n\n").append(ComponentReport.indent(Table.render(rows))).append('\n');
        for (Run r : runs)
            if (r.failure() != null) b.append("- ").append(r.component().id()).append(": ").append(r.failure()).append('\n');
        return b.toString();
    }
}
