package dev.nestcheck.conformance;

import dev.nestcheck.engine.Property;
import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The conformance property: draw a small platform (or take a fixed one), then a sequence
 * of operations from the model's state, run each on the model and the implementation
 * ({@link Session}), and finally close every context (G-7). A failure is a
 * {@link ConformanceFailure}; the engine shrinks it on the choice sequence.
 */
public final class ConformanceProperty implements Property {
    /** Mean sequence length is about 1 / (1 - CONTINUE) steps before the closing ones. */
    static final double CONTINUE = 0.97;
    /** On realistic-width platforms: mostly the whole {@link PlatformGenerator#WIDE_MAX_STEPS}. */
    static final double WIDE_CONTINUE = 0.9995;
    /** Longest generated sequence, before the closing steps (realistic platforms: {@link PlatformGenerator#WIDE_MAX_STEPS}). */
    public static final int DEFAULT_MAX_STEPS = 80;

    private final Function<Platform, NestingImplementation> factory;
    private final Policy policy;
    private final Platform fixedPlatform;
    private final String requirement;
    private final int maxSteps;
    private final double wideShare;
    private final LongAdder steps = new LongAdder();
    private final LongAdder unmapTlbis = new LongAdder(), unmappedPages = new LongAdder(),
            invalidatingUnmaps = new LongAdder(), unmapVmids = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder tlbisPerPageSum = new java.util.concurrent.atomic.DoubleAdder();

    public ConformanceProperty(Function<Platform, NestingImplementation> factory, Policy policy, Platform fixedPlatform,
                               String requirement, int maxSteps) {
        this(factory, policy, fixedPlatform, requirement, maxSteps, PlatformGenerator.WIDE);
    }

    private ConformanceProperty(Function<Platform, NestingImplementation> factory, Policy policy, Platform fixedPlatform,
                                String requirement, int maxSteps, double wideShare) {
        this.factory = factory;
        this.policy = policy;
        this.fixedPlatform = fixedPlatform;
        this.requirement = requirement;
        this.maxSteps = maxSteps;
        this.wideShare = wideShare;
    }

    /**
     * The same property with another share of realistic-width platforms among the drawn ones (default
     * 0.01; 0 none, 1 all), for benchmarks that measure the two kinds of case apart. Its identity
     * names the share, so its replay tokens are its own.
     */
    public ConformanceProperty withWideShare(double share) {
        if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("a share is in [0, 1], got " + share);
        return new ConformanceProperty(factory, policy, fixedPlatform, requirement, maxSteps, share);
    }

