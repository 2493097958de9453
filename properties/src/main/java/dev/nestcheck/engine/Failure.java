package dev.nestcheck.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The minimal counterexample of a failed run: its choices (and replay token), the exception its final
 * run threw, its notes or drawn values, and how it was obtained (seed, case index, shrinking effort).
 * {@link #report()} is the message a developer reads, built to be enough to understand and reproduce the
 * failure without re-running.
 */
public final class Failure {

    /** How shrinking ended. */
    public enum ShrinkEnd {
        /** Not shrunk: found by exhaustive search (minimal by construction), replayed, or flaky. */
        NOT_SHRUNK,
        /** A whole round of shrink passes found nothing more: a local minimum. */
        FIXPOINT,
        /** The limit on property runs ({@link Settings#shrinkMaxAttempts()}) stopped it. */
        ATTEMPT_LIMIT,
        /** The wall-time limit ({@link Settings#shrinkMaxTime()}) stopped it. */
        TIME_LIMIT
    }

    /**
     * Shrinking effort and how it ended.
     *
     * @param attempts        property runs spent shrinking (the shrink calls; what the attempt limit counts)
     * @param candidates      candidate sequences considered, including those answered from the cache
     * @param rounds          rounds of shrink passes
     * @param spent           wall time spent shrinking
     * @param end             what ended shrinking
     * @param stillProgressing when a limit ended it: the interrupted round had already made the case smaller
     * @param improvements    per shrink pass, how many smaller cases it found (the engine's shrink statistics)
     */
    public record ShrinkStats(int attempts, int candidates, int rounds, Duration spent, ShrinkEnd end,
                              boolean stillProgressing, Map<String, Integer> improvements) {
        static final ShrinkStats NONE = new ShrinkStats(0, 0, 0, Duration.ZERO, ShrinkEnd.NOT_SHRUNK, false, Map.of());

        public ShrinkStats {
            improvements = Map.copyOf(improvements);
        }

        /**
         * True when a limit stopped shrinking while its passes were still making the case smaller: the
         * case may well not be minimal. A limit that struck in a round that had found nothing yet is not
         * reported as exhausted (see {@link #reachedFixpoint()}).
         */
        public boolean budgetExhausted() {
            return (end == ShrinkEnd.ATTEMPT_LIMIT || end == ShrinkEnd.TIME_LIMIT) && stillProgressing;
        }

        /** True when shrinking ended at a fixpoint: no pass could make the case any smaller. */
        public boolean reachedFixpoint() {
            return end == ShrinkEnd.FIXPOINT;
        }

        /** The limit that stopped shrinking, e.g. "the attempt limit (10000 runs)", if one did. */
        public Optional<String> limitThatStopped(Settings settings) {
            if (end == ShrinkEnd.ATTEMPT_LIMIT) {
                return Optional.of("the attempt limit (" + settings.shrinkMaxAttempts() + " runs)");
            }
            if (end == ShrinkEnd.TIME_LIMIT) {
                return Optional.of("the time limit (" + settings.shrinkMaxTime().toMillis() + " ms)");
            }
            return Optional.empty();
        }
    }

    private static final int MAX_CHOICES_SHOWN = 64;

    private final Settings settings;
    private final long seed;
    private final long[] choices;
    private final Throwable throwable;
    private final List<String> notes;
    private final List<String> drawn;
    private final int originalChoiceCount;
    private final long casesBefore;
    private final long caseIndex;
    private final ShrinkStats shrink;
    private final String how;
    private final String identity;
    private final String flaky;

    Failure(Settings settings, long seed, long[] choices, Throwable throwable, List<String> notes, List<String> drawn,
            int originalChoiceCount, long casesBefore, long caseIndex, ShrinkStats shrink, String how, String identity,
            String flaky) {
        this.settings = settings;
        this.seed = seed;
        this.choices = choices.clone();
        this.throwable = throwable;
        this.notes = List.copyOf(notes);
        this.drawn = List.copyOf(drawn);
        this.originalChoiceCount = originalChoiceCount;
        this.casesBefore = casesBefore;
        this.caseIndex = caseIndex;
        this.shrink = shrink;
        this.how = how;
        this.identity = identity;
        this.flaky = flaky;
    }

    /** The minimal failing choice sequence. */
    public long[] choices() {
        return choices.clone();
    }

    /**
     * Pass as {@code -Dnestcheck.replay=TOKEN} (or {@link Settings#withReplay}) to run exactly this case;
     * it carries the property's identity, if it has one.
     */
    public String replayToken() {
        return ReplayToken.encode(choices, identity);
    }

    public long seed() {
        return seed;
    }

    /** What the final run of the minimal case threw (for a flaky failure: what the first run threw). */
    public Throwable throwable() {
        return throwable;
    }

    /** The {@link TestCase#note} lines of the final run of the minimal case. */
    public List<String> notes() {
        return notes;
    }

    /** What the final run drew at top level ("description = value"), shown when the property noted nothing. */
    public List<String> drawnValues() {
        return drawn;
    }

    /** Length of the first failing sequence found, before shrinking. */
    public int originalChoiceCount() {
        return originalChoiceCount;
    }

    public int shrunkChoiceCount() {
        return choices.length;
    }

    /** How many test cases (or exhaustive sequences) ran before the failure was found, that one included. */
    public long casesBeforeFailure() {
        return casesBefore;
    }

    /**
     * The index of the random-search case that first failed this way, in the numbering of the unsharded
     * run with the same seed (0-based); -1 when it did not come from random search (replay, exhaustive
     * search, the failure database).
     */
    public long caseIndex() {
        return caseIndex;
    }

    public ShrinkStats shrinkStats() {
        return shrink;
    }

    /** How it was found: "random search", "exhaustive search", "replay" or "failure database". */
    public String how() {
        return how;
    }

    /** True if the failure did not reproduce when its case was run again (see {@link #report()}). */
    public boolean isFlaky() {
        return flaky != null;
    }

    /** The identity of the property that failed ({@link Property#identity()}), or null. */
    public String identity() {
        return identity;
    }

    /** "Type at frame": how the engine tells distinct failures apart. */
    public String origin() {
        return Engine.origin(throwable);
    }

    /**
     * The failure message: the minimal case step by step (its notes, or else the values it drew), the
     * exception, the choices, the seed, the replay token and how to use it, and the shrinking effort.
     * Only the line starting with {@code Time:} depends on timing; everything else is a function of the
     * seed and the property.
     */
    public String report() {
        StringBuilder sb = new StringBuilder();
        String name = settings.name() == null ? "Property" : "Property " + settings.name();
        sb.append(name).append(flaky != null ? " failed FLAKILY (" : " failed (").append(how);
        if (casesBefore > 0) {
            sb.append(", counterexample found after ").append(casesBefore).append(casesBefore == 1 ? " case" : " cases");
        }
        if (caseIndex >= 0) {
            sb.append(", at case index ").append(caseIndex);
            if (settings.shardCount() > 1) {
                sb.append(" (shard ").append(settings.shardIndex() + 1).append('/').append(settings.shardCount()).append(')');
            }
        }
        sb.append(").\n\n");
        if (flaky != null) {
            sb.append(flaky).append("\n\n");
        }
        if (!notes.isEmpty()) {
            sb.append("Minimal failing case, step by step:\n");
            notes.forEach(n -> sb.append("  ").append(n.replace("\n", "\n  ")).append('\n'));
        } else if (!drawn.isEmpty()) {
            sb.append("Minimal failing case, the values drawn (the property noted nothing):\n");
            for (int i = 0; i < drawn.size(); i++) {
                sb.append("  draw ").append(i + 1).append(": ").append(drawn.get(i).replace("\n", "\n    ")).append('\n');
            }
        } else {
            sb.append("Minimal failing case: drew nothing, noted nothing\n");
        }
        sb.append("\nFailure: ").append(String.valueOf(throwable).replace("\n", "\n  ")).append('\n');
        StackTraceElement origin = Engine.originFrame(throwable);
        if (origin != null) {
            sb.append("  at ").append(origin).append('\n');
        }
        sb.append('\n');
        sb.append("Choices: ").append(choices.length);
        if (originalChoiceCount != choices.length) {
            sb.append(" (shrunk from ").append(originalChoiceCount).append(')');
        }
        sb.append(' ').append(Arrays.toString(Arrays.copyOf(choices, Math.min(choices.length, MAX_CHOICES_SHOWN))));
        if (choices.length > MAX_CHOICES_SHOWN) {
            sb.setLength(sb.length() - 1);
            sb.append(", ...]");
        }
        sb.append('\n');
        sb.append("Seed:    ").append(seed).append("   (repeat this search: -Dnestcheck.seed=").append(seed)
                .append(")\n");
        String token = replayToken();
        sb.append("Replay:  ").append(token).append("   (run exactly this case, no search: -Dnestcheck.replay=")
                .append(token).append(settings.name() == null ? "" : " with -Dtest='" + settings.name() + "'")
                .append(")\n");
        if (shrink.end() != ShrinkEnd.NOT_SHRUNK) {
            sb.append("Shrink:  ").append(shrink.attempts()).append(" attempts (limit ")
                    .append(settings.shrinkMaxAttempts()).append("), ").append(endText()).append('\n');
            sb.append("         ").append(shrink.candidates()).append(" candidates tried (the rest answered from the cache), ")
                    .append(shrink.rounds()).append(shrink.rounds() == 1 ? " round of passes\n" : " rounds of passes\n");
            sb.append("Time:    shrinking took ").append(shrink.spent().toMillis()).append(" ms")
                    .append(settings.hasShrinkTimeLimit() ? " (limit " + settings.shrinkMaxTime().toMillis() + " ms)"
                            : " (no time limit)").append('\n');
        } else if (how.startsWith("exhaustive")) {
            sb.append("Shrink:  not needed, breadth-first exhaustive search finds a minimal-length case first\n");
        } else if (flaky != null) {
            sb.append("Shrink:  none (the failure did not reproduce)\n");
        } else {
            sb.append("Shrink:  none (replayed case)\n");
        }
        return sb.toString();
    }

    private String endText() {
        String limit = shrink.limitThatStopped(settings).orElse("");
        switch (shrink.end()) {
            case FIXPOINT:
                return "fixpoint: no shrink pass makes it smaller (a local minimum)";
            case ATTEMPT_LIMIT:
            case TIME_LIMIT:
                return shrink.stillProgressing()
                        ? "BUDGET EXHAUSTED: " + limit + " stopped shrinking while it was still making progress;"
                        + " the case may not be minimal"
                        : "stopped by " + limit + " in a round that had found nothing yet: probably minimal, not proven";
            default:
                return "not shrunk";
        }
    }

    @Override
    public String toString() {
        return report();
    }

}
