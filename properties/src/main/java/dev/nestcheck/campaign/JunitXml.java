package dev.nestcheck.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.report.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A run's or a campaign's summary (summary.json) as JUnit XML, the format Jenkins, GitLab and
 * GitHub show natively: one test suite, one test case per policy (or component), a failure per
 * counterexample with its report text ({@code counterexample.md} when the report folder is
 * there), an error when the implementation crashed or hung.
 */
public final class JunitXml {
    private JunitXml() {
    }

    /**
     * @param summary the summary.json tree ({@code runs}, and {@code counterexamples} per run after a merge)
     * @param base    where the summary's report paths start, or null
     */
    public static String render(JsonNode summary, Path base) {
        String impl = summary.path("implementation").asText("implementation");
        JsonNode runs = summary.path("runs");
        int tests = runs.size(), failures = 0, errors = 0, skipped = 0;
        long millis = 0;
        StringBuilder cases = new StringBuilder();
        for (JsonNode r : runs) {
            String name = Summaries.runName(r);
            String result = r.path("result").asText();
            long ms = r.path("timeMillis").asLong();
            millis += ms;
            cases.append("    <testcase classname=\"").append(attr(className(summary.path("command").asText("check"), impl)))
                    .append("\" name=\"").append(attr(name)).append("\" time=\"").append(seconds(ms)).append('"');
            if (result.equals("conformant")) {
                cases.append("/>\n");
                continue;
            }
            if (result.equals("not run")) {   // check stopped after a hang under an earlier policy
                skipped++;
                cases.append(">\n      <skipped message=\"").append(attr(r.path("failure").asText("not run"))).append("\"/>\n")
                        .append("    </testcase>\n");
                continue;
            }
            cases.append(">\n");
            boolean crash = result.equals("crash");
            if (crash) errors++;
            else failures++;
            String tag = crash ? "error" : "failure";
            for (JsonNode cx : Summaries.counterexamples(r)) {
                String title = cx.path("failure").asText(result);
                cases.append("      <").append(tag).append(" message=\"").append(attr(title)).append("\" type=\"")
                        .append(crash ? "crash" : "counterexample").append("\">").append(text(reportText(cx, base, summary)))
                        .append("</").append(tag).append(">\n");
            }
            cases.append("    </testcase>\n");
        }
        // a merge's problems (a shard missing, shards of other campaigns): an error, or the CI view shows green
        if (summary.path("problems").size() > 0) {
            java.util.List<String> problems = new java.util.ArrayList<>();
            summary.path("problems").forEach(p -> problems.add(p.asText()));
            tests++;
            errors++;
            cases.append("    <testcase classname=\"").append(attr(className(summary.path("command").asText("check"), impl)))
                    .append("\" name=\"campaign\" time=\"0.000\">\n      <error message=\"").append(attr(String.join("; ", problems)))
                    .append("\" type=\"incomplete\">").append(text(String.join("\n", problems))).append("</error>\n    </testcase>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"" + attr("nestcheck "
                + summary.path("command").asText("check") + " " + impl) + "\" tests=\"" + tests + "\" failures=\"" + failures
                + "\" errors=\"" + errors + "\" skipped=\"" + skipped + "\" time=\""
                // the run's wall time (its policies run side by side), not the sum of theirs
                + seconds(summary.path("timeMillis").asLong(0) > 0 ? summary.path("timeMillis").asLong() : millis) + "\">\n"
                + "    <properties>\n      <property name=\"seed\" value=\"" + attr(summary.path("seed").asText()) + "\"/>\n"
                + "      <property name=\"platform\" value=\"" + attr(summary.path("platform").asText()) + "\"/>\n"
                + "      <property name=\"budget\" value=\"" + attr(summary.path("budget").asText()) + "\"/>\n    </properties>\n"
                + cases + "  </testsuite>\n</testsuites>\n";
    }

    public static void write(Path file, JsonNode summary, Path base) {
        AtomicFiles.write(file, render(summary, base));
    }

    /** The counterexample's report text when its folder is readable, else its title, token and folder. */
    private static String reportText(JsonNode cx, Path base, JsonNode summary) {
        String report = cx.path("report").isTextual() ? cx.get("report").asText() : null;
        if (report != null && base != null) {
            Path md = base.resolve(report).resolve("counterexample.md");
            try {
                if (Files.isRegularFile(md)) return Files.readString(md, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // fall back to the summary's facts
            }
        }
        StringBuilder b = new StringBuilder(cx.path("failure").asText("failure")).append('\n');
        if (cx.path("replayToken").isTextual()) b.append("replay token: ").append(cx.get("replayToken").asText()).append('\n');
        b.append("seed: ").append(summary.path("seed").asText()).append('\n');
        if (report != null) b.append("report: ").append(report).append('\n');
        return b.toString();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("\n", "&#10;");
    }

    /** XML character data: escapes, and drops characters XML 1.0 cannot hold. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                default:
                    if (xmlChar(c)) b.appendCodePoint(c);
                    else if (c >= 0x20) b.append('\uFFFD');   // U+FFFE, U+FFFF, a lone surrogate: shown, not dropped
            }
        }
        return b.toString();
    }

    /** XML 1.0's Char: a consumer refuses the whole file for one character outside it. */
    private static boolean xmlChar(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * The test class name: {@code nestcheck.check.NAME}, NAME the implementation with every character
     * that is not a letter, digit, {@code _} or {@code -} made {@code _} (Jenkins splits class names at dots),
     * and an {@code exec:} command named by its program alone (its path differs from one CI workspace to
     * the next, which would break a test's history).
     */
    static String className(String command, String impl) {
        String name = impl;
        if (name.startsWith("exec:")) {
            String program = name.substring(5).strip().split("\\s+")[0];
            name = "exec_" + program.substring(program.lastIndexOf('/') + 1);
        }
        return "nestcheck." + command + "." + name.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
