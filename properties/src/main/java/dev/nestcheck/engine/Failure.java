package dev.nestcheck.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The minimal counterexample of a failed run: its choices (and replay token), the exception its final
 * run threw, its notes, and how it was obtained (seed, shrinking effort). {@link #report()} is the message
 * a developer reads, built to be enough to understand and reproduce the failure without re-running.
 */
public final class Failure {

    /** Shrinking effort: test runs made, time spent, and whether a budget stopped it before a fixpoint. */
    public record ShrinkStats(int attempts, Duration spent, boolean budgetExhausted) {
        static final ShrinkStats NONE = new ShrinkStats(0, Duration.ZERO, false);
    }

    private static final int MAX_CHOICES_SHOWN = 64;

    private final Settings settings;
    private final long seed;
    private final long[] choices;
    private final Throwable throwable;
    private final List<String> notes;
    private final int originalChoiceCount;
    private final long casesBefore;
    private final ShrinkStats shrink;
    private final String how;

    Failure(Settings settings, long seed, long[] choices, Throwable throwable, List<String> notes,
            int originalChoiceCount, long casesBefore, ShrinkStats shrink, String how) {
        this.settings = settings;
        this.seed = seed;
        this.choices = choices.clone();
        this.throwable = throwable;
        this.notes = List.copyOf(notes);
        this.originalChoiceCount = originalChoiceCount;
        this.casesBefore = casesBefore;
        this.shrink = shrink;
        this.how = how;
    }

    /** The minimal failing choice sequence. */
    public long[] choices() {
        return choices.clone();
    }

    /** Pass as {@code -Dnestcheck.replay=TOKEN} (or {@link Settings#withReplay}) to run exactly this case. */
    public String replayToken() {
        return ReplayToken.encode(choices);
    }

    public long seed() {
        return seed;
    }

    /** What the final run of the minimal case threw. */
    public Throwable throwable() {
        return throwable;
    }

    /** The {@link TestCase#note} lines of the final run of the minimal case. */
    public List<String> notes() {
        return notes;
    }

    /** Length of the first failing sequence found, before shrinking. */
    public int originalChoiceCount() {
        return originalChoiceCount;
    }

    public int shrunkChoiceCount() {
        return choices.length;
    }

    /** How many test cases (or exhaustive sequences) ran before the failure was found. */
    public long casesBeforeFailure() {
        return casesBefore;
    }

    public ShrinkStats shrinkStats() {
        return shrink;
    }

    /**
     * The failure message: the minimal case step by step (its notes), the exception, the choices, the seed,
     * the replay token and how to use it, and the shrinking effort. Only the line starting with
     * {@code Time:} depends on timing; everything else is a function of the seed and the property.
     */
    public String report() {
        StringBuilder sb = new StringBuilder();
        String name = settings.name() == null ? "Property" : "Property " + settings.name();
        sb.append(name).append(" failed (").append(how).append(", counterexample found after ")
                .append(casesBefore).append(casesBefore == 1 ? " case" : " cases").append(").\n\n");
        if (notes.isEmpty()) {
            sb.append("Minimal failing case: no notes (call tc.note(...) to describe each step)\n");
        } else {
            sb.append("Minimal failing case, step by step:\n");
            notes.forEach(n -> sb.append("  ").append(n.replace("\n", "\n  ")).append('\n'));
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
        if (how.startsWith("random")) {
            sb.append("Shrink:  ").append(shrink.attempts()).append(" attempts (limit ")
                    .append(settings.shrinkMaxAttempts()).append("), ")
                    .append(shrink.budgetExhausted()
                            ? "BUDGET EXHAUSTED: stopped before a fixpoint, the case may not be minimal"
                            : "budget not exhausted: the case is a local minimum")
                    .append('\n');
            sb.append("Time:    shrinking took ").append(shrink.spent().toMillis()).append(" ms (limit ")
                    .append(settings.shrinkMaxTime().toMillis()).append(" ms)\n");
        } else if (how.startsWith("exhaustive")) {
            sb.append("Shrink:  not needed, breadth-first exhaustive search finds a minimal-length case first\n");
        } else {
            sb.append("Shrink:  none (replayed case)\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
