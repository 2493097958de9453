package dev.nestcheck.mutants;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.engine.Engine;
import dev.nestcheck.engine.Failure;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Shrinking under the timeout guard, as {@code check} shrinks: for each bundled mutant and each seed of
 * the time-to-failure table (30 seeds from 1, 1,000 tries), one run per guard mode, interleaved per seed
 * so that the machine's load falls on all modes alike, and the median of the engine's own shrink-time
 * counter ({@code Failure.ShrinkStats.spent}: wall clock from the first re-run to the minimal case) and of
 * the attempts per mutant. Not a test (it takes minutes); run it on purpose, from the repository root:
 *
 * <pre>
 * mvn -q -o -DskipTests package -pl properties -am      # the CLI jar carries every runtime dependency
 * mvn -q -o test-compile -pl properties -am
 * java -cp properties/target/test-classes:properties/target/nestcheck-cli.jar \
 *     dev.nestcheck.mutants.ShrinkUnderGuardMain [--seeds 30] [--first-seed 1] [--tries 1000] [--only A,B] [--modes perRun,perOperation,none]
 * </pre>
 *
 * Modes: {@code perRun} ({@code Conformance.run} with {@code TimeoutGuard.factory}, 2 s: what {@code check}
 * and the TCK do), {@code perOperation} (the same factory run by the engine on the calling thread: one
 * hand-off per call, the guard before issue 17), {@code none} (no guard). One unrecorded warm-up run per
 * mutant and mode comes first.
 */
public final class ShrinkUnderGuardMain {
    private ShrinkUnderGuardMain() {
    }

    enum Mode { perRun, perOperation, none }

    public static void main(String[] args) {
        int seeds = 30;
        long firstSeed = 1;
        int tries = 1000;
        Set<String> only = new LinkedHashSet<>();
        List<Mode> modes = new ArrayList<>(List.of(Mode.values()));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[++i] : null;
            if (v == null) throw new IllegalArgumentException(a + " needs a value");
            switch (a) {
                case "--seeds": seeds = Integer.parseInt(v); break;
                case "--first-seed": firstSeed = Long.parseLong(v); break;
                case "--tries": tries = Integer.parseInt(v); break;
                case "--only": only.addAll(Arrays.asList(v.split(","))); break;
                case "--modes":
                    modes.clear();
                    for (String m : v.split(",")) modes.add(Mode.valueOf(m));
                    break;
                default: throw new IllegalArgumentException("unknown option " + a
                        + " (known: --seeds, --first-seed, --tries, --only, --modes)");
            }
        }
        System.out.printf(Locale.ROOT, "shrinking under the guard: %d seeds from %d, %d tries; %d cores, Java %s%n",
                seeds, firstSeed, tries, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-44s %5s", "mutant", "found"));
        for (Mode m : modes) head.append(String.format(Locale.ROOT, " %14s", m + " ms"));
        head.append(String.format(Locale.ROOT, " %9s", "attempts"));
        System.out.println("medians over the seeds that found the bug:");
        System.out.println(head);
        Map<Mode, List<Double>> all = new EnumMap<>(Mode.class);
        for (Mutant mutant : Mutant.values()) {
            if (!only.isEmpty() && !only.contains(mutant.name())) continue;
            for (Mode m : modes) run(mutant, m, firstSeed - 1_000_000, tries);   // warm-up
            Map<Mode, List<Double>> ms = new EnumMap<>(Mode.class);
            List<Double> attempts = new ArrayList<>();
            int found = 0;
            for (int i = 0; i < seeds; i++) {
                for (Mode m : modes) {
                    Failure f = run(mutant, m, firstSeed + i, tries);
                    if (f == null) continue;
                    ms.computeIfAbsent(m, k -> new ArrayList<>()).add(f.shrinkStats().spent().toNanos() / 1e6);
                    all.computeIfAbsent(m, k -> new ArrayList<>()).add(f.shrinkStats().spent().toNanos() / 1e6);
                    if (m == modes.get(0)) {
                        found++;
                        attempts.add((double) f.shrinkStats().attempts());
                    }
                }
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-44s %2d/%-2d", mutant.name(), found, seeds));
            for (Mode m : modes) row.append(String.format(Locale.ROOT, " %14.1f", median(ms.getOrDefault(m, List.of()))));
            row.append(String.format(Locale.ROOT, " %9.0f", median(attempts)));
            System.out.println(row);
        }
        StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "%-44s %5s", "all mutants and seeds", ""));
        for (Mode m : modes) total.append(String.format(Locale.ROOT, " %14.1f", median(all.getOrDefault(m, List.of()))));
        System.out.println(total);
    }

    /** One run as check runs it; the failure, or null when the bug was not found. */
    static Failure run(Mutant mutant, Mode mode, long seed, int tries) {
        Function<Platform, NestingImplementation> factory = mode == Mode.none ? mutant.factory
                : TimeoutGuard.factory(mutant.factory, TimeoutGuard.DEFAULT_TIMEOUT);
        ConformanceProperty property = new ConformanceProperty(factory, mutant.policy, null, null,
                ConformanceProperty.DEFAULT_MAX_STEPS);
        Settings settings = Settings.defaults().withSeed(seed).withTries(tries);
        RunResult r = mode == Mode.perOperation ? Engine.run(property, settings) : Conformance.run(property, settings).run();
        return r.failure().orElse(null);
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) return Double.NaN;
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
