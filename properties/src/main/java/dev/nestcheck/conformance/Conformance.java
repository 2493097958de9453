package dev.nestcheck.conformance;

import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.Optional;
import java.util.function.Function;

/** Runs the conformance property for one implementation and policy, and returns the outcome as data. */
public final class Conformance {
    private Conformance() {
    }

    /**
     * S2INV-2 invalidation fan-out measured in a run, over the successful unmaps that invalidated stage
     * 2 (a device used the nest parent): how many there were, the pages they unmapped, the stage-2 TLBIs
     * the model issued for them (TLBI_S2_IPA, TLBI_S12_VMALL, TLBI_NH_ALL), and the VMIDs they
     * invalidated (distinct per unmap, summed), and the sum over the unmaps of their TLBIs per page.
     * A VMID per vIOMMU shows as more VMIDs and TLBIs.
     */
    public record FanOut(long unmaps, long pages, long tlbis, long vmids, double tlbisPerPageSum) {
        public static final FanOut NONE = new FanOut(0, 0, 0, 0, 0);

        /**
         * TLBIs per unmapped page, the mean over the unmaps (a pooled ratio would be the giant areas'
         * alone, invalidated by one TLBI_S12_VMALL per VMID); 0 when nothing was invalidated.
         */
        public double tlbisPerPage() {
            return unmaps == 0 ? 0 : tlbisPerPageSum / unmaps;
        }

        /** VMIDs invalidated per unmap (0 when none). */
        public double vmidsPerUnmap() {
            return unmaps == 0 ? 0 : (double) vmids / unmaps;
        }

        /**
         * One line, e.g. {@code invalidation fan-out, mean per unmap: 1.359 TLBIs per page, 1.35 VMIDs (171
         * unmaps that invalidated stage 2: 1,578,122 pages, 662 TLBIs)}; "per unmap" says the ratio is not
         * the totals' (which big areas, one TLBI_S12_VMALL each, would make near 0).
         */
        public String line() {
            return String.format(java.util.Locale.ROOT, "invalidation fan-out, mean per unmap: %.3f TLBIs per page, %.2f VMIDs"
                    + " (%,d unmaps that invalidated stage 2: %,d pages, %,d TLBIs)", tlbisPerPage(), vmidsPerUnmap(), unmaps, pages, tlbis);
        }
    }

    /**
     * What one conformance run found: the engine's result, the steps it executed, the counterexample
     * if any, and the invalidation fan-out measured in the run ({@link FanOut}).
     */
    public record Result(Policy policy, RunResult run, long steps, FanOut fanOut) {
        public Result(Policy policy, RunResult run, long steps) {
            this(policy, run, steps, FanOut.NONE);
        }

        public boolean passed() {
            return run.passed();
        }

        /** S2INV-2 fan-out: TLBIs per unmapped page over the run's invalidating unmaps. */
        public double tlbisPerUnmappedPage() {
            return fanOut.tlbisPerPage();
        }

        /** Coverage of state features and rule pairs ({@link CombinationCoverage}). */
        public CombinationCoverage combinations() {
            return CombinationCoverage.of(run.statistics());
        }

        /** The shrunk counterexample, when the run failed with one. */
        public Optional<Counterexample> counterexample() {
            return run.failure().map(f -> f.throwable() instanceof ConformanceFailure
                    ? ((ConformanceFailure) f.throwable()).counterexample() : null);
        }

        public double stepsPerSecond() {
            double s = run.elapsed().toNanos() / 1e9;
            return s <= 0 ? 0 : steps / s;
        }
    }

    /**
     * Checks an implementation under a policy.
     *
     * @param fixedPlatform a platform to use for every case, or null to draw small ones
     * @param requirement   a REQ rule ID to search a violation of instead, or null
     */
    public static Result check(Function<Platform, NestingImplementation> impl, Policy policy, Platform fixedPlatform,
                               String requirement, Settings settings) {
        return run(new ConformanceProperty(impl, policy, fixedPlatform, requirement, ConformanceProperty.DEFAULT_MAX_STEPS),
                settings);
    }

    /**
     * Runs a conformance property (one the caller keeps, e.g. to watch its step count) to a result.
     * With a {@link TimeoutGuard#factory}, the whole run (search and shrinking) runs on one watched
     * worker thread: one hand-off per run instead of one per operation ({@link TimeoutGuard}). A run
     * that starts over after a hang must meet the same cases, so a random seed is fixed first (unless
     * the failure database is in use, which only a random seed reads: that run is guarded per operation).
     */
    public static Result run(ConformanceProperty property, Settings settings) {
        RunResult run;
        if (TimeoutGuard.guards(property.factory()) && (settings.seed().isPresent() || settings.database().isEmpty())) {
            Settings fixed = settings.seed().isPresent() ? settings
                    : settings.withSeed(java.util.concurrent.ThreadLocalRandom.current().nextLong());
            run = TimeoutGuard.runGuarded(new TimeoutGuard.GuardedRun<>() {
                @Override
                public RunResult run() {
                    return Engine.run(property, fixed);
                }

                @Override
                public void restart() {
                    property.resetCounters();
                }
            });
        } else {
            run = Engine.run(property, settings);
        }
        return new Result(property.policy(), run, property.stepsExecuted(), property.fanOut());
    }

    public static Result check(Function<Platform, NestingImplementation> impl, Policy policy, Settings settings) {
        return check(impl, policy, null, null, settings);
    }
}
