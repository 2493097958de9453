package dev.nestcheck.component;

/** Thrown by {@link ComponentProperty} when a case fails; carries the counterexample as data. */
public final class ComponentFailure extends AssertionError {
    private static final long serialVersionUID = 1L;
    private final transient ComponentCounterexample counterexample;

    public ComponentFailure(ComponentCounterexample counterexample) {
        super(counterexample.text());
        this.counterexample = counterexample;
    }

    public ComponentCounterexample counterexample() {
        return counterexample;
    }
}
