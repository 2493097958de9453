package dev.nestcheck.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable configuration of one {@link Engine#run} (change it with the {@code with...} methods or a
 * {@link Builder}). Everything that decides which cases run is here, so a run is reproducible from its
 * settings and seed; {@link #withSystemOverrides()} lets a developer change seed, tries, time or replay a
 * case from the command line without touching code.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SHARD = Pattern.compile("(\\d+)/(\\d+)");

    /** {@link #shrinkMaxTime()} when there is no wall-time limit (the default). */
    public static final Duration NO_TIME_LIMIT = ChronoUnit.FOREVER.getDuration();

    /** Where {@link #withLocalDatabase()} keeps failures: under Maven's {@code target/}. */
    public static final Path LOCAL_DATABASE = Path.of("target", "nestcheck", "failures");

    private final String name;
    private final Long seed;
    private final int tries;
    private final Duration timeBudget;
    private final int maxChoices;
    private final int shrinkMaxAttempts;
    private final Duration shrinkMaxTime;
    private final Mode mode;
    private final String replay;
    private final int maxSteps;
    private final long maxValuePerDraw;
    private final int maxPickAlternatives;
    private final int maxDeviationsPerStep;
    private final long maxRuns;
    private final List<Coverage> coverage;
    private final int shardIndex;
    private final int shardCount;
    private final Path database;
    private final Set<String> skippedShrinkPasses;
    private final boolean legacyGeneration;
    private final FailureWatch failureWatch;

    private Settings(Builder b) {
        this.name = b.name;
        this.seed = b.seed;
        this.tries = b.tries;
        this.timeBudget = b.timeBudget;
        this.maxChoices = b.maxChoices;
        this.shrinkMaxAttempts = b.shrinkMaxAttempts;
        this.shrinkMaxTime = b.shrinkMaxTime;
        this.mode = b.mode;
        this.replay = b.replay;
        this.maxSteps = b.maxSteps;
        this.maxValuePerDraw = b.maxValuePerDraw;
        this.maxPickAlternatives = b.maxPickAlternatives;
        this.maxDeviationsPerStep = b.maxDeviationsPerStep;
        this.maxRuns = b.maxRuns;
        this.coverage = List.copyOf(b.coverage);
        this.shardIndex = b.shardIndex;
        this.shardCount = b.shardCount;
        this.database = b.database;
        this.skippedShrinkPasses = Set.copyOf(b.skippedShrinkPasses);
        this.legacyGeneration = b.legacyGeneration;
        this.failureWatch = b.failureWatch;
    }

    /**
     * Random mode, random seed, 100 valid cases, no time budget, at most 20,000 choices per case,
     * shrinking bounded by 10,000 property runs per distinct failure (no wall-time limit, so that the
     * result does not depend on the machine's load); exhaustive bounds 5 steps, integer draws 0..3 (flags
     * and picks in full), 1,000,000 runs; not sharded; no failure database.
     */
    public static Settings defaults() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.seed = seed;
        b.tries = tries;
        b.timeBudget = timeBudget;
        b.maxChoices = maxChoices;
        b.shrinkMaxAttempts = shrinkMaxAttempts;
        b.shrinkMaxTime = shrinkMaxTime;
        b.mode = mode;
        b.replay = replay;
        b.maxSteps = maxSteps;
        b.maxValuePerDraw = maxValuePerDraw;
        b.maxPickAlternatives = maxPickAlternatives;
        b.maxDeviationsPerStep = maxDeviationsPerStep;
        b.maxRuns = maxRuns;
        b.coverage = new ArrayList<>(coverage);
        b.shardIndex = shardIndex;
        b.shardCount = shardCount;
        b.database = database;
        b.skippedShrinkPasses = skippedShrinkPasses;
        b.legacyGeneration = legacyGeneration;
        b.failureWatch = failureWatch;
        return b;
    }

    // ------------------------------------------------------------------ accessors

    /** A name for reports, e.g. {@code "QueueProperties#offerPoll"}. */
    public String name() { return name; }
    /** The master seed; empty means "pick a random one" (it is printed in any failure report). */
    public OptionalLong seed() { return seed == null ? OptionalLong.empty() : OptionalLong.of(seed); }
    /**
     * Random mode: how many valid cases to run (at most ten times as many cases in total). In a sharded
     * run ({@link #withShard}) it counts case indices instead: the shards run the case indices
     * {@code 0..tries-1} between them, rejected cases included (see {@link #withShard}).
     */
    public int tries() { return tries; }
    /** Stop generating new cases once this much time has passed. */
    public Optional<Duration> timeBudget() { return Optional.ofNullable(timeBudget); }
    /** Cap on the choice-sequence length; a case drawing more is an overrun (invalid, not a failure). */
    public int maxChoices() { return maxChoices; }
    /** The limit on property runs while shrinking, per distinct failure (restarts included). */
    public int shrinkMaxAttempts() { return shrinkMaxAttempts; }
    /** The wall-time limit on shrinking, for the whole run; {@link #NO_TIME_LIMIT} by default. */
    public Duration shrinkMaxTime() { return shrinkMaxTime; }
    /** True if shrinking has a wall-time limit ({@link #withShrinkMaxTime}). */
    public boolean hasShrinkTimeLimit() { return !shrinkMaxTime.equals(NO_TIME_LIMIT); }
    public Mode mode() { return mode; }
    /** When present, the engine runs exactly this {@link ReplayToken} case once, without search. */
    public Optional<String> replay() { return Optional.ofNullable(replay); }
    /** Exhaustive mode: the step bound handed to the property via {@link TestCase#maxSteps()}. */
    public int maxSteps() { return maxSteps; }
    /**
     * Exhaustive mode: every integer draw ({@code choice}, {@code between}, {@code bits64}) is clamped to
     * the choices {@code 0..maxValuePerDraw}; flags are enumerated in full, picks up to
     * {@link #maxPickAlternatives()}.
     */
    public long maxValuePerDraw() { return maxValuePerDraw; }
    /**
     * Exhaustive mode: picks ({@code pick}, {@code pickWeighted}, {@code pickRef}) are enumerated over
     * their first {@code maxPickAlternatives} alternatives. Unless set ({@link #withMaxPickAlternatives}),
     * as many as integer draws have choices ({@code maxValuePerDraw + 1}), which keeps the runs of callers
     * that only set {@code maxValuePerDraw} affordable; {@code withMaxPickAlternatives(Integer.MAX_VALUE)}
     * enumerates every alternative (every operation kind), best with {@link #withMaxDeviationsPerStep}.
     * The run says how many picks it cut ({@link RunResult#exhaustiveBounds()}).
     */
    public int maxPickAlternatives() {
        return maxPickAlternatives > 0 ? maxPickAlternatives : (int) Math.min(Integer.MAX_VALUE, maxValuePerDraw + 1);
    }
    /**
     * Exhaustive mode: within one step (a top-level span, see {@link TestCase#startSpan()}), at most this
     * many choices take another value than their simplest; once a step has used them up, its remaining
     * draws are enumerated only at their first alternative. Unbounded by default. The small-scope
     * hypothesis per step: it keeps every alternative of every single draw reachable (every operation
     * kind, every argument class) while the number of sequences grows polynomially, not exponentially,
     * with the draws a step makes.
     */
    public int maxDeviationsPerStep() { return maxDeviationsPerStep; }
    /** Exhaustive mode: stop (incomplete) after this many runs. */
    public long maxRuns() { return maxRuns; }
    public List<Coverage> coverage() { return coverage; }
    /** This run's shard, 0-based (0 when not sharded). */
    public int shardIndex() { return shardIndex; }
    /** The number of shards (1: not sharded). */
    public int shardCount() { return shardCount; }
    /**
     * The folder of the local failure database, if any: a run with a random seed replays the last
     * failure stored for its property (by name and identity) before searching, and stores its own.
     */
    public Optional<Path> database() { return Optional.ofNullable(database); }

    // ------------------------------------------------------------------ withers

    public Settings withName(String v) { return toBuilder().name(v).build(); }
    public Settings withSeed(long v) { return toBuilder().seed(v).build(); }
    public Settings withRandomSeed() { return toBuilder().randomSeed().build(); }
    public Settings withTries(int v) { return toBuilder().tries(v).build(); }
    public Settings withTimeBudget(Duration v) { return toBuilder().timeBudget(v).build(); }
    public Settings withMaxChoices(int v) { return toBuilder().maxChoices(v).build(); }
    public Settings withShrinkMaxAttempts(int v) { return toBuilder().shrinkMaxAttempts(v).build(); }
    public Settings withShrinkMaxTime(Duration v) { return toBuilder().shrinkMaxTime(v).build(); }
    public Settings withMode(Mode v) { return toBuilder().mode(v).build(); }
    public Settings withReplay(String token) { return toBuilder().replay(token).build(); }
    public Settings withMaxSteps(int v) { return toBuilder().maxSteps(v).build(); }
    public Settings withMaxValuePerDraw(long v) { return toBuilder().maxValuePerDraw(v).build(); }
    public Settings withMaxPickAlternatives(int v) { return toBuilder().maxPickAlternatives(v).build(); }
    public Settings withMaxDeviationsPerStep(int v) { return toBuilder().maxDeviationsPerStep(v).build(); }
    public Settings withMaxRuns(long v) { return toBuilder().maxRuns(v).build(); }
    public Settings withCoverage(Coverage... requirements) { return toBuilder().coverage(requirements).build(); }

    /**
     * Deterministic sharding: this run executes exactly the cases of the unsharded run with the same seed
     * whose case index {@code k} satisfies {@code k % count == index}, each with the same randomness as
     * there (the master random source still splits once per case index, and skips the others), so the
     * shards {@code 0..count-1} together run exactly the unsharded run's cases. In a sharded run (count &gt;
     * 1) {@link #tries()} counts case indices: the shards cover indices {@code 0..tries-1}, rejected cases
     * included, so they equal an unsharded run of {@code tries} exactly when no case is rejected (an
     * unsharded run goes on past rejected cases until {@code tries} are valid). A failure stops only the
     * shard that found it and reports its case index ({@link Failure#caseIndex()}).
     *
     * @param index this shard, {@code 0 <= index < count}
     * @param count the number of shards; 1 is an unsharded run
     */
    public Settings withShard(int index, int count) { return toBuilder().shard(index, count).build(); }

    /** Keeps failures in a local database in {@code folder} (see {@link #database()}). */
    public Settings withDatabase(Path folder) { return toBuilder().database(folder).build(); }

    /** Engine tests: shrink without the named passes, to show which planted bug needs which pass. */
    Settings withoutShrinkPasses(String... passes) {
        Builder b = toBuilder();
        b.skippedShrinkPasses = Set.of(passes);
        return b.build();
    }

    Set<String> skippedShrinkPasses() { return skippedShrinkPasses; }

    /**
     * Measurement only: random search samples as engine v1 did (uniform integers with 1/32 edges, no
     * repeats), so that a seed finds the very same first failure as v1 and the two shrinkers can be
     * compared on it.
     */
    Settings withLegacyGeneration() {
        Builder b = toBuilder();
        b.legacyGeneration = true;
        return b.build();
    }

    boolean legacyGeneration() { return legacyGeneration; }

    /** Tells {@code watch} of the failing case as soon as it is found and as it shrinks (it decides nothing). */
    public Settings withFailureWatch(FailureWatch watch) {
        Builder b = toBuilder();
        b.failureWatch = watch;
        return b.build();
    }

    FailureWatch failureWatch() { return failureWatch; }

    /** No failure database. */
    public Settings withoutDatabase() { return toBuilder().database(null).build(); }

    /**
     * The local failure database under {@code target/} ({@link #LOCAL_DATABASE}), except in CI (the
     * environment variable {@code CI} is set) where it stays off unless {@code -Dnestcheck.database} asks
     * for it: a CI machine starts clean, and a build must not depend on an earlier one.
     */
    public Settings withLocalDatabase() {
        return withLocalDatabase(System.getenv());
    }

    Settings withLocalDatabase(Map<String, String> environment) {
        String ci = environment.get("CI");
        boolean inCi = ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
        return inCi ? this : withDatabase(LOCAL_DATABASE);
    }

    /**
     * Applies the JVM system properties {@code nestcheck.seed} (a long, or {@code random}),
     * {@code nestcheck.tries}, {@code nestcheck.time} (e.g. {@code 500ms}, {@code 30s}, {@code 2m},
     * {@code 1h}), {@code nestcheck.replay} (a token), {@code nestcheck.mode} ({@code random} or
     * {@code exhaustive}), {@code nestcheck.shrinkAttempts}, {@code nestcheck.shrinkTime} and
     * {@code nestcheck.database} ({@code on}: {@link #LOCAL_DATABASE} even in CI, {@code off}, or a folder).
     * A time given without tries means "run for that long": tries becomes unlimited.
     *
     * @throws IllegalArgumentException naming the property when a value cannot be parsed
     */
    public Settings withSystemOverrides() {
        Builder b = toBuilder();
        String v;
        if ((v = sys("nestcheck.seed")) != null) {
            if (v.equalsIgnoreCase("random")) {
                b.randomSeed();
            } else {
                b.seed(parseLong("nestcheck.seed", v));
            }
        }
        if ((v = sys("nestcheck.time")) != null) {
            b.timeBudget(parseDuration("nestcheck.time", v));
            if (sys("nestcheck.tries") == null) {
                b.tries(Integer.MAX_VALUE);
            }
        }
        if ((v = sys("nestcheck.tries")) != null) {
            b.tries(parseInt("nestcheck.tries", v));
        }
        if ((v = sys("nestcheck.replay")) != null) {
            b.replay(v);
        }
        if ((v = sys("nestcheck.mode")) != null) {
            try {
                b.mode(Mode.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nestcheck.mode: '" + v + "' is not random or exhaustive");
            }
        }
        if ((v = sys("nestcheck.shrinkAttempts")) != null) {
            b.shrinkMaxAttempts(parseInt("nestcheck.shrinkAttempts", v));
        }
        if ((v = sys("nestcheck.shrinkTime")) != null) {
            b.shrinkMaxTime(parseDuration("nestcheck.shrinkTime", v));
        }
        if ((v = sys("nestcheck.database")) != null) {
            b.database(v.equalsIgnoreCase("off") ? null : v.equalsIgnoreCase("on") ? LOCAL_DATABASE : Path.of(v));
        }
        return b.build();
    }

    private static String sys(String key) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static int parseInt(String key, String v) {
        long n = parseLong(key, v);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not within 0.." + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or an ISO-8601 duration ({@code PT30S}). */
    public static Duration parseDuration(String key, String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                default: return Duration.ofHours(n);
            }
        }
        try {
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": cannot parse duration '" + text
                    + "' (use e.g. 500ms, 30s, 2m, 1h)");
        }
    }

    /**
     * Parses a shard argument {@code I/N} (0-based index, {@code 0 <= I < N}), e.g. {@code 2/8}.
     *
     * @return {index, count}
     * @throws IllegalArgumentException naming {@code key} when it is not of that form
     */
    public static int[] parseShard(String key, String text) {
        Matcher m = SHARD.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not I/N (e.g. 0/4: the first of 4 shards)");
        }
        long index = Long.parseLong(m.group(1));
        long count = Long.parseLong(m.group(2));
        if (count < 1 || count > Integer.MAX_VALUE || index >= count) {
            throw new IllegalArgumentException(key + ": '" + text + "' needs 0 <= I < N (shards are numbered from 0)");
        }
        return new int[] {(int) index, (int) count};
    }

    @Override
    public String toString() {
        return "Settings[" + (name == null ? "" : name + ", ") + mode + ", seed=" + (seed == null ? "random" : seed)
                + ", tries=" + tries + (timeBudget == null ? "" : ", time=" + timeBudget)
                + (shardCount == 1 ? "" : ", shard " + shardIndex + "/" + shardCount)
                + (replay == null ? "" : ", replay=" + replay) + "]";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private Long seed;
        private int tries = 100;
        private Duration timeBudget;
        private int maxChoices = 20_000;
        private int shrinkMaxAttempts = 10_000;
        private Duration shrinkMaxTime = NO_TIME_LIMIT;
        private Mode mode = Mode.RANDOM;
        private String replay;
        private int maxSteps = 5;
        private long maxValuePerDraw = 3;
        private int maxPickAlternatives;   // 0: as many as integer choices (maxValuePerDraw + 1)
        private int maxDeviationsPerStep = Integer.MAX_VALUE;
        private long maxRuns = 1_000_000;
        private List<Coverage> coverage = new ArrayList<>();
        private int shardIndex;
        private int shardCount = 1;
        private Path database;
        private Set<String> skippedShrinkPasses = Set.of();
        private boolean legacyGeneration;
        private FailureWatch failureWatch;

        private Builder() { }

        public Builder name(String v) { name = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder randomSeed() { seed = null; return this; }
        public Builder tries(int v) { tries = v; return this; }
        public Builder timeBudget(Duration v) { timeBudget = v; return this; }
        public Builder maxChoices(int v) { maxChoices = v; return this; }
        public Builder shrinkMaxAttempts(int v) { shrinkMaxAttempts = v; return this; }
        public Builder shrinkMaxTime(Duration v) { shrinkMaxTime = v; return this; }
        public Builder mode(Mode v) { mode = v; return this; }
        public Builder replay(String v) { replay = v == null || v.isBlank() ? null : v.strip(); return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder maxValuePerDraw(long v) { maxValuePerDraw = v; return this; }
        public Builder maxPickAlternatives(int v) { maxPickAlternatives = v; return this; }
        public Builder maxDeviationsPerStep(int v) { maxDeviationsPerStep = v; return this; }
        public Builder maxRuns(long v) { maxRuns = v; return this; }
        public Builder coverage(Coverage... v) { coverage.addAll(List.of(v)); return this; }
        public Builder shard(int index, int count) { shardIndex = index; shardCount = count; return this; }
        public Builder database(Path v) { database = v; return this; }

        public Settings build() {
            check(tries >= 0, "tries must be >= 0");
            check(maxChoices > 0, "maxChoices must be > 0");
            check(shrinkMaxAttempts >= 0, "shrinkMaxAttempts must be >= 0");
            check(shrinkMaxTime != null && !shrinkMaxTime.isNegative(), "shrinkMaxTime must be >= 0");
            check(timeBudget == null || !timeBudget.isNegative(), "timeBudget must be >= 0");
            check(mode != null, "mode must not be null");
            check(maxSteps >= 0, "maxSteps must be >= 0");
            check(maxValuePerDraw >= 0, "maxValuePerDraw must be >= 0");
            check(maxPickAlternatives >= 0, "maxPickAlternatives must be >= 1");
            check(maxDeviationsPerStep >= 0, "maxDeviationsPerStep must be >= 0");
            check(maxRuns > 0, "maxRuns must be > 0");
            check(shardCount >= 1 && shardIndex >= 0 && shardIndex < shardCount,
                    "shard " + shardIndex + "/" + shardCount + " needs 0 <= index < count");
            return new Settings(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("Settings: " + message);
            }
        }
    }
}
