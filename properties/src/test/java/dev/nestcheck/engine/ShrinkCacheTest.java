package dev.nestcheck.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The shrinker's cache answers for candidates that begin with what an earlier run read. */
class ShrinkCacheTest {

    @Test
    void aRunAnswersForEveryCandidateThatBeginsWithWhatItRead() {
        Shrinker.Cache cache = new Shrinker.Cache();
        long[] used = {1, 0, 3};
        long[] ranges = {1, 5, 9};   // the draws' maxima
        cache.putRead(new long[] {1, 0, 3}, ranges, used);
        assertThat(cache.getByRead(new long[] {1, 0, 3}, ranges)).isSameAs(used);
        assertThat(cache.getByRead(new long[] {1, 0, 3, 9, 9}, ranges)).as("what follows is never read").isSameAs(used);
        assertThat(cache.getByRead(new long[] {1, 7, 3}, ranges)).as("7 is out of the draw's range: it reads as 0")
                .isSameAs(used);
        assertThat(cache.getByRead(new long[] {1, 7, 3}, new long[0])).as("looked up raw, confirmed with the run's ranges")
                .isNull();
        assertThat(cache.getByRead(new long[] {1, 0}, ranges)).as("read less than the run did").isNull();
        assertThat(cache.getByRead(new long[] {1, 2, 3}, ranges)).isNull();
        assertThat(cache.getByRead(new long[] {0, 1, 0, 3}, ranges)).isNull();
    }

    /**
     * The property reads one flag and, when it is 0, nothing more. Shrinking tries many candidates that
     * lower the flag in front of different tails (deleting blocks with the choice before them lowered,
     * zeroing spans and blocks): they all read the same single 0, so only the first of them runs.
     */
    @Test
    void candidatesThatDifferOnlyInWhatIsNeverReadRunOnce() {
        AtomicInteger flagOffRuns = new AtomicInteger();
        Property property = tc -> {
            if (tc.between(0, 1) == 0) {
                if (!tc.labelsWanted()) flagOffRuns.incrementAndGet();
                return;
            }
            int sum = 0;
            for (int i = 0; i < 20; i++) sum += tc.between(0, 50);
            if (sum > 100) throw new AssertionError("sum " + sum);
        };
        RunResult r = Engine.run(property, Settings.defaults().withSeed(7).withTries(1000));
        assertThat(r.failure()).isPresent();
        assertThat(r.failure().get().shrinkStats().candidates()).isGreaterThan(r.failure().get().shrinkStats().attempts());
        assertThat(flagOffRuns.get()).as("shrinking runs that read only the flag, 0").isEqualTo(1);
    }
}
