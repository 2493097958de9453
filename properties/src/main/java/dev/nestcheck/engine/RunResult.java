package dev.nestcheck.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of {@link Engine#run}: counterexamples ({@link #failure()}, {@link #failures()}), unmet
 * coverage requirements, or neither; plus the counters that tell how much was actually tested.
 * A run passes only if there is no counterexample, all coverage requirements are met and at least one
 * case was valid (a property that rejects every case tests nothing).
 */
public final class RunResult {

    /**
     * Work done by the search (shrinking runs are not included; see {@link Failure#shrinkStats()}).
     * {@code valid} counts cases that ran to completion (passed or failed); {@code pruned} and
     * {@code statesExplored} are exhaustive-mode figures; in exhaustive mode {@code casesRun} counts every
     * sequence run, including prefixes that were expanded.
     */
    public record Counters(long casesRun, long valid, long rejected, long overruns, long pruned, long draws,
                           long statesExplored, Duration elapsed) {
        public double casesPerSecond() {
            return elapsed.isZero() ? 0 : casesRun / (elapsed.toNanos() / 1e9);
        }

        public double drawsPerSecond() {
            return elapsed.isZero() ? 0 : draws / (elapsed.toNanos() / 1e9);
        }
    }

    /**
     * This run's part of a sharded campaign ({@link Settings#withShard}): shard {@code index} of
     * {@code count}; it ran the cases whose index {@code k < caseIndexEnd} has {@code k % count == index}
     * (all of them up to a failure, the time budget or the end of its range).
     */
    public record Shard(int index, int count, long caseIndexEnd) {
        /** The case indices this shard ran: its residue class below {@link #caseIndexEnd()}. */
        public long casesInRange() {
            return caseIndexEnd <= index ? 0 : (caseIndexEnd - 1 - index) / count + 1;
        }
    }

    /**
     * What an exhaustive run covered: every sequence of up to {@code maxSteps} steps, every alternative of
     * every flag, picks up to their first {@code maxPickAlternatives} alternatives, integer draws limited
     * to the choices {@code 0..maxIntChoice}, and at most {@code maxDeviationsPerStep} choices per step other
     * than the simplest. Over the sequences run to their end, {@code clampedDraws} integer draws had a wider
     * range (up to {@code 0..widestClamped}) and {@code clampedPicks} picks more alternatives (up to
     * {@code widestPick}); those were not covered in full.
     */
    public record Exhaustive(int maxSteps, long maxIntChoice, long clampedDraws, long widestClamped,
                             int maxPickAlternatives, long clampedPicks, long widestPick, int maxDeviationsPerStep) {
        /** One sentence for a report. */
        public String describe() {
            return "covered every sequence of up to " + maxSteps + " steps"
                    + (maxDeviationsPerStep == Integer.MAX_VALUE ? "" : " in which each step makes at most "
                    + maxDeviationsPerStep + " choices other than the simplest")
                    + " with every alternative of each flag, "
                    + (clampedPicks == 0 ? "every alternative of each pick"
                    : "the first " + maxPickAlternatives + " alternatives of each pick (" + clampedPicks
                    + " picks had more, up to " + widestPick + ")")
                    + ", and integer draws limited to 0.." + maxIntChoice
                    + (clampedDraws == 0 ? " (no integer draw had a wider range: nothing was clamped)"
                    : " (" + clampedDraws + " integer draws had wider ranges, up to 0.." + widestClamped
                    + ", and were clamped)");
        }
    }

    private final Settings settings;
    private final long seed;
    private final Counters counters;
    private final Statistics statistics;
    private final List<Failure> failures;
    private final List<String> unmetCoverage;
    private final String unsatisfied;
    private final boolean exhaustiveComplete;
    private final List<String> healthWarnings;
    private final long caseIndexEnd;
    private final Exhaustive exhaustive;
    private final String databaseNote;

    RunResult(Settings settings, long seed, Counters counters, Statistics statistics, List<Failure> failures,
              List<String> unmetCoverage, String unsatisfied, boolean exhaustiveComplete, List<String> healthWarnings,
              long caseIndexEnd, Exhaustive exhaustive, String databaseNote) {
        this.settings = settings;
        this.seed = seed;
        this.counters = counters;
        this.statistics = statistics;
        this.failures = List.copyOf(failures);
        this.unmetCoverage = List.copyOf(unmetCoverage);
        this.unsatisfied = unsatisfied;
        this.exhaustiveComplete = exhaustiveComplete;
        this.healthWarnings = List.copyOf(healthWarnings);
        this.caseIndexEnd = caseIndexEnd;
        this.exhaustive = exhaustive;
        this.databaseNote = databaseNote;
    }

    public boolean passed() { return failures.isEmpty() && unmetCoverage.isEmpty() && unsatisfied == null; }

    /** The first failure found (shrunk), if any. */
    public Optional<Failure> failure() { return failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(0)); }

    /**
     * Every distinct failure found (told apart by exception type and location), each shrunk on its own,
     * the first one first; empty when the run found none.
     */
    public List<Failure> failures() { return failures; }

    /** One line per unmet coverage requirement (empty when met, or when a counterexample was found). */
    public List<String> unmetCoverage() { return unmetCoverage; }

    /** Why the run tested nothing (every case rejected or overran, or a replay token refused), if so. */
    public Optional<String> unsatisfied() { return Optional.ofNullable(unsatisfied); }

    /** Warnings about how much a random search really tested (mostly rejected cases, length cap hits). */
    public List<String> healthWarnings() { return healthWarnings; }

    /** What the failure database did in this run, if it was used and had something for this property. */
    public Optional<String> databaseNote() { return Optional.ofNullable(databaseNote); }

    public Statistics statistics() { return statistics; }

    public Settings settings() { return settings; }

    /** The master seed actually used (the random one if none was configured). */
    public long seed() { return seed; }

    /** The shard this run was ({@code 0/1} when not sharded) and the case indices it reached. */
    public Shard shard() { return new Shard(settings.shardIndex(), settings.shardCount(), caseIndexEnd); }

    /**
     * Random search: one past the last case index the search reached (in the unsharded numbering, rejected
     * cases included); every index below it that belongs to this shard was run.
     */
    public long caseIndexEnd() { return caseIndexEnd; }

    public Counters counters() { return counters; }

    public long casesRun() { return counters.casesRun(); }

    public long validCases() { return counters.valid(); }

    public long rejectedCases() { return counters.rejected(); }

    public long overruns() { return counters.overruns(); }

    public long totalDraws() { return counters.draws(); }

    public Duration elapsed() { return counters.elapsed(); }

    /** Exhaustive mode: the number of distinct complete fingerprints reached. */
    public long statesExplored() { return counters.statesExplored(); }

    /** Exhaustive mode: true if every sequence within the bounds was run (or pruned on a complete fingerprint). */
    public boolean exhaustiveComplete() { return exhaustiveComplete; }

    /** Exhaustive mode: the bounds the run covered (empty in other modes). */
    public Optional<Exhaustive> exhaustiveBounds() { return Optional.ofNullable(exhaustive); }

    /** One line of counters, e.g. for logs. */
    public String summary() {
        Counters c = counters;
        boolean exhaustive = settings.mode() == Mode.EXHAUSTIVE && settings.replay().isEmpty();
        String s = (settings.name() == null ? "property" : settings.name()) + ": "
                + (passed() ? "passed" : "FAILED") + ", " + (settings.replay().isPresent() ? "replay"
                : settings.mode().name().toLowerCase(Locale.ROOT)) + ", seed " + seed
                + (settings.shardCount() > 1 ? ", shard " + (settings.shardIndex() + 1) + "/" + settings.shardCount()
                + " of case indices 0.." + (settings.tries() - 1) : "") + ", " + c.casesRun()
                + (exhaustive ? " sequences run (" : " cases (") + c.valid() + " valid, " + c.rejected()
                + " rejected, " + c.overruns() + " overruns" + (exhaustive ? ", " + c.pruned() + " pruned" : "")
                + "), " + c.draws() + " draws, " + c.elapsed().toMillis() + " ms";
        if (failures.size() > 1) {
            s += ", " + failures.size() + " distinct failures";
        }
        if (exhaustive) {
            s += ", " + c.statesExplored() + " states explored, "
                    + (exhaustiveComplete ? "complete" : "INCOMPLETE (run or time limit)") + ": "
                    + this.exhaustive.describe();
        }
        return s;
    }

    /**
     * The failure message: every counterexample's report, or the unmet coverage with the table, or why
     * not; health warnings last.
     */
    public String message() {
        StringBuilder sb = new StringBuilder();
        if (!failures.isEmpty()) {
            if (failures.size() > 1) {
                sb.append(failures.size()).append(" distinct failures (by exception type and location), each shrunk"
                        + " on its own:\n\n");
            }
            for (int i = 0; i < failures.size(); i++) {
                if (failures.size() > 1) {
                    sb.append("=== Failure ").append(i + 1).append(" of ").append(failures.size()).append(" ===\n");
                }
                sb.append(failures.get(i).report());
                if (i + 1 < failures.size()) {
                    sb.append('\n');
                }
            }
        } else if (!unmetCoverage.isEmpty()) {
            sb.append(settings.name() == null ? "Property" : settings.name())
                    .append(": no counterexample, but coverage requirements were not met (seed ").append(seed)
                    .append("):\n");
            unmetCoverage.forEach(u -> sb.append("  - ").append(u).append('\n'));
            sb.append('\n').append(statistics.table());
        } else if (unsatisfied != null) {
            sb.append(settings.name() == null ? "Property" : settings.name()).append(": ").append(unsatisfied);
        } else {
            sb.append(summary());
        }
        for (String w : healthWarnings) {
            sb.append(sb.charAt(sb.length() - 1) == '\n' ? "" : "\n").append("Health warning: ").append(w);
        }
        return sb.toString();
    }

    /** @throws PropertyFailedError with {@link #message()} unless the run passed */
    public void assertPassed() {
        if (!passed()) {
            Throwable cause = failures.isEmpty() ? null : failures.get(0).throwable();
            PropertyFailedError e = new PropertyFailedError(message(), cause, this);
            for (int i = 1; i < failures.size(); i++) {
                e.addSuppressed(failures.get(i).throwable());
            }
            throw e;
        }
    }

    @Override
    public String toString() { return summary(); }
}
