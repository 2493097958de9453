package dev.nestcheck.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nestcheck.report.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One shard of a campaign, {@code --shard I/N}: I counts from 1 to N, as GitLab's
 * {@code CI_NODE_INDEX}/{@code CI_NODE_TOTAL} do (a Kubernetes Indexed Job's
 * {@code JOB_COMPLETION_INDEX} counts from 0: pass {@code $((JOB_COMPLETION_INDEX + 1))/N}).
 * The engine takes it 0-based ({@code Settings.withShard(index0, count)}).
 */
public record Shard(int index, int count) {
    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    public Shard {
        if (count < 1 || index < 1 || index > count)
            throw new IllegalArgumentException("--shard " + index + "/" + count + ": I must be 1..N (N at least 1); "
                    + "a 0-based index (Kubernetes JOB_COMPLETION_INDEX) needs +1");
    }

    /** Parses {@code I/N}; one-line IllegalArgumentException otherwise. */
    public static Shard parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches())
            throw new IllegalArgumentException("--shard must be I/N with 1 <= I <= N, e.g. 2/4, got \"" + text + "\"");
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public int index0() {
        return index - 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** Adds {@code "shard": {"index": I, "count": N}} to a written summary.json, so that {@code merge} can check completeness. */
    public void annotate(Path summaryJson) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode root = mapper.readTree(Files.readString(summaryJson));
            if (!(root instanceof ObjectNode o)) return;
            ObjectNode s = o.putObject("shard");
            s.put("index", index);
            s.put("count", count);
            AtomicFiles.write(summaryJson, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(summaryJson + ": " + e.getMessage(), e);
        }
    }
}
