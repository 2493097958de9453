package dev.nestcheck.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Basic {@link Generator}s. Each one shrinks toward the simplest value described on its method. */
public final class Generators {

    /** Probability that a list grows by one more element (beyond its minimum size): about 8 on average. */
    static final double CONTINUE = 0.875;

    private Generators() { }

    /** Ints in {@code [lo, hi]}; shrink toward the value closest to zero. */
    public static Generator<Integer> integers(int lo, int hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("integers(" + lo + ", " + hi + "): empty range");
        }
        return tc -> tc.between(lo, hi);
    }

    /** Longs in {@code [lo, hi]}; shrink toward the value closest to zero. */
    public static Generator<Long> longs(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("longs(" + lo + ", " + hi + "): empty range");
        }
        return tc -> tc.between(lo, hi);
    }

    /** Any long; shrinks toward 0. */
    public static Generator<Long> longs() {
        return longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Fair booleans; shrink toward false. */
    public static Generator<Boolean> booleans() {
        return TestCase::bool;
    }

    /** Always {@code value}, without drawing. */
    public static <T> Generator<T> constant(T value) {
        return tc -> value;
    }

    /** One of the list's elements; shrinks toward the first. */
    public static <T> Generator<T> elements(List<T> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("elements(): empty list");
        }
        List<T> copy = List.copyOf(items);
        return tc -> tc.pick(copy);
    }

    /** A value from one of the generators, chosen uniformly; shrinks toward the first generator. */
    @SafeVarargs
    public static <T> Generator<T> oneOf(Generator<? extends T>... gens) {
        if (gens.length == 0) {
            throw new IllegalArgumentException("oneOf(): no generators");
        }
        Generator<? extends T>[] copy = gens.clone();
        return tc -> copy[(int) tc.choice(copy.length - 1)].generate(tc);
    }

    /**
     * A value from one of the generators, chosen with probability proportional to its weight; shrinks
     * toward the first generator.
     */
    public static <T> Generator<T> frequency(int[] weights, List<? extends Generator<? extends T>> gens) {
        if (weights.length != gens.size() || gens.isEmpty()) {
            throw new IllegalArgumentException("frequency(): need one weight per generator, at least one");
        }
        int[] w = weights.clone();
        List<? extends Generator<? extends T>> copy = List.copyOf(gens);
        return tc -> copy.get(tc.pickWeighted(w)).generate(tc);
    }

    /**
     * Lists of {@code minSize..maxSize} elements. After the minimum, each element is preceded by a
     * "continue?" flag (Hypothesis' encoding), so deleting a block of choices deletes whole elements and
     * the list shrinks toward shorter, then toward simpler elements.
     */
    public static <T> Generator<List<T>> lists(Generator<? extends T> elements, int minSize, int maxSize) {
        if (minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException("lists(): bad size range " + minSize + ".." + maxSize);
        }
        return tc -> {
            List<T> out = new ArrayList<>();
            while (out.size() < maxSize && (out.size() < minSize || tc.weighted(CONTINUE))) {
                out.add(elements.generate(tc));
            }
            return Collections.unmodifiableList(out);
        };
    }

    /** Lists of any length up to the choice-sequence limit. */
    public static <T> Generator<List<T>> lists(Generator<? extends T> elements) {
        return lists(elements, 0, Integer.MAX_VALUE);
    }
}
