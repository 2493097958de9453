package dev.nestcheck.concurrency;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.util.ExceptionResult;
import org.jetbrains.kotlinx.lincheck.util.LincheckResult;
import org.jetbrains.kotlinx.lincheck.util.ValueResult;
import org.jetbrains.kotlinx.lincheck.util.VoidResult;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.verifier.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one place that calls Lincheck: a custom scenario, model checking, a fixed budget, our verifier. */
public final class LincheckRuns {
    private LincheckRuns() {
    }

    /**
     * Model-checks {@code scenario} on fresh instances of {@code testClass}, exploring at most
     * {@code invocations} interleavings (fewer when the model checker has seen them all), and returns
     * Lincheck's report of the first failing one. No random scenarios (iterations 0) and no scenario
     * minimisation: the engine generates and shrinks scenarios itself.
     */
    public static Optional<String> modelCheck(Class<?> testClass, ExecutionScenario scenario,
                                              Class<? extends Verifier> verifier, int invocations, String... atomicMethods) {
        ModelCheckingOptions options = new ModelCheckingOptions();
        if (atomicMethods.length > 0)
            // the harness's own bookkeeping is not under test: no thread switch inside it
            options.addGuarantee(ManagedStrategyGuaranteeKt.forClasses(testClass.getName()).methods(atomicMethods).treatAsAtomic());
        options
                .iterations(0)
                .invocationsPerIteration(invocations)
                .addCustomScenario(scenario)
                .verifier(verifier)
                .minimizeFailedScenario(false);
        try {
            new LinChecker(testClass, options).check();
            return Optional.empty();
        } catch (LincheckAssertionError e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** An operation's outcome as a string: its value, {@code void}, or {@code threw Type: message}. */
    public static String outcome(LincheckResult r) {
        if (r instanceof ValueResult) return String.valueOf(((ValueResult) r).getValue());
        if (r instanceof VoidResult) return "void";
        if (r instanceof ExceptionResult) {
            Throwable t = ((ExceptionResult) r).getThrowable();
            return Finding.THREW + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return String.valueOf(r);
    }

    public static List<String> outcomes(List<? extends LincheckResult> results) {
        List<String> out = new ArrayList<>();
        for (LincheckResult r : results) out.add(outcome(r));
        return out;
    }

    /**
     * The interleaving part of a Lincheck report: from its trace ("The following interleaving leads to
     * the error" and what follows); the whole report when it has no such part.
     */
    public static String interleaving(String report) {
        int at = report.indexOf("The following interleaving");
        if (at < 0) return report.strip();
        int end = report.indexOf("Exception stack traces:", at);
        if (end < 0) end = report.indexOf("Detailed trace:", at);
        return (end < 0 ? report.substring(at) : report.substring(at, end)).strip();
    }
}
