package dev.nestcheck.tck;

import dev.nestcheck.conformance.ConformanceFailure;
import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.Session;
import dev.nestcheck.conformance.TimeoutGuard;
import dev.nestcheck.report.CounterexampleText;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Step;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays a trace (TRACE.md) against an implementation: each step runs on the reference
 * model and the implementation side by side ({@link Session}: outcomes, commands, snapshots
 * and the GLOBAL invariants), and the step's {@code expect}, when given, is checked against
 * the implementation's outcome. After the last step every context still open is closed and
 * the no-leak invariant G-7 is checked, as in a conformance run.
 *
 * <p>This is the public replay API of generated regression tests
 * ({@code TraceReplay.assertConforms(json, "name")}) and of {@code nestcheck replay}.
 */
public final class TraceReplay {
    /** How a replay ended. */
    public enum Status {
        /** Every step matched the model and its expectation. */
        PASSED,
        /** The implementation diverged from the model, broke an invariant, or missed an expectation. */
        FAILED,
        /** The implementation threw, returned something malformed, or hung. */
        CRASHED,
        /** The trace itself is not replayable (the model rejects an operation or a platform). */
        INVALID
    }

    /**
     * The outcome of one replay.
     *
     * @param stepsRun       how many of the trace's steps ran (the failing one included)
     * @param failingStep    0-based index of the failing step in {@code steps}, -1 when none or
     *                       before the first step, {@code steps().size()} when it failed while
     *                       closing the remaining contexts afterwards
     * @param message        one line: what failed and why (null when passed)
     * @param counterexample the model-vs-implementation counterexample, when the Session found one
     */
    public record Result(String source, Trace trace, Status status, int stepsRun, int failingStep, String message,
                         Counterexample counterexample) {
        public boolean passed() {
            return status == Status.PASSED;
        }

        /** A multi-line description for test failures and the CLI. */
        public String report() {
            if (passed()) return source + ": conforms (" + trace.steps().size() + " steps)\n";
            StringBuilder b = new StringBuilder(source).append(": ").append(message).append('\n');
            if (counterexample != null) {
                b.append('\n').append(CounterexampleText.text(counterexample)).append('\n');
            }
            return b.toString();
        }
    }

    private TraceReplay() {
    }

    /**
     * Replays the trace JSON against the implementation registered under {@code implName}
     * (ServiceLoader, see {@link Implementations}) and throws an {@link AssertionError} with
     * the failing step and why, unless it conforms.
     */
    public static void assertConforms(String json, String implName) {
        assertConforms(json, Implementations.named(implName)::create);
    }

    /** As {@link #assertConforms(String, String)}, for an implementation given as a factory. */
    public static void assertConforms(String json, Function<Platform, NestingImplementation> factory) {
        Result r = replay(TraceCodec.parse(json, "trace"), "trace", factory, null, TimeoutGuard.DEFAULT_TIMEOUT);
        if (!r.passed()) throw new AssertionError(r.report());
    }

    /**
     * As {@link #assertConforms(String, String)}, for the implementation that a TCK class creates
     * (what regression tests generated from a TCK failure call).
     */
    public static void assertConforms(String json, Class<? extends NestingConformanceVerification> tck) {
        NestingConformanceVerification instance;
        try {
            java.lang.reflect.Constructor<? extends NestingConformanceVerification> c = tck.getDeclaredConstructor();
            c.setAccessible(true);
            instance = c.newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(tck.getName() + ": cannot create it with its no-argument constructor: " + e, e);
        }
        assertConforms(json, instance::create);
    }

    /** Reads and replays a trace file; throws an {@link AssertionError} unless it conforms. */
    public static void assertConforms(Path file, String implName) {
        Result r = replay(TraceCodec.read(file), file.toString(), Implementations.named(implName)::create, null,
                TimeoutGuard.DEFAULT_TIMEOUT);
        if (!r.passed()) throw new AssertionError(r.report());
    }

    /**
     * Replays a trace.
     *
     * @param source   how to name the trace in messages (its file name)
     * @param policy   run under this policy instead of the trace's own, or null
     * @param timeout  per-operation timeout of the implementation ({@link TimeoutGuard}); zero
     *                 or null for none
     */
    public static Result replay(Trace trace, String source, Function<Platform, NestingImplementation> factory,
                                Policy policy, Duration timeout) {
        Platform platform = policy == null ? trace.platform() : trace.platform().withPolicy(policy);
        Function<Platform, NestingImplementation> f = TimeoutGuard.factory(factory, timeout);
        NestingImplementation impl;
        try {
            impl = f.apply(platform);
        } catch (RuntimeException | Error e) {
            return new Result(source, trace, Status.CRASHED, 0, -1,
                    "creating the implementation threw " + oneLine(e), null);
        }
        if (impl == null)
            return new Result(source, trace, Status.CRASHED, 0, -1, "the implementation factory returned null", null);
        Session session;
        try {
            session = new Session(platform, impl, Session.Labels.NONE, null);
        } catch (ConformanceFailure e) {
            return failed(source, trace, 0, -1, "before the first step: ", e.counterexample());
        }
        List<Step> steps = trace.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Op op = step.op();
            try {
                session.step(op);
            } catch (ConformanceFailure e) {
                return failed(source, trace, i + 1, i, at(i, op), e.counterexample());
            } catch (RuntimeException e) {
                // the model itself refused the operation: the trace is not replayable as written
                return new Result(source, trace, Status.INVALID, i + 1, i,
                        at(i, op) + "the reference model cannot run this operation: " + oneLine(e), null);
            }
            if (step.expect() != null) {
                Outcome actual = session.lastStep().impl();
                Optional<String> miss = step.expect().check(op, actual, session.implSnapshot());
                if (miss.isPresent()) {
                    // the Session found no divergence, so the model did the same as the implementation
                    return new Result(source, trace, Status.FAILED, i + 1, i, at(i, op) + miss.get()
                            + " (the reference model agrees with the implementation: check the trace's expectation)",
                            null);
                }
            }
        }
        try {
            session.closeAll();
        } catch (ConformanceFailure e) {
            return failed(source, trace, steps.size(), steps.size(),
                    "after the last step, closing the contexts still open: ", e.counterexample());
        }
        return new Result(source, trace, Status.PASSED, steps.size(), -1, null, null);
    }

    private static Result failed(String source, Trace trace, int stepsRun, int index, String where,
                                 Counterexample cx) {
        Status status = cx.kind() == Counterexample.Kind.CRASH ? Status.CRASHED : Status.FAILED;
        String first = cx.findings().isEmpty() ? cx.kind().name().toLowerCase() : cx.findings().get(0);
        String more = cx.findings().size() > 1 ? " (+" + (cx.findings().size() - 1) + " more)" : "";
        return new Result(source, trace, status, stepsRun, index, where + first + more, cx);
    }

    /** {@code step 4 (steps[3]) hwpt_alloc(...): } with the 1-based number of the report tables. */
    static String at(int index, Op op) {
        return "step " + (index + 1) + " (steps[" + index + "]) " + Describe.op(op) + ": ";
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String s = e.getClass().getName() + (m == null ? "" : ": " + m);
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
