package dev.nestcheck.component;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.process.ExecProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

/**
 * The TCK for component implementations: one JUnit 5 test per component that the child process
 * of {@code -Dnestcheck.impl=exec:COMMAND} declares ({@code kvm}, {@code vste}, {@code inv}),
 * each failing with the minimal counterexample. Use it from your test sources
 * ({@code class MyAllocatorVerification extends ComponentVerification {}}, or override
 * {@link #implementationName()}) or with the JUnit console launcher. A child that implements the
 * whole contract is checked with {@code dev.nestcheck.tck.ByNameVerification} instead.
 * {@code -Dnestcheck.tries}, {@code -Dnestcheck.seed}, {@code -Dnestcheck.time} tune a run.
 */
public class ComponentVerification {
    /** {@code -Dnestcheck.impl}, or null. Override to fix one. */
    protected String implementationName() {
        String v = System.getProperty("nestcheck.impl");
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Cases per component unless {@code -Dnestcheck.tries} says otherwise. */
    protected int defaultTries() {
        return 500;
    }

    @TestFactory
    public Stream<DynamicTest> componentsConformToTheModel() {
        String name = implementationName();
        if (name == null || !ExecProvider.isExec(name))
            return Stream.of(DynamicTest.dynamicTest("no exec: implementation (skipped)", () -> Assumptions.abort(
                    "set -Dnestcheck.impl=exec:COMMAND to check a component implementation")));
        ExecProvider provider = ExecProvider.of(name);
        List<Component> components = ComponentConformance.declared(provider);
        if (components.isEmpty())
            return Stream.of(DynamicTest.dynamicTest("the whole contract (skipped here)", () -> Assumptions.abort(
                    name + " implements the whole contract: check it with dev.nestcheck.tck.ByNameVerification")));
        return components.stream().map(c -> DynamicTest.dynamicTest(c.id() + "_conformsToTheModel", () -> {
            Settings s = Settings.defaults().withTries(defaultTries())
                    .withName(getClass().getSimpleName() + "#" + c.id()).withSystemOverrides();
            ComponentConformance.Result r = ComponentConformance.check(ComponentProperty.exec(provider), c, s, true);
            if (r.passed()) return;
            StringBuilder b = new StringBuilder();
            r.counterexample().ifPresentOrElse(cx -> b.append(cx.text()),
                    () -> b.append(r.run().failure().map(f -> f.report()).orElse(r.run().message())));
            b.append("\nSeed: ").append(r.run().seed()).append("   (repeat this search: -Dnestcheck.seed=").append(r.run().seed())
                    .append(")\n");
            throw new AssertionError(b.toString());
        }));
    }
}
