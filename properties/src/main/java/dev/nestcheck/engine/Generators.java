package dev.nestcheck.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Basic {@link Generator}s. Each one shrinks toward the simplest value described on its method. Each
 * draws through {@link TestCase#draw(String, Generator)}, so that a failure report shows the value it
 * produced (a whole list, not the choices behind it).
 */
public final class Generators {

    /** Probability that a list grows by one more element (beyond its minimum size): about 8 on average. */
    static final double CONTINUE = 0.875;

    /** Span labels of lists: the shrinker reorders sibling elements and deletes them whole. */
    static final String LIST = "list";
    static final String ELEMENT = "list element";

    private static final AtomicLong RECURSIVE_IDS = new AtomicLong();

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
        List<Generator<? extends T>> copy = List.of(gens.clone());
        return tc -> tc.draw("oneOf", t -> t.pick(copy).generate(t));
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
        return tc -> tc.draw("frequency", t -> copy.get(t.pickWeighted(w)).generate(t));
    }

    /**
     * Lists of {@code minSize..maxSize} elements. After the minimum, each element is preceded by a
     * "continue?" flag (Hypothesis' encoding), so deleting a block of choices deletes whole elements and
     * the list shrinks toward shorter, then toward simpler elements. Each element, flag included, is a
     * span, so the shrinker deletes it whole however many choices it took, and can put the elements in
     * order when the property does not care about their order.
     */
    public static <T> Generator<List<T>> lists(Generator<? extends T> elements, int minSize, int maxSize) {
        if (minSize < 0 || minSize > maxSize) {
            throw new IllegalArgumentException("lists(): bad size range " + minSize + ".." + maxSize);
        }
        Generator<List<T>> list = tc -> {
            List<T> out = new ArrayList<>();
            tc.startSpan(LIST);
            while (out.size() < maxSize) {
                tc.startSpan(ELEMENT);
                if (out.size() >= minSize && !tc.weighted(CONTINUE)) {
                    tc.endSpan();
                    break;
                }
                out.add(elements.generate(tc));
                tc.endSpan();
            }
            tc.endSpan();
            return Collections.unmodifiableList(out);
        };
        return tc -> tc.draw("list", list);
    }

    /** Lists of any length up to the choice-sequence limit. */
    public static <T> Generator<List<T>> lists(Generator<? extends T> elements) {
        return lists(elements, 0, Integer.MAX_VALUE);
    }

    /**
     * Recursive values (trees, expressions): a node is either a leaf from {@code base} or, while the
     * depth is below {@code maxDepth}, {@code extend} applied to the recursive generator itself (its
     * children). The chance of growing deeper halves from the root to {@code maxDepth}, so sizes stay
     * small and bounded. Shrinks toward a leaf; each node is a span, so the shrinker can also replace a
     * node by one of its subtrees.
     *
     * <pre>{@code
     * Generator<Expr> exprs = Generators.recursive(literals, self -> tc -> new Add(self.generate(tc),
     *         self.generate(tc)), 6);
     * }</pre>
     */
    public static <T> Generator<T> recursive(Generator<? extends T> base,
                                             Function<Generator<T>, Generator<? extends T>> extend, int maxDepth) {
        if (maxDepth < 0) {
            throw new IllegalArgumentException("recursive(): maxDepth must be >= 0, got " + maxDepth);
        }
        Recursive<T> r = new Recursive<>(base, extend, maxDepth);
        return tc -> tc.draw("tree", r);
    }

    private static final class Recursive<T> implements Generator<T> {
        private final Generator<? extends T> base;
        private final Generator<? extends T> extended;
        private final int maxDepth;
        private final String label = "recursive#" + RECURSIVE_IDS.incrementAndGet();

        Recursive(Generator<? extends T> base, Function<Generator<T>, Generator<? extends T>> extend, int maxDepth) {
            this.base = base;
            this.maxDepth = maxDepth;
            this.extended = extend.apply(this);
        }

        @Override
        public T generate(TestCase tc) {
            int[] depth = tc.depth(this);
            tc.startSpan(label);
            T v;
            try {
                if (depth[0] < maxDepth && tc.weighted(0.5 * (maxDepth - depth[0]) / maxDepth)) {
                    depth[0]++;
                    try {
                        v = extended.generate(tc);
                    } finally {
                        depth[0]--;
                    }
                } else {
                    v = base.generate(tc);
                }
            } catch (StackOverflowError e) {
                throw tc.overflowWhileGenerating();
            }
            tc.endSpan();
            return v;
        }
    }
}
