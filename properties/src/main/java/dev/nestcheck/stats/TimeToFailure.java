package dev.nestcheck.stats;

import dev.nestcheck.conformance.ConformanceFailure;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Time-to-failure statistics: runs the conformance check (the same property and engine as
 * {@code Conformance.check}) on each subject once per seed and summarises how often and how fast
 * the bug is found and how well the counterexample shrinks.
 *
 * <p>Runs are sequential by default, so that the times are not distorted by runs competing for
 * cores. A run that exceeds {@link Config#runTimeout} is abandoned (its thread is a daemon and
 * keeps running, since a stuck implementation cannot be interrupted) and counted as TIMEOUT,
 * i.e. not detected.
 */
public final class TimeToFailure {

    /**
     * @param seeds       runs per subject (30 by default)
     * @param firstSeed   run i uses seed firstSeed + i
     * @param settings    the engine settings for every run; the seed is replaced per run
     * @param confidence  of the detection-rate interval
     * @param runTimeout  wall-clock limit of one run, shrinking included
     */
    public record Config(int seeds, long firstSeed, Settings settings, double confidence, Duration runTimeout) {
        /** 30 seeds from 1, 1000 tries per run (the default conformance run's budget per policy), 95%, 5 min. */
        public static Config defaults() {
            return new Config(30, 1, Settings.defaults().withTries(1000), 0.95, Duration.ofMinutes(5));
        }

        public Config {
            if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
        }

        public Config withSeeds(int n) { return new Config(n, firstSeed, settings, confidence, runTimeout); }
        public Config withFirstSeed(long s) { return new Config(seeds, s, settings, confidence, runTimeout); }
        public Config withSettings(Settings s) { return new Config(seeds, firstSeed, s, confidence, runTimeout); }
        public Config withRunTimeout(Duration d) { return new Config(seeds, firstSeed, settings, confidence, d); }
    }

    private final Config config;

    public TimeToFailure(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** One run of one subject with one seed, without a time limit. */
    public Trial runOnce(Subject subject, long seed) {
        Settings settings = config.settings().withSeed(seed).withName("ttf " + subject.name() + " seed " + seed);
        ConformanceProperty property = new ConformanceProperty(subject.factory(), subject.policy(), null, null,
                ConformanceProperty.DEFAULT_MAX_STEPS);
        long start = System.nanoTime();
        FirstFailureProbe probe = new FirstFailureProbe(property, start);
        RunResult run = Engine.run(probe, settings);
        if (run.failure().isEmpty()) {
            String why = run.unsatisfied().orElse(run.casesRun() + " cases passed");
            return Trial.notDetected(subject.name(), seed, Trial.Outcome.MISSED, why);
        }
        Failure f = run.failure().get();
        Counterexample cx = f.throwable() instanceof ConformanceFailure
                ? ((ConformanceFailure) f.throwable()).counterexample() : null;
        if (!probe.failed())
            throw new IllegalStateException("the engine reported a failure the probe never saw (" + subject.name() + ")");
        Failure.ShrinkStats shrink = f.shrinkStats();
        return new Trial(subject.name(), seed, Trial.Outcome.DETECTED, probe.casesToFailure(), probe.stepsToFailure(),
                Duration.ofNanos(probe.nanosToFailure()), shrink.spent(), shrink.attempts(), shrink.budgetExhausted(),
                cx == null ? -1 : cx.steps().size(),
                cx == null ? f.throwable().getClass().getSimpleName() : cx.kind().name(),
                cx == null ? String.valueOf(f.throwable()) : String.join("; ", cx.findings()));
    }

    /** Every seed of one subject, each run under the time limit. */
    public SubjectSummary measure(Subject subject, Consumer<Trial> progress) {
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ttf-" + subject.name());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Trial> trials = new ArrayList<>();
            for (int i = 0; i < config.seeds(); i++) {
                long seed = config.firstSeed() + i;
                Future<Trial> f = pool.submit(() -> runOnce(subject, seed));
                Trial t;
                try {
                    t = f.get(config.runTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    t = Trial.notDetected(subject.name(), seed, Trial.Outcome.TIMEOUT,
                            "abandoned after " + config.runTimeout());
                } catch (ExecutionException e) {
                    t = Trial.notDetected(subject.name(), seed, Trial.Outcome.ERROR, String.valueOf(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                trials.add(t);
                if (progress != null) progress.accept(t);
            }
            return SubjectSummary.of(subject, trials, config.confidence());
        } finally {
            pool.shutdownNow();
        }
    }

    public List<SubjectSummary> measureAll(List<Subject> subjects, Consumer<Trial> progress) {
        List<SubjectSummary> out = new ArrayList<>();
        for (Subject s : subjects) out.add(measure(s, progress));
        return out;
    }
}
