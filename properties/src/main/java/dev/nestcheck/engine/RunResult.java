package dev.nestcheck.engine;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of {@link Engine#run}: a counterexample ({@link #failure()}), unmet coverage
 * requirements, or neither; plus the counters that tell how much was actually tested.
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

    private final Settings settings;
    private final long seed;
    private final Counters counters;
    private final Statistics statistics;
    private final Failure failure;
    private final List<String> unmetCoverage;
    private final String unsatisfied;
    private final boolean exhaustiveComplete;

    RunResult(Settings settings, long seed, Counters counters, Statistics statistics, Failure failure,
              List<String> unmetCoverage, String unsatisfied, boolean exhaustiveComplete) {
        this.settings = settings;
        this.seed = seed;
        this.counters = counters;
        this.statistics = statistics;
        this.failure = failure;
        this.unmetCoverage = List.copyOf(unmetCoverage);
        this.unsatisfied = unsatisfied;
        this.exhaustiveComplete = exhaustiveComplete;
    }

    public boolean passed() { return failure == null && unmetCoverage.isEmpty() && unsatisfied == null; }

    public Optional<Failure> failure() { return Optional.ofNullable(failure); }

    /** One line per unmet coverage requirement (empty when met, or when a counterexample was found). */
    public List<String> unmetCoverage() { return unmetCoverage; }

    /** Why the run tested nothing (every case rejected or overran), if so. */
    public Optional<String> unsatisfied() { return Optional.ofNullable(unsatisfied); }

    public Statistics statistics() { return statistics; }

    public Settings settings() { return settings; }

    /** The master seed actually used (the random one if none was configured). */
    public long seed() { return seed; }

    public Counters counters() { return counters; }

    public long casesRun() { return counters.casesRun(); }

    public long validCases() { return counters.valid(); }

    public long rejectedCases() { return counters.rejected(); }

    public long overruns() { return counters.overruns(); }

    public long totalDraws() { return counters.draws(); }

    public Duration elapsed() { return counters.elapsed(); }

    /** Exhaustive mode: the number of distinct fingerprints reached. */
    public long statesExplored() { return counters.statesExplored(); }

    /** Exhaustive mode: true if every sequence within the bounds was run (or pruned). */
    public boolean exhaustiveComplete() { return exhaustiveComplete; }

    /** One line of counters, e.g. for logs. */
    public String summary() {
        Counters c = counters;
        boolean exhaustive = settings.mode() == Mode.EXHAUSTIVE && settings.replay().isEmpty();
        String s = (settings.name() == null ? "property" : settings.name()) + ": "
                + (passed() ? "passed" : "FAILED") + ", " + (settings.replay().isPresent() ? "replay"
                : settings.mode().name().toLowerCase(Locale.ROOT)) + ", seed " + seed + ", " + c.casesRun()
                + (exhaustive ? " sequences run (" : " cases (") + c.valid() + " valid, " + c.rejected()
                + " rejected, " + c.overruns() + " overruns" + (exhaustive ? ", " + c.pruned() + " pruned" : "")
                + "), " + c.draws() + " draws, " + c.elapsed().toMillis() + " ms";
        if (exhaustive) {
            s += ", " + c.statesExplored() + " states explored, "
                    + (exhaustiveComplete ? "complete" : "INCOMPLETE (run or time limit)");
        }
        return s;
    }

    /** The failure message: the counterexample report, or the unmet coverage with the table, or why not. */
    public String message() {
        if (failure != null) {
            return failure.report();
        }
        if (!unmetCoverage.isEmpty()) {
            StringBuilder sb = new StringBuilder((settings.name() == null ? "Property" : settings.name())
                    + ": no counterexample, but coverage requirements were not met (seed " + seed + "):\n");
            unmetCoverage.forEach(u -> sb.append("  - ").append(u).append('\n'));
            return sb.append('\n').append(statistics.table()).toString();
        }
        if (unsatisfied != null) {
            return (settings.name() == null ? "Property" : settings.name()) + ": " + unsatisfied;
        }
        return summary();
    }

    /** @throws PropertyFailedError with {@link #message()} unless the run passed */
    public void assertPassed() {
        if (!passed()) {
            throw new PropertyFailedError(message(), failure == null ? null : failure.throwable(), this);
        }
    }

    @Override
    public String toString() { return summary(); }
}
