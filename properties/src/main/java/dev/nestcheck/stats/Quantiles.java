package dev.nestcheck.stats;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.Collection;

/**
 * Sample quantiles with one fixed definition, R's and NumPy's default (Hyndman-Fan type 7:
 * linear interpolation between order statistics at h = (n - 1) p), so that figures can be
 * checked with {@code quantile(x, p)} in R or {@code numpy.quantile(x, p)}.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** The p-quantile (0 < p <= 1) of the values, or NaN when there are none. */
    public static double of(double[] values, double p) {
        if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("p must be in (0, 1], got " + p);
        if (values.length == 0) return Double.NaN;
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, p * 100);
    }

    public static double of(Collection<? extends Number> values, double p) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray(), p);
    }

    public static double median(Collection<? extends Number> values) {
        return of(values, 0.5);
    }

    public static double p95(Collection<? extends Number> values) {
        return of(values, 0.95);
    }
}
