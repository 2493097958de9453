package dev.nestcheck.trace;

import dev.nestcheck.conformance.Implementations;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every corpus trace on every implementation registered through {@link ServiceLoader}
 * (expected: {@code model} and {@code optimized}) and checks each step's expectation. Runs on
 * whatever is present; fails when neither {@code model} nor {@code optimized} is.
 */
class CorpusTest {

    @TestFactory
    List<DynamicTest> corpusOnEveryImplementation() {
        List<DynamicTest> tests = new ArrayList<>();
        // The bundled implementations, plus the one named by -Dnestcheck.impl: not every registered
        // provider, since the test classpath also holds deliberately broken ones (CLI tests).
        List<ImplementationProvider> providers = new ArrayList<>();
        for (String name : new java.util.LinkedHashSet<>(List.of(Implementations.MODEL, Implementations.OPTIMIZED,
                System.getProperty("nestcheck.impl", Implementations.OPTIMIZED))))
            providers.add(Implementations.named(name));
        List<Path> files = Corpus.files();
        for (Path file : files) {
            Trace trace = TraceCodec.read(file);
            for (ImplementationProvider p : providers)
                tests.add(DynamicTest.dynamicTest(file.getFileName() + " on " + p.name(), () -> run(file, trace, p)));
        }
        return tests;
    }

    /** Executes the trace step by step; the first mismatch fails with file, step, op and why. */
    static void run(Path file, Trace trace, ImplementationProvider provider) {
        NestingImplementation impl = provider.create(trace.platform());
        for (int i = 0; i < trace.steps().size(); i++) {
            Step step = trace.steps().get(i);
            String where = file.getFileName() + ": step " + i + " (" + step.op().name() + ") on " + provider.name();
            Outcome outcome;
            Snapshot after;
            try {
                outcome = impl.execute(step.op());
                after = step.expect() != null && step.expect().ste() != null ? impl.snapshot() : null;
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(where + ": threw " + e + "\n  op: " + brief(step), e);
            }
            if (step.expect() == null) continue;
            Optional<String> mismatch = step.expect().check(step.op(), outcome, after);
            if (mismatch.isPresent())
                fail(where + ": " + mismatch.get() + (outcome.rule() != null ? " (decided by " + outcome.rule() + ")" : "")
                        + "\n  op: " + brief(step));
        }
    }

    private static String brief(Step step) {
        String s = TraceCodec.writeStep(new Step(step.op(), null));
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
