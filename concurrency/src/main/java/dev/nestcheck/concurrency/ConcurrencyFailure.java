package dev.nestcheck.concurrency;

/** Thrown by a concurrency property for a failing scenario; the engine shrinks the scenario's choices. */
public final class ConcurrencyFailure extends AssertionError {
    private static final long serialVersionUID = 1L;
    private final transient Object scenario;
    private final transient Finding finding;

    public ConcurrencyFailure(Object scenario, Finding finding, String text) {
        super(text);
        this.scenario = scenario;
        this.finding = finding;
    }

    /** The scenario that failed (a {@code KvmScenario} or a {@code NestingScenario}). */
    public Object scenario() {
        return scenario;
    }

    public Finding finding() {
        return finding;
    }
}
