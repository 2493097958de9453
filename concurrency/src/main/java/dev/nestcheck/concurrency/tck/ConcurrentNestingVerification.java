package dev.nestcheck.concurrency.tck;

import dev.nestcheck.concurrency.nesting.NestingConcurrency;
import dev.nestcheck.engine.RunResult;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The concurrent TCK, as {@code NestingConformanceVerification} is the sequential one: extend it in your
 * test sources (test dependency {@code dev.nestcheck:nestcheck-concurrency}) and JUnit 5 runs one test
 * per policy, each a search of engine-drawn scenarios (a prefix and two parallel branches) whose
 * outcomes must be linearizable against the model.
 *
 * <pre>
 * class MyConcurrentVerification extends ConcurrentNestingVerification {
 *     protected NestingImplementation create(Platform platform) { return new MyNesting(platform); }
 *     protected boolean threadSafe() { return true; }
 *     // heavy critical sections: protected NestingConcurrency.Mode mode() { return NestingConcurrency.Mode.STRESS; }
 * }
 * </pre>
 * An implementation that does not declare itself thread-safe is not checked: each test is reported as
 * skipped, saying why. Every test prints which mode ran. {@code -Dnestcheck.seed}, {@code -Dnestcheck.tries},
 * {@code -Dnestcheck.time} and {@code -Dnestcheck.replay} work as in the sequential TCK.
 */
public abstract class ConcurrentNestingVerification {
    /** A fresh implementation for the platform. */
    protected abstract NestingImplementation create(Platform platform);

    /** Whether one instance may be driven by several threads at once. Default: false (nothing to check). */
    protected boolean threadSafe() {
        return false;
    }

    /** Model checking (default) or stress, for critical sections too heavy to model-check. */
    protected NestingConcurrency.Mode mode() {
        return NestingConcurrency.Mode.MODEL_CHECKING;
    }

    /** Scenarios per policy. */
    protected int defaultTries() {
        return NestingConcurrency.DEFAULT_TRIES;
    }

    protected long defaultSeed() {
        return 20261203L;
    }

    @Test
    public void policy_S2_PARENT_isLinearizable() {
        verify(Policy.S2_PARENT);
    }

    @Test
    public void policy_VIOMMU_isLinearizable() {
        verify(Policy.VIOMMU);
    }

    @Test
    public void policy_ICTX_isLinearizable() {
        verify(Policy.ICTX);
    }

    @Test
    public void policy_KVM_PINNED_isLinearizable() {
        verify(Policy.KVM_PINNED);
    }

    protected final void verify(Policy policy) {
        Assumptions.assumeTrue(threadSafe(), getClass().getSimpleName()
                + ": the implementation does not declare itself thread-safe (threadSafe() is false); not checked concurrently");
        Settings settings = NestingConcurrency.settings("concurrent " + getClass().getSimpleName() + " " + policy, defaultSeed())
                .withTries(defaultTries()).withSystemOverrides();
        RunResult r = NestingConcurrency.run(this::create, policy, mode(), settings);
        System.out.println(getClass().getSimpleName() + " " + policy + ": " + mode().describe() + ": " + r.summary());
        r.assertPassed();
    }
}
