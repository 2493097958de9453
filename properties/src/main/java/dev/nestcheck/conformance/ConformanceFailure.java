package dev.nestcheck.conformance;

/** Thrown by the conformance property when a run fails; carries the counterexample as data. */
public final class ConformanceFailure extends AssertionError {
    private final transient Counterexample counterexample;

    public ConformanceFailure(Counterexample counterexample) {
        super(Reports.text(counterexample));
        this.counterexample = counterexample;
    }

    public Counterexample counterexample() {
        return counterexample;
    }
}
