package dev.nestcheck.concurrency.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nestcheck.concurrency.Finding;
import dev.nestcheck.report.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A concurrency counterexample as files: {@code counterexample.md} (the scenario as columns, one per
 * thread, the finding, the interleaving, the seed and the replay token), {@code counterexample.json}
 * (the same, for tools), and {@code RegressionTest_<name>.java} (a JUnit 5 test that fails while the
 * bug is there). Written atomically.
 */
public final class ConcurrencyReport {
    /**
     * What a report says.
     *
     * @param name           a file-name-safe name, e.g. {@code kvm_allocator_optimized}
     * @param subject        what was checked, e.g. {@code the KVM VMID allocator of 'optimized'}
     * @param mode           which mode ran, e.g. {@code model checking (Lincheck), 200 interleavings per scenario}
     * @param prefix         the sequential prefix, one operation each
     * @param branches       the parallel branches, thread by thread
     * @param threadTitles   the column title of each branch, e.g. {@code T0 (cpu0)}
     * @param regressionTest the Java source of the regression test
     */
    public record Input(String name, String subject, String mode, String platform, List<String> prefix,
                        List<List<String>> branches, List<String> threadTitles, Finding finding, long seed,
                        String token, String replayCommand, String regressionTest) {
    }

    public record Written(Path folder, Path markdown, Path json, Path regressionTest) {
    }

    private ConcurrencyReport() {
    }

    public static Written write(Path dir, Input in) {
        Path folder = dir.resolve(in.name());
        Path md = AtomicFiles.write(folder.resolve("counterexample.md"), markdown(in));
        Path json = AtomicFiles.write(folder.resolve("counterexample.json"), json(in));
        Path test = AtomicFiles.write(folder.resolve("RegressionTest_" + in.name() + ".java"), in.regressionTest());
        return new Written(folder, md, json, test);
    }

    /** The scenario as a plain-text table: the prefix, then one column per thread. */
    public static String columns(List<String> prefix, List<List<String>> branches, List<String> titles) {
        List<String> header = new ArrayList<>();
        header.add("init");
        header.addAll(titles);
        int rows = prefix.size() + branches.stream().mapToInt(List::size).max().orElse(0);
        String[][] cells = new String[rows][header.size()];
        for (int i = 0; i < prefix.size(); i++) cells[i][0] = prefix.get(i);
        for (int t = 0; t < branches.size(); t++)
            for (int i = 0; i < branches.get(t).size(); i++) cells[prefix.size() + i][t + 1] = branches.get(t).get(i);
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
            for (String[] row : cells) if (row[c] != null) width[c] = Math.max(width[c], row[c].length());
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header.toArray(new String[0]), width);
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) rule.append("-".repeat(w + 2)).append('|');
        sb.append(rule).append('\n');
        for (int r = 0; r < rows; r++) {
            appendRow(sb, cells[r], width);
            if (r == prefix.size() - 1) sb.append(rule).append('\n');
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] row, int[] width) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = row[c] == null ? "" : row[c];
            sb.append(' ').append(v).append(" ".repeat(width[c] - v.length())).append(" |");
        }
        sb.append('\n');
    }

    static String markdown(Input in) {
        Finding f = in.finding();
        StringBuilder sb = new StringBuilder();
        sb.append("# Concurrency counterexample: ").append(in.subject()).append("\n\n");
        sb.append("**").append(f.summary()).append("**\n\n");
        sb.append("- platform: ").append(in.platform()).append('\n');
        sb.append("- mode: ").append(in.mode()).append('\n');
        sb.append("- seed: ").append(in.seed()).append('\n');
        sb.append("- replay token: `").append(in.token()).append("`\n");
        sb.append("- replay: `").append(in.replayCommand()).append("`\n\n");
        sb.append("## Scenario (operations above the line run first, in order; then each column runs on its own thread)\n\n```\n")
                .append(columns(in.prefix(), in.branches(), in.threadTitles())).append("```\n\n");
        sb.append("## What went wrong\n\n```\n").append(f.detail()).append("\n```\n\n");
        if (f.interleaving() != null)
            sb.append("## Interleaving (").append(in.mode().startsWith("stress") ? "as recorded" : "from Lincheck's trace")
                    .append(")\n\n```\n").append(f.interleaving()).append("\n```\n");
        return sb.toString();
    }

    static String json(Input in) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "nestcheck-concurrency/1");
        m.put("subject", in.subject());
        m.put("kind", in.finding().kind().text());
        m.put("rule", in.finding().rule());
        m.put("title", in.finding().title());
        m.put("platform", in.platform());
        m.put("mode", in.mode());
        m.put("prefix", in.prefix());
        List<Map<String, Object>> threads = new ArrayList<>();
        for (int t = 0; t < in.branches().size(); t++) {
            Map<String, Object> th = new LinkedHashMap<>();
            th.put("thread", in.threadTitles().get(t));
            th.put("operations", in.branches().get(t));
            threads.add(th);
        }
        m.put("threads", threads);
        m.put("detail", in.finding().detail());
        m.put("interleaving", in.finding().interleaving());
        m.put("seed", in.seed());
        m.put("replayToken", in.token());
        m.put("replay", in.replayCommand());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
