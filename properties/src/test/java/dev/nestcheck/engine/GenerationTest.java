package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Random search must find the values bugs need far more often than uniform draws would: two equal or
 * nearly equal integers, or a 1, out of wide ranges, within the default budget (100 cases), for every
 * one of 30 seeds; while narrow draws, picks and weights keep exactly the distribution asked for.
 */
class GenerationTest {

    private static final int SEEDS = 30;

    private static int seedsFinding(Property p) {
        int found = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            RunResult r = Engine.run(p, Settings.defaults().withSeed(seed));
            found += r.failure().isPresent() ? 1 : 0;
        }
        return found;
    }

    @Test
    void twoEqualWideIntegersAreFoundWithinTheDefaultBudget() {
        assertThat(seedsFinding(tc -> {
            int x = tc.between(Integer.MIN_VALUE, Integer.MAX_VALUE);
            int y = tc.between(Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (x == y) {
                throw new AssertionError("equal: " + x);
            }
        })).isEqualTo(SEEDS);
    }

    @Test
    void twoNeighbouringWideIntegersAreFoundWithinTheDefaultBudget() {
        assertThat(seedsFinding(tc -> {
            long x = tc.between(0L, 1L << 40);
            long y = tc.between(0L, 1L << 40);
            if (Math.abs(x - y) == 1) {
                throw new AssertionError("neighbours: " + x + ", " + y);
            }
        })).isEqualTo(SEEDS);
    }

    @Test
    void aOneIsFoundWithinTheDefaultBudget() {
        assertThat(seedsFinding(tc -> {
            if (tc.between(-1_000_000_000, 1_000_000_000) == 1) {
                throw new AssertionError("one");
            }
        })).isEqualTo(SEEDS);
    }

    @Test
    void wideDrawsFavourSmallMagnitudesAndTheEdges() {
        AtomicLong small = new AtomicLong();
        AtomicLong top = new AtomicLong();
        AtomicLong bottom = new AtomicLong();
        Engine.run(tc -> {
            long v = tc.between(-1_000_000_000L, 1_000_000_000L);
            small.addAndGet(Math.abs(v) <= 255 ? 1 : 0);
            top.addAndGet(v == 1_000_000_000L ? 1 : 0);
            bottom.addAndGet(v == -1_000_000_000L ? 1 : 0);
        }, Settings.defaults().withSeed(5).withTries(20_000)).assertPassed();
        assertThat(small.get()).as("|v| <= 255 (uniform: 0.00001%%)").isGreaterThan(20_000 * 30 / 100);
        assertThat(top.get()).as("the top edge").isGreaterThan(20_000 / 100);
        assertThat(bottom.get()).as("the bottom edge").isGreaterThan(20_000 / 100);
    }

    @Test
    void narrowDrawsPicksAndWeightsKeepTheirDistribution() {
        long[] digit = new long[10];
        long[] item = new long[20];
        long[] weighted = new long[2];
        long[] flag = new long[2];
        List<Integer> twenty = java.util.stream.IntStream.range(0, 20).boxed().collect(java.util.stream.Collectors.toList());
        int n = 40_000;
        Engine.run(tc -> {
            digit[tc.between(0, 9)]++;
            item[tc.pick(twenty)]++;
            weighted[tc.pickWeighted(1, 3)]++;
            flag[tc.weighted(0.2) ? 1 : 0]++;
        }, Settings.defaults().withSeed(9).withTries(n)).assertPassed();
        for (long c : digit) {
            assertThat(c).isBetween((long) n / 10 - n / 100, (long) n / 10 + n / 100);   // 10% +- 1%
        }
        for (long c : item) {
            assertThat(c).isBetween((long) n / 20 - n / 100, (long) n / 20 + n / 100);   // 5% +- 1%: picks are never biased
        }
        assertThat(weighted[1]).isBetween((long) n * 74 / 100, (long) n * 76 / 100);
        assertThat(flag[1]).isBetween((long) n * 19 / 100, (long) n * 21 / 100);
    }
}
