package dev.nestcheck.stats;

import dev.nestcheck.spec.Policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the runs of one subject add up to. Detection is over all runs; every "to failure",
 * shrink and length figure is over the detected runs only (a missed run has no time to
 * failure: these are conditional on detection, and say nothing when few runs detect).
 */
public record SubjectSummary(String name, Policy policy, int knownMinimalLength, List<Trial> trials,
                             BinomialInterval wilson, BinomialInterval clopperPearson,
                             double medianCases, double p95Cases,
                             double medianSteps, double p95Steps,
                             double medianSeconds, double p95Seconds,
                             double medianShrinkSeconds, double p95ShrinkSeconds, double medianShrinkAttempts,
                             double medianShrunkLength, int minShrunkLength, int maxShrunkLength,
                             long atKnownMinimum, long belowKnownMinimum, long shrinkBudgetExhausted,
                             long timeouts, long errors) {

    public SubjectSummary {
        trials = List.copyOf(trials);
    }

    public static SubjectSummary of(Subject s, List<Trial> trials, double confidence) {
        if (trials.isEmpty()) throw new IllegalArgumentException(s.name() + ": no trials");
        List<Trial> hit = trials.stream().filter(Trial::detected).collect(Collectors.toList());
        List<Long> cases = hit.stream().map(Trial::casesToFailure).collect(Collectors.toList());
        List<Long> steps = hit.stream().map(Trial::stepsToFailure).collect(Collectors.toList());
        List<Double> secs = hit.stream().map(t -> t.timeToFailure().toNanos() / 1e9).collect(Collectors.toList());
        List<Double> shrink = hit.stream().map(t -> t.shrinkTime().toNanos() / 1e9).collect(Collectors.toList());
        List<Integer> attempts = hit.stream().map(Trial::shrinkAttempts).collect(Collectors.toList());
        List<Integer> lengths = hit.stream().map(Trial::shrunkLength).filter(l -> l >= 0).collect(Collectors.toList());
        int known = s.knownMinimalLength();
        return new SubjectSummary(s.name(), s.policy(), known, trials,
                BinomialInterval.wilson(hit.size(), trials.size(), confidence),
                BinomialInterval.clopperPearson(hit.size(), trials.size(), confidence),
                Quantiles.median(cases), Quantiles.p95(cases),
                Quantiles.median(steps), Quantiles.p95(steps),
                Quantiles.median(secs), Quantiles.p95(secs),
                Quantiles.median(shrink), Quantiles.p95(shrink), Quantiles.median(attempts),
                Quantiles.median(lengths),
                lengths.stream().mapToInt(Integer::intValue).min().orElse(-1),
                lengths.stream().mapToInt(Integer::intValue).max().orElse(-1),
                known < 0 ? 0 : lengths.stream().filter(l -> l == known).count(),
                known < 0 ? 0 : lengths.stream().filter(l -> l < known).count(),
                hit.stream().filter(Trial::shrinkBudgetExhausted).count(),
                trials.stream().filter(t -> t.outcome() == Trial.Outcome.TIMEOUT).count(),
                trials.stream().filter(t -> t.outcome() == Trial.Outcome.ERROR).count());
    }

    public int runs() {
        return trials.size();
    }

    public long detected() {
        return wilson.successes();
    }
}
