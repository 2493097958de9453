package dev.nestcheck.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's shrink statistics over the planted bugs (not a test: the assertions are in
 * {@link PlantedBugsTest}): for each, over seeds 1..50 with 1,000 tries, how many runs found the bug,
 * how many reached the known minimum, the shrink attempts (property runs) median and maximum, and how
 * many ended with the budget exhausted. Run it from the test classpath, e.g.
 * {@code java -cp ... dev.nestcheck.engine.ShrinkQualityMain [SEEDS [PASSES_TO_SKIP [legacy]]]}; "legacy"
 * samples as engine v1 did, so that the shrinkers can be compared on the same failing cases.
 */
public final class ShrinkQualityMain {

    private ShrinkQualityMain() { }

    /** A planted bug and its known minimal choice sequence. */
    record Bug(String name, Property property, long[] minimum) { }

    static List<Bug> bugs() {
        List<Bug> out = new ArrayList<>();
        out.add(new Bug("sum of a list >= 1000", Scenarios::sumStaysUnder1000, new long[] {1, 1000, 0}));
        out.add(new Bug("bounded queue off by one", Scenarios::boundedQueue,
                new long[] {1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0}));
        out.add(new Bug("A then B then C", Scenarios::threeInOrder, new long[] {1, 3, 1, 4, 1, 5}));
        out.add(new Bug("use after delete", Scenarios::useAfterDelete, new long[] {1, 1, 1, 3, 0, 1, 2, 0}));
        out.add(new Bug("value < 500, then an unused draw", Scenarios::underFiveHundredThenUnused,
                new long[] {500, 0}));
        out.add(new Bug("two equal values >= 500", Scenarios::equalAndLarge, new long[] {500, 500}));
        out.add(new Bug("two items summing to 1000", Scenarios::twoItemsSumTo1000, new long[] {1, 0, 0, 1, 0, 1000, 0}));
        out.add(new Bug("a big tag-0 item and a tag-1 item", Scenarios::bigTagZeroAndTagOne,
                new long[] {1, 0, 9, 1, 1, 0, 0}));
        out.add(new Bug("parent destroyed under its child (pickRef)", tc -> Scenarios.parentDestroyedUnderChild(tc, true),
                new long[] {1, 0, 1, 1, 0, 1, 3, 1}));
        out.add(new Bug("parent destroyed under its child (pick)", tc -> Scenarios.parentDestroyedUnderChild(tc, false),
                new long[] {1, 0, 1, 1, 0, 1, 3, 1}));
        out.add(new Bug("division by zero in an expression", Scenarios::evaluates, new long[] {1, 1, 0, 0, 0, 0}));
        return out;
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Map<String, String> rows = new LinkedHashMap<>();
        Settings base = Settings.defaults();
        if (args.length > 1 && !args[1].isEmpty()) {
            base = base.withoutShrinkPasses(args[1].split(","));
        }
        if (args.length > 2 && args[2].equals("legacy")) {
            base = base.withLegacyGeneration();   // engine v1's sampling: v1's failing cases, this shrinker
        }
        for (Bug bug : bugs()) {
            rows.put(bug.name(), measure(bug, seeds, base));
        }
        System.out.printf(Locale.ROOT, "%-45s %s%n", "planted bug (" + seeds + " seeds, 1000 tries)",
                "found  at-min  attempts-median  attempts-max  budget-exhausted  ms");
        rows.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-45s %s%n", k, v));
    }

    static String measure(Bug bug, int seeds, Settings base) {
        int found = 0;
        int atMin = 0;
        int exhausted = 0;
        List<Integer> attempts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (long seed = 1; seed <= seeds; seed++) {
            RunResult r = Engine.run(bug.property(), base.withSeed(seed).withTries(1000));
            if (r.failure().isEmpty()) {
                continue;
            }
            found++;
            Failure f = r.failure().get();
            if (Arrays.equals(f.choices(), bug.minimum())) {
                atMin++;
            }
            if (f.shrinkStats().budgetExhausted()) {
                exhausted++;
            }
            attempts.add(f.shrinkStats().attempts());
        }
        attempts.sort(Integer::compare);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return String.format(Locale.ROOT, "%5d  %6d  %15s  %12s  %16d  %d", found, atMin,
                attempts.isEmpty() ? "-" : attempts.get(attempts.size() / 2).toString(),
                attempts.isEmpty() ? "-" : attempts.get(attempts.size() - 1).toString(), exhausted, ms);
    }
}
