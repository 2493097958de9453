package dev.nestcheck.conformance;

import dev.nestcheck.engine.Statistics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Coverage of combinations in one run, from its label statistics: how many cases reached each
 * state feature ({@link StateFeatures}), and how many distinct pairs of consecutive deciding
 * rules came up. Rule coverage alone says little about multi-step states; this says which of
 * them the run reached, and how often.
 */
public record CombinationCoverage(Map<String, Long> featureCases, int rulePairs, long cases) {
    public CombinationCoverage {
        featureCases = Map.copyOf(featureCases);
    }

    public static CombinationCoverage of(Statistics s) {
        Map<String, Long> features = new LinkedHashMap<>();
        for (String f : StateFeatures.ALL) features.put(f, s.cases("feature", f));
        return new CombinationCoverage(features, s.values("pair").size(), s.cases());
    }

    /** The features every default run must reach several times (the rare multi-step states of the issue). */
    public static List<String> rareFeatures() {
        return StateFeatures.RARE;
    }

    public long reached() {
        return featureCases.values().stream().filter(n -> n > 0).count();
    }

    /** One line, e.g. {@code combinations: 27 of 30 state features, 412 rule pairs; rare: a 5 cases, b 3 cases}. */
    public String line() {
        StringJoiner rare = new StringJoiner(", ");
        for (String f : StateFeatures.RARE) rare.add(f + " " + featureCases.getOrDefault(f, 0L) + " cases");
        StringJoiner missing = new StringJoiner(", ");
        for (String f : StateFeatures.ALL) if (featureCases.getOrDefault(f, 0L) == 0) missing.add(f);
        return String.format(Locale.ROOT, "combinations: %d of %d state features, %d rule pairs; rare: %s%s", reached(),
                StateFeatures.ALL.size(), rulePairs, rare, missing.length() == 0 ? "" : "; not reached: " + missing);
    }
}
