package dev.nestcheck.engine;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A reusable recipe for drawing a value from a {@link TestCase}. Generators are plain functions of the
 * choice sequence, so shrinking the sequence shrinks whatever they build, including values that depend on
 * earlier ones ({@link #flatMap}). Stateful generation does not need generators at all: just draw from
 * the test case in ordinary Java code.
 */
@FunctionalInterface
public interface Generator<T> {

    /** How many times {@link #filter} redraws before rejecting the case. */
    int FILTER_ATTEMPTS = 3;

    T generate(TestCase tc);

    default <R> Generator<R> map(Function<? super T, ? extends R> f) {
        return tc -> f.apply(generate(tc));
    }

    /** A generator chosen by the value of this one; both draws are recorded, so both shrink. */
    default <R> Generator<R> flatMap(Function<? super T, ? extends Generator<? extends R>> f) {
        return tc -> f.apply(generate(tc)).generate(tc);
    }

    /**
     * Values satisfying {@code p}: redraws up to {@link #FILTER_ATTEMPTS} times, then rejects the case
     * (counted as invalid, not a failure). Prefer constructing valid values directly when it is easy.
     */
    default Generator<T> filter(Predicate<? super T> p) {
        return tc -> {
            for (int i = 0; i < FILTER_ATTEMPTS; i++) {
                T v = generate(tc);
                if (p.test(v)) {
                    return v;
                }
            }
            tc.assume(false);
            return null;
        };
    }
}
