package dev.nestcheck.conformance;

/**
 * Thrown by the conformance property when a run fails; carries the counterexample as data. The message
 * (the counterexample as text) is built when first asked for: the shrinker throws and catches thousands
 * of these and reads the message of the last one only.
 */
public final class ConformanceFailure extends AssertionError {
    private final transient Counterexample counterexample;
    private transient String message;

    public ConformanceFailure(Counterexample counterexample) {
        super();
        this.counterexample = counterexample;
    }

    public Counterexample counterexample() {
        return counterexample;
    }

    @Override
    public String getMessage() {
        if (message == null && counterexample != null) message = Reports.text(counterexample);
        return message;
    }
}
