package dev.nestcheck.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nestcheck.conformance.Table;
import dev.nestcheck.report.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code nestcheck merge}: combines the summaries (summary.json) of the shards of a campaign, or
 * of several runs, into one summary.md and summary.json with every counterexample, linked to its
 * shard's report folder. Shards of one campaign ({@code check --shard I/N}) must agree on
 * implementation, seed, budget and platform, and all N must be there.
 */
public final class Summaries {
    public static final String JSON = "summary.json";
    public static final String MARKDOWN = "summary.md";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Summaries() {
    }

    /** One input: its summary tree and the folder its report paths start from. */
    public record Input(Path folder, JsonNode summary) {
    }

    /** What a merge found: the merged tree and whether the campaign is complete. */
    public record Merged(ObjectNode summary, List<String> problems) {
        public String result() {
            return summary.path("result").asText();
        }
    }

    /** Reads {@code DIR/summary.json} (or a summary.json given directly); one-line IllegalArgumentException otherwise. */
    public static Input read(Path arg) {
        Path file = Files.isDirectory(arg) ? arg.resolve(JSON) : arg;
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException(arg + ": no " + JSON + " there (a report folder of `nestcheck check --report DIR`)");
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (n == null || !n.isObject() || !n.path("runs").isArray())
                throw new IllegalArgumentException(file + ": not a nestcheck summary (no \"runs\")");
            return new Input(file.toAbsolutePath().getParent(), n);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": malformed JSON: " + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The run's name: its policy, or its component for a component run. */
    static String runName(JsonNode run) {
        return run.has("policy") ? run.get("policy").asText() : run.path("component").asText("?");
    }

    /**
     * The counterexamples of a run: after a merge its {@code counterexamples} list, in a single
     * summary the run itself (failure, replayToken, report).
     */
    static List<JsonNode> counterexamples(JsonNode run) {
        List<JsonNode> out = new ArrayList<>();
        if (run.has("counterexamples")) run.get("counterexamples").forEach(out::add);
        else if (run.path("result").asText().equals("counterexample") || run.path("result").asText().equals("crash")) out.add(run);
        return out;
    }

    /**
     * Merges the inputs; report paths become relative to {@code outFolder}.
     *
     * @throws IllegalArgumentException (one line) when they are not of one campaign
     */
    public static Merged merge(List<Input> inputs, Path outFolder) {
        return merge(inputs, outFolder, List.of());
    }

    /**
     * As {@link #merge(List, Path)}, with {@code unreadable}: one line per argument that held no
     * summary (a shard that died before writing one), each a problem of the merge, which still merges
     * the others.
     */
    public static Merged merge(List<Input> given, Path outFolder, List<String> unreadable) {
        if (given.isEmpty()) throw new IllegalArgumentException("merge: no summaries given");
        boolean sharded = given.get(0).summary().has("shard");
        List<Input> inputs = new ArrayList<>(given);
        // shard order, not argument order: a shell's glob puts shard-10 before shard-2
        if (sharded) inputs.sort(java.util.Comparator.comparingInt(in -> in.summary().path("shard").path("index").asInt()));
        JsonNode first = inputs.get(0).summary();
        List<String> problems = new ArrayList<>(unreadable);
        TreeMap<Integer, Path> shards = new TreeMap<>();
        int count = sharded ? first.path("shard").path("count").asInt() : 0;
        for (Input in : inputs) {
            JsonNode s = in.summary();
            if (s.has("shard") != sharded)
                throw new IllegalArgumentException("merge: " + in.folder() + " is " + (sharded ? "not " : "") + "a shard, "
                        + inputs.get(0).folder() + " is" + (sharded ? "" : " not"));
            for (String key : sharded ? List.of("command", "implementation", "seed", "budget", "platform")
                    : List.of("command", "implementation"))
                if (!s.path(key).equals(first.path(key)))
                    throw new IllegalArgumentException("merge: " + in.folder() + " has " + key + " " + s.path(key) + ", "
                            + inputs.get(0).folder() + " has " + first.path(key) + ": not shards of one campaign");
            if (sharded && !runNames(s).equals(runNames(first)))   // --policy differed: each shard ran part of another campaign
                throw new IllegalArgumentException("merge: " + in.folder() + " ran " + runNames(s) + ", " + inputs.get(0).folder()
                        + " ran " + runNames(first) + ": not shards of one campaign");
            if (sharded) {
                int i = s.path("shard").path("index").asInt(), n = s.path("shard").path("count").asInt();
                if (n != count)
                    throw new IllegalArgumentException("merge: " + in.folder() + " is shard " + i + "/" + n + ", others are of " + count);
                Path before = shards.put(i, in.folder());
                if (before != null)
                    throw new IllegalArgumentException("merge: shard " + i + "/" + n + " twice: " + before + " and " + in.folder());
            }
        }
        if (sharded) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 1; i <= count; i++) if (!shards.containsKey(i)) missing.add(i);
            if (!missing.isEmpty()) problems.add("shards missing: " + missing + " of " + count + " (have " + shards.keySet() + ")");
        }

        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("command", first.path("command").asText("check"));
        out.put("implementation", first.path("implementation").asText());
        out.put("platform", first.path("platform").asText());
        if (sharded) out.set("seed", first.get("seed"));
        else {
            ArrayNode seeds = out.putArray("seeds");
            for (Input in : inputs) seeds.add(in.summary().path("seed"));
        }
        out.put("budget", first.path("budget").asText());
        out.put("timeout", first.path("timeout").asText());
        ObjectNode shardInfo = out.putObject("shards");
        shardInfo.put("count", sharded ? count : inputs.size());
        ArrayNode merged = shardInfo.putArray("merged");
        for (Input in : inputs) merged.add(sharded ? in.summary().path("shard").path("index").asInt() : 0);
        long steps = 0, cases = 0, wall = 0, cpu = 0;
        Map<String, ObjectNode> runs = new LinkedHashMap<>();
        String worst = "not run";
        for (Input in : inputs) {
            JsonNode s = in.summary();
            steps += s.path("steps").asLong();
            cases += s.path("cases").asLong();
            wall = Math.max(wall, s.path("timeMillis").asLong());
            cpu += s.path("timeMillis").asLong();
            worst = worse(worst, s.path("result").asText("conformant"));
            for (JsonNode r : s.path("runs")) {
                String name = runName(r);
                ObjectNode m = runs.computeIfAbsent(name, k -> {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    o.put(r.has("policy") ? "policy" : "component", k);
                    o.put("result", "not run");
                    o.put("cases", 0L);
                    o.put("steps", 0L);
                    o.put("timeMillis", 0L);
                    o.putArray("counterexamples");
                    return o;
                });
                m.put("result", worse(m.path("result").asText(), r.path("result").asText("conformant")));
                m.put("cases", m.path("cases").asLong() + r.path("cases").asLong());
                m.put("steps", m.path("steps").asLong() + r.path("steps").asLong());
                m.put("timeMillis", m.path("timeMillis").asLong() + r.path("timeMillis").asLong());
                for (JsonNode cx : counterexamples(r)) {
                    ObjectNode same = sameCase(m, cx);
                    if (same != null) {   // shards that shrank to the same minimal case: listed once
                        if (sharded) {
                            ArrayNode also = same.has("alsoInShards") ? (ArrayNode) same.get("alsoInShards") : same.putArray("alsoInShards");
                            also.add(s.path("shard").path("index").asInt());
                        }
                        continue;
                    }
                    ObjectNode c = ((ArrayNode) m.get("counterexamples")).addObject();
                    if (sharded) c.put("shard", s.path("shard").path("index").asInt());
                    c.set("seed", r.has("seed") ? r.get("seed") : s.path("seed"));
                    c.put("result", cx.path("result").asText());
                    c.set("failure", cx.path("failure"));
                    c.set("replayToken", cx.path("replayToken"));
                    String report = cx.path("report").isTextual() ? cx.get("report").asText() : null;
                    c.put("report", report == null ? null
                            : relative(outFolder, in.folder().resolve(report)));
                }
            }
        }
        out.put("steps", steps);
        out.put("cases", cases);
        out.put("timeMillis", wall);
        out.put("cpuMillis", cpu);
        out.put("result", problems.isEmpty() ? worst : worse(worst, "incomplete"));
        ArrayNode rs = out.putArray("runs");
        runs.values().forEach(rs::add);
        out.set("coverage", coverage(inputs));
        for (Input in : inputs)
            if (in.summary().has("matrix")) {
                out.set("matrix", in.summary().get("matrix"));
                break;
            }
        if (!problems.isEmpty()) {
            ArrayNode p = out.putArray("problems");
            problems.forEach(p::add);
        }
        return new Merged(out, problems);
    }

    /** crash > counterexample > not run > conformant; "incomplete" only above conformant. */
    private static String worse(String a, String b) {
        // "not run" is the least: a policy that ran cases in one shard and none in another (fewer tries
        // than shards) was checked, and so was a campaign of which one shard ran nothing
        List<String> order = List.of("not run", "conformant", "incomplete", "counterexample", "crash");
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }

    private static String relative(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return to.toAbsolutePath().normalize().toString();
        }
    }

    /** Cases per rule and run, summed over the inputs; covered and not reached recomputed from the sums. */
    private static ObjectNode coverage(List<Input> inputs) {
        Map<String, Map<String, Long>> sum = new LinkedHashMap<>();
        TreeSet<String> listed = new TreeSet<>();
        for (Input in : inputs) {
            JsonNode c = in.summary().path("coverage");
            c.path("covered").forEach(x -> listed.add(x.asText()));
            c.path("notReached").forEach(x -> listed.add(x.asText()));
            c.path("casesPerRule").properties().forEach(rule -> {
                Map<String, Long> row = sum.computeIfAbsent(rule.getKey(), k -> new LinkedHashMap<>());
                rule.getValue().properties().forEach(p -> {
                    // null: the rule cannot be reached under that policy (n/a), and stays null unless a shard counted it
                    Long before = row.get(p.getKey());
                    if (p.getValue().isNull()) {
                        if (!row.containsKey(p.getKey())) row.put(p.getKey(), null);
                    } else row.put(p.getKey(), (before == null ? 0 : before) + p.getValue().asLong());
                });
            });
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode covered = out.putArray("covered"), not = out.putArray("notReached");
        for (String rule : sum.keySet()) {
            if (!listed.contains(rule)) continue;
            long n = sum.get(rule).values().stream().filter(java.util.Objects::nonNull).mapToLong(Long::longValue).sum();
            (n > 0 ? covered : not).add(rule);
        }
        ObjectNode per = out.putObject("casesPerRule");
        sum.forEach((rule, row) -> {
            ObjectNode r = per.putObject(rule);
            row.forEach(r::put);
        });
        return out;
    }

    /** The policies (or components) a summary ran, in its order. */
    private static List<String> runNames(JsonNode summary) {
        List<String> names = new ArrayList<>();
        for (JsonNode r : summary.path("runs")) names.add(runName(r));
        return names;
    }

    /** The merged counterexample of {@code run} with the same replay token as {@code cx}, if any. */
    private static ObjectNode sameCase(ObjectNode run, JsonNode cx) {
        if (!cx.path("replayToken").isTextual()) return null;
        for (JsonNode c : run.get("counterexamples"))
            if (cx.get("replayToken").asText().equals(c.path("replayToken").asText(null))) return (ObjectNode) c;
        return null;
    }

    /** Writes summary.json and summary.md of a merge into {@code folder}. */
    public static void write(Path folder, Merged m) {
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)).withObjectIndenter(new DefaultIndenter("  ", "\n"));
            AtomicFiles.write(folder.resolve(JSON), MAPPER.writer(pp).writeValueAsString(m.summary()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AtomicFiles.write(folder.resolve(MARKDOWN), markdown(m));
    }

    static String markdown(Merged m) {
        JsonNode s = m.summary();
        StringBuilder b = new StringBuilder("# nestcheck campaign: ").append(s.path("implementation").asText()).append("\n\n");
        StringBuilder f = new StringBuilder();
        f.append("implementation  ").append(s.path("implementation").asText()).append('\n');
        f.append("platform        ").append(s.path("platform").asText()).append('\n');
        f.append(s.has("seed") ? "seed            " + s.get("seed").asText() : "seeds           " + s.path("seeds")).append('\n');
        f.append("budget          ").append(s.path("budget").asText()).append(s.has("seed") ? " (the whole campaign, split)" : " (each run)")
                .append('\n');
        f.append("shards          ").append(s.path("shards").path("merged").size()).append(" of ")
                .append(s.path("shards").path("count").asInt()).append('\n');
        f.append("steps           ").append(s.path("steps").asLong()).append(" in ").append(s.path("cases").asLong()).append(" cases\n");
        f.append("time            ").append(String.format(Locale.ROOT, "%.1f s longest shard, %.1f s in all",
                s.path("timeMillis").asLong() / 1000.0, s.path("cpuMillis").asLong() / 1000.0)).append('\n');
        f.append("result          ").append(s.path("result").asText());
        b.append(indent(f.toString())).append('\n');
        for (JsonNode p : s.path("problems"))
            b.append(dev.nestcheck.report.Layout.wrap("**" + p.asText() + "**", "", "", dev.nestcheck.report.Layout.WIDTH)).append("\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"run", "result", "cases", "steps", "counterexamples"});
        for (JsonNode r : s.path("runs"))
            rows.add(new String[] {runName(r), r.path("result").asText(), r.path("cases").asText(), r.path("steps").asText(),
                    Integer.toString(r.path("counterexamples").size())});
        b.append("## Runs\n\n").append(indent(Table.render(rows))).append('\n');
        boolean any = false;
        for (JsonNode r : s.path("runs")) {
            for (JsonNode cx : r.path("counterexamples")) {
                if (!any) b.append("## Counterexamples\n\n");
                any = true;
                StringBuilder item = new StringBuilder(runName(r));
                if (cx.has("shard")) item.append(", shard ").append(cx.get("shard").asInt());
                if (cx.has("alsoInShards")) {
                    List<String> also = new ArrayList<>();
                    cx.get("alsoInShards").forEach(i -> also.add(i.asText()));
                    item.append(" (the same case in shard").append(also.size() == 1 ? " " : "s ").append(String.join(", ", also)).append(')');
                }
                item.append(": ").append(cx.path("failure").asText(cx.path("result").asText()));
                if (cx.path("replayToken").isTextual()) item.append(" Replay token ").append(cx.get("replayToken").asText()).append('.');
                if (cx.path("report").isTextual()) item.append(" Report: ").append(cx.get("report").asText()).append("/");
                // 80 columns, as a single run's summary (a token is one word longer than that, alone on its line)
                b.append(dev.nestcheck.report.Layout.wrap(item.toString(), "- ", "  ", dev.nestcheck.report.Layout.WIDTH)).append('\n');
            }
        }
        if (any) b.append('\n');
        JsonNode cov = s.path("coverage");
        if (cov.path("casesPerRule").size() > 0) {
            b.append("## Coverage per rule\n\nCases, summed over the shards, in which the rule decided an outcome or was exercised.\n\n");
            List<String> cols = new ArrayList<>();
            cov.path("casesPerRule").properties().forEach(row -> row.getValue().properties().forEach(c -> {
                if (!cols.contains(c.getKey())) cols.add(c.getKey());
            }));
            List<String[]> t = new ArrayList<>();
            String[] head = new String[cols.size() + 1];
            head[0] = "rule";
            for (int i = 0; i < cols.size(); i++) head[i + 1] = cols.get(i);
            t.add(head);
            cov.path("casesPerRule").properties().forEach(e -> {
                String[] row = new String[cols.size() + 1];
                row[0] = e.getKey();
                for (int i = 0; i < cols.size(); i++) {
                    JsonNode cell = e.getValue().path(cols.get(i));
                    long n = cell.asLong();
                    row[i + 1] = n > 0 ? Long.toString(n) : cell.isNull() ? "n/a" : "-";
                }
                t.add(row);
            });
            b.append(indent(Table.render(t))).append('\n');
            b.append("rules covered: ").append(cov.path("covered").size()).append(" of ")
                    .append(cov.path("covered").size() + cov.path("notReached").size()).append("\n\n");
        }
        if (s.has("matrix")) {
            b.append("## Policy x requirement matrix\n\nFrom the shard that computed it (searched on the reference model).\n\n");
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"policy", "requirement", "result"});
            for (JsonNode c : s.get("matrix"))
                t.add(new String[] {c.path("policy").asText(), c.path("requirement").asText(),
                        c.path("holds").asBoolean() ? "holds" : "violated (" + c.path("steps").asText() + " steps)"});
            b.append(indent(Table.render(t))).append('\n');
        }
        return b.toString();
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) b.append(line.isEmpty() ? "" : "    " + line).append('\n');
        String r = b.toString();
        while (r.endsWith("\n\n")) r = r.substring(0, r.length() - 1);
        return r + "\n";
    }
}
