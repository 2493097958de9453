package dev.nestcheck.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/** Renders {@link SubjectSummary} rows as a plain-text Markdown document ({@code summary.md}). */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String markdown(List<SubjectSummary> rows, TimeToFailure.Config config, String header) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Time to failure\n\n");
        if (header != null && !header.isBlank()) sb.append(header.strip()).append("\n\n");
        double conf = config.confidence() * 100;
        sb.append(String.format(Locale.ROOT, "%d runs per subject, seeds %d..%d, at most %d cases per run "
                        + "(shrinking: %d attempts, %s), run time limit %d s. Detection: detected runs / runs with "
                        + "the %.0f%% Wilson and Clopper-Pearson intervals. Cases, steps and seconds are to the first "
                        + "failing case, before shrinking, over the detected runs (median / 95th percentile, R type 7). "
                        + "Shrunk length is the counterexample's steps, closing steps included (median, min-max); "
                        + "\"at min\" counts detected runs whose counterexample has the known minimal length.\n\n",
                config.seeds(), config.firstSeed(), config.firstSeed() + config.seeds() - 1,
                config.settings().tries(), config.settings().shrinkMaxAttempts(),
                config.settings().hasShrinkTimeLimit() ? config.settings().shrinkMaxTime().toSeconds() + " s"
                        : "no time limit", config.runTimeout().toSeconds(), conf));
        sb.append("| subject | policy | detected | Wilson ").append(pct(conf)).append(" | Clopper-Pearson ")
                .append(pct(conf)).append(" | cases | steps | ms | shrink ms | shrunk length | known min | at min |\n");
        sb.append("| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (SubjectSummary r : rows) {
            sb.append("| ").append(r.name()).append(" | ").append(r.policy()).append(" | ")
                    .append(r.detected()).append('/').append(r.runs())
                    .append(problems(r)).append(" | ")
                    .append(interval(r.wilson())).append(" | ").append(interval(r.clopperPearson())).append(" | ")
                    .append(pair(r.medianCases(), r.p95Cases(), "%.0f")).append(" | ")
                    .append(pair(r.medianSteps(), r.p95Steps(), "%.0f")).append(" | ")
                    .append(pair(r.medianSeconds() * 1e3, r.p95Seconds() * 1e3, "%.1f")).append(" | ")
                    .append(pair(r.medianShrinkSeconds() * 1e3, r.p95ShrinkSeconds() * 1e3, "%.0f")).append(" | ")
                    .append(lengths(r)).append(" | ")
                    .append(r.knownMinimalLength() < 0 ? "?" : String.valueOf(r.knownMinimalLength())).append(" | ")
                    .append(r.knownMinimalLength() < 0 || r.detected() == 0 ? "-"
                            : r.atKnownMinimum() + "/" + r.detected()
                            + (r.belowKnownMinimum() > 0 ? " (" + r.belowKnownMinimum() + " BELOW)" : ""))
                    .append(" |\n");
        }
        long below = rows.stream().mapToLong(SubjectSummary::belowKnownMinimum).sum();
        if (below > 0)
            sb.append("\nBELOW: a counterexample shorter than the known minimum, so that minimum is wrong.\n");
        if (rows.stream().anyMatch(r -> r.shrinkBudgetExhausted() > 0))
            sb.append("\nbudget: shrinking stopped at its budget in that many detected runs; those cases may not be minimal.\n");
        return sb.toString();
    }

    private static String pct(double conf) {
        return String.format(Locale.ROOT, "%.0f%%", conf);
    }

    private static String problems(SubjectSummary r) {
        StringBuilder s = new StringBuilder();
        if (r.timeouts() > 0) s.append(", ").append(r.timeouts()).append(" timeout");
        if (r.errors() > 0) s.append(", ").append(r.errors()).append(" error");
        if (r.shrinkBudgetExhausted() > 0) s.append(", ").append(r.shrinkBudgetExhausted()).append(" budget");
        return s.toString();
    }

    private static String interval(BinomialInterval i) {
        return String.format(Locale.ROOT, "%.3f-%.3f", i.lower(), i.upper());
    }

    private static String pair(double median, double p95, String fmt) {
        if (Double.isNaN(median)) return "-";
        return String.format(Locale.ROOT, fmt + " / " + fmt, median, p95);
    }

    private static String lengths(SubjectSummary r) {
        if (Double.isNaN(r.medianShrunkLength())) return "-";
        return String.format(Locale.ROOT, "%.0f (%d-%d)", r.medianShrunkLength(), r.minShrunkLength(), r.maxShrunkLength());
    }

    /** Writes the document, creating directories, through a temporary file and a rename. */
    public static void write(Path file, String markdown) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, markdown, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
