package dev.nestcheck.concurrency.figures;

import dev.nestcheck.concurrency.kvm.GenerationalAllocatorAdapter;
import dev.nestcheck.concurrency.kvm.KvmConcurrency;
import dev.nestcheck.concurrency.kvm.KvmModelChecker;
import dev.nestcheck.concurrency.mutants.ConcurrencyMutant;
import dev.nestcheck.concurrency.nesting.NestingConcurrency;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The figures of the README's concurrency section, from the suite's own counters (interleavings
 * verified, cases run) and wall time:
 * <pre>
 * mvn -B -pl concurrency -am test -Dtest=ConcurrencyFigures -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dconcurrency.excludedGroups= -Dnestcheck.figures.seeds=10
 * </pre>
 * (tagged {@code figures}: never part of a normal run; it asserts nothing, it measures).
 * For each concurrency mutant and seeds 1..N: cases and seconds until the random search's first failure
 * (shrinking off), median and max; then the throughput of the bundled allocator's search
 * (interleavings per second).
 */
@org.junit.jupiter.api.Tag("figures")
class ConcurrencyFigures {
    @org.junit.jupiter.api.Test
    void figures() {
        int seeds = Integer.getInteger("nestcheck.figures.seeds", 10);
        System.out.println("| mutant | found | cases to failure, median / max | seconds to failure, median / max |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (ConcurrencyMutant m : ConcurrencyMutant.values()) {
            List<Long> cases = new ArrayList<>();
            List<Double> seconds = new ArrayList<>();
            int found = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                Settings s = Settings.defaults().withName(m.name()).withSeed(seed)
                        .withTries(m.target() == ConcurrencyMutant.Target.ALLOCATOR ? KvmConcurrency.DEFAULT_TRIES : NestingConcurrency.DEFAULT_TRIES)
                        .withShrinkMaxAttempts(0);
                long t0 = System.nanoTime();
                RunResult r = m.target() == ConcurrencyMutant.Target.ALLOCATOR
                        ? KvmConcurrency.run(m.allocatorFactory(), 2, KvmConcurrency.DEFAULT_INVOCATIONS, s)
                        : NestingConcurrency.modelCheckRun(m::createNesting, s);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (r.failure().isPresent()) {
                    found++;
                    cases.add(r.failure().get().casesBeforeFailure());
                    seconds.add(secs);
                }
            }
            System.out.println(String.format(Locale.ROOT, "| %s | %d/%d | %s / %s | %s / %s |", m.name(), found, seeds,
                    median(cases), cases.stream().mapToLong(x -> x).max().orElse(-1),
                    fmt(medianD(seconds)), fmt(seconds.stream().mapToDouble(x -> x).max().orElse(-1))));
        }
        long inv0 = KvmModelChecker.invocations();
        long t0 = System.nanoTime();
        RunResult r = KvmConcurrency.run(GenerationalAllocatorAdapter::new, 2, KvmConcurrency.DEFAULT_INVOCATIONS,
                Settings.defaults().withSeed(20261203L).withTries(50));
        double secs = (System.nanoTime() - t0) / 1e9;
        long inv = KvmModelChecker.invocations() - inv0;
        System.out.println(String.format(Locale.ROOT, "bundled allocator, 50 scenarios: %s, %d interleavings in %.1f s: %.0f interleavings/s, %.2f s per scenario",
                r.passed() ? "passed" : "FAILED", inv, secs, inv / secs, secs / 50));
    }

    private static String median(List<Long> xs) {
        if (xs.isEmpty()) return "-";
        long[] a = xs.stream().mapToLong(x -> x).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? Long.toString(a[a.length / 2]) : String.format(Locale.ROOT, "%.1f", (a[a.length / 2 - 1] + a[a.length / 2]) / 2.0);
    }

    private static double medianD(List<Double> xs) {
        if (xs.isEmpty()) return -1;
        double[] a = xs.stream().mapToDouble(x -> x).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String fmt(double d) {
        return d < 0 ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }
}
