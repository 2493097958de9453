package dev.nestcheck.engine;

/**
 * Told of a run's failure as soon as the search finds it, and of every smaller failing case while
 * it is shrunk, so that a caller can keep the case when the run is cut short (Ctrl-C during a long
 * shrink) instead of losing it. Called on the run's own thread; must be quick and must not throw.
 */
public interface FailureWatch {
    /**
     * The smallest failing case so far: first the case the search found, then each smaller one.
     *
     * @param casesBefore the search's cases before the first failure (as {@link Failure#casesBeforeFailure()})
     * @param replayToken the case, as {@link Failure#replayToken()} would give it
     * @param shrinking   false for the case the search found, true once shrinking has found a smaller one
     */
    void failing(long casesBefore, String replayToken, boolean shrinking);
}
