package dev.nestcheck.conformance;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The page-level shadow TLB's set of pages against a plain set of page numbers. */
class PageSetTest {
    @Test
    void runsMergeSplitAndSubtractLikeASetOfPages() {
        Random random = new Random(14);
        for (int round = 0; round < 300; round++) {
            PageSet set = new PageSet(), other = new PageSet();
            TreeSet<Long> pages = new TreeSet<>(), otherPages = new TreeSet<>();
            for (int op = 0; op < 40; op++) {
                long first = random.nextInt(48), end = first + random.nextInt(9);
                boolean toOther = random.nextInt(4) == 0;
                if (random.nextInt(3) == 0) {
                    set.remove(first, end);
                    for (long p = first; p < end; p++) pages.remove(p);
                } else if (toOther) {
                    other.add(first, end);
                    for (long p = first; p < end; p++) otherPages.add(p);
                } else {
                    set.add(first, end);
                    for (long p = first; p < end; p++) pages.add(p);
                }
                assertThat(set).isEqualTo(of(pages));
            }
            TreeSet<Long> difference = new TreeSet<>(pages);
            difference.removeAll(otherPages);
            assertThat(set.minus(other)).isEqualTo(of(difference));
            PageSet union = new PageSet();
            union.addAll(set);
            union.addAll(other);
            TreeSet<Long> both = new TreeSet<>(pages);
            both.addAll(otherPages);
            assertThat(union).isEqualTo(of(both));
        }
    }

    /** TreeMap reuses a removed entry for its successor: a remove that spans several runs must read each end first. */
    @Test
    void removingAcrossSeveralRunsKeepsTheTailOfTheLast() {
        PageSet set = new PageSet();
        set.add(0, 2);
        set.add(4, 6);
        set.add(8, 12);
        set.remove(1, 9);
        assertThat(set).isEqualTo(of(new TreeSet<>(java.util.List.of(0L, 9L, 10L, 11L))));
        assertThat(set.toString()).isEqualTo("{0, 9..11}");
    }

    @Test
    void wholeSpaceRunsNeverListPages() {
        PageSet set = new PageSet();
        set.add(0, 1L << 20);
        set.remove(5, 6);
        assertThat(set.toString()).isEqualTo("{0..4, 6..1048575}");
        set.remove(0, Long.MAX_VALUE);
        assertThat(set.isEmpty()).isTrue();
    }

    private static PageSet of(TreeSet<Long> pages) {
        PageSet s = new PageSet();
        for (long p : pages) s.add(p, p + 1);
        return s;
    }
}