    public static ConformanceProperty of(ImplementationProvider provider, Policy policy) {
        return new ConformanceProperty(provider::create, policy, null, null, DEFAULT_MAX_STEPS);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * What a choice sequence means here beyond the code: the policy and the platform (and the REQ rule of
     * a matrix search). Replay tokens carry it, so a token replayed under another policy or platform is
     * refused instead of silently running another case.
     */
    @Override
    public String identity() {
        return identity(policy, fixedPlatform, requirement)
                + (wideShare == PlatformGenerator.WIDE ? "" : ", realistic platforms " + wideShare);
    }

    /** {@link #identity()} of the property these arguments would build, e.g. to tell a token's policy before a run. */
    public static String identity(Policy policy, Platform fixedPlatform, String requirement) {
        return "policy " + policy + ", " + (fixedPlatform == null ? "random small platforms"
                : "platform " + fixedPlatform.withPolicy(policy)) + (requirement == null ? "" : ", " + requirement);
    }

    /**
     * The policy a replay token was made under, read from its identity ({@link #identity()}); empty for a
     * token without one or one of another property.
     *
     * @throws IllegalArgumentException if the token is malformed
     */
    public static java.util.Optional<Policy> policyOf(String token) {
        return dev.nestcheck.engine.ReplayToken.identity(token).flatMap(id -> {
            for (Policy p : Policy.values())
                if (id.startsWith("policy " + p + ",")) return java.util.Optional.of(p);
            return java.util.Optional.empty();
        });
    }

    /** The implementation factory (guarded or not). */
    Function<Platform, NestingImplementation> factory() {
        return factory;
    }

    /** Forgets the counters: a guarded run starts over after a hang ({@link TimeoutGuard}), and only its last attempt counts. */
    void resetCounters() {
        for (LongAdder a : List.of(steps, unmapTlbis, unmappedPages, invalidatingUnmaps, unmapVmids)) a.reset();
        tlbisPerPageSum.reset();
    }

    /** Steps executed on both sides so far, over every case this property ran (a throughput counter). */
    public long stepsExecuted() {
        return steps.sum();
    }

    /** S2INV-2 fan-out over every case: see {@link Session#unmapTlbis()} and the methods after it. */
    public Conformance.FanOut fanOut() {
        return new Conformance.FanOut(invalidatingUnmaps.sum(), unmappedPages.sum(), unmapTlbis.sum(), unmapVmids.sum(),
                tlbisPerPageSum.sum());
    }

    @Override
    public void check(TestCase tc) {
        // a requirement search (the matrix) wants minimal counterexamples about the policy: small platforms only
        PlatformGenerator.Drawn drawn = fixedPlatform != null ? new PlatformGenerator.Drawn(fixedPlatform.withPolicy(policy),
                fixedPlatform.devices().size() > 8)
                : PlatformGenerator.drawWithWidth(tc, policy, requirement != null ? 0 : wideShare);
        Platform platform = drawn.platform();
        NestingImplementation impl;
        try {
            impl = factory.apply(platform);
        } catch (RuntimeException | Error e) {
            throw new ConformanceFailure(new Counterexample(platform, List.of(), Counterexample.Kind.CRASH,
                    List.of("crash: creating the implementation threw " + e), null, null));
        }
        if (impl == null)
            throw new ConformanceFailure(new Counterexample(platform, List.of(), Counterexample.Kind.CRASH,
                    List.of("crash: the implementation factory returned null"), null, null));
        // shrinking runs skip coverage labels (a tenth of a step): only the search's statistics read them
        Session session = new Session(platform, impl, tc.labelsWanted() ? tc::label : Session.Labels.NONE, requirement);
        try {
            OpGenerator generator = new OpGenerator(platform, OpGenerator.Profile.draw(tc, drawn.wide()));
            // realistic platforms run long sequences, so that pools fill past 64 and 128 VMIDs
            boolean longRun = drawn.wide() && maxSteps == DEFAULT_MAX_STEPS;
            int limit = Math.min(longRun ? PlatformGenerator.WIDE_MAX_STEPS : maxSteps, tc.maxSteps());
            double more = longRun ? WIDE_CONTINUE : CONTINUE;
            // A realistic case's steps sit in one span, so that the shrinker's first pass over whole spans
            // (top level first, last first) tries, after the steps, the platform's span: deleting it (the
            // flag before it lowered) replays the same steps on a small platform in a few attempts. Its
            // steps are one level down, deleted in doubling runs of neighbours. Its spans are closed even
            // when a step fails, so the failing step is a span too.
            int open = 0;
            if (longRun) {
                tc.startSpan();
                open++;
            }
            try {
                for (int i = 0; i < limit; i++) {
                    tc.startSpan(); // one step, continue flag included: the shrinker deletes it whole
                    open++;
                    if (!tc.weighted(more)) break;
                    Op op = generator.next(tc, session.modelSnapshot());
                    Outcome out = session.step(op);
                    generator.observe(op, out);
                    tc.endSpan();
                    open--;
                    if (tc.exploring()) { // prune a state already explored, at the same step (its future ran)
                        Object state = session.stateFingerprint();
                        if (state != null) tc.completeFingerprint(List.of(i, platform, generator.stateFingerprint(), state));
                    }
                }
            } finally {
                if (longRun) for (; open > 0; open--) tc.endSpan();
            }
            session.closeAll();
        } finally {
            steps.add(session.stepsExecuted());
            unmapTlbis.add(session.unmapTlbis());
            unmappedPages.add(session.unmappedPages());
            invalidatingUnmaps.add(session.invalidatingUnmaps());
            unmapVmids.add(session.unmapVmids());
            tlbisPerPageSum.add(session.tlbisPerPageSum());
        }
    }
}
