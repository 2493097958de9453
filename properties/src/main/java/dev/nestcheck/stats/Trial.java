package dev.nestcheck.stats;

import java.time.Duration;

/**
 * One run of the conformance check on one subject with one seed.
 *
 * <p>The "to failure" figures stop at the first failing case, before shrinking:
 * {@code casesToFailure} counts the failing case, {@code stepsToFailure} every step executed up
 * to and including the failing one (the harness counter read when the case threw), and
 * {@code timeToFailure} runs from the start of the check to that moment. Shrinking figures come
 * from the engine ({@code Failure.shrinkStats()}); {@code shrunkLength} is the number of steps of
 * the reported counterexample. For a run that found nothing the failure fields are 0 / -1.
 *
 * @param outcome  DETECTED, MISSED (all tries passed), TIMEOUT (the run exceeded the wall-clock
 *                 limit and was abandoned) or ERROR (the run failed without a counterexample)
 */
public record Trial(String subject, long seed, Outcome outcome, long casesToFailure, long stepsToFailure,
                    Duration timeToFailure, Duration shrinkTime, int shrinkAttempts, boolean shrinkBudgetExhausted,
                    int shrunkLength, String kind, String note) {

    public enum Outcome { DETECTED, MISSED, TIMEOUT, ERROR }

    public boolean detected() {
        return outcome == Outcome.DETECTED;
    }

    static Trial notDetected(String subject, long seed, Outcome outcome, String note) {
        return new Trial(subject, seed, outcome, 0, 0, Duration.ZERO, Duration.ZERO, 0, false, -1, null, note);
    }
}
