package dev.nestcheck.component;

/**
 * A component of the rules, one operation at a time: the reference side ({@link Oracles}) and
 * implementations in this JVM (for measuring the protocol's cost against an in-process run). A
 * child process is driven by {@link ComponentClient} instead, which can also pipeline.
 */
public interface ComponentImplementation {
    /** Runs one op; {@code withSnapshot}: include the KVM state after it (the {@code kvm} component). */
    ComponentAnswer execute(ComponentOp op, boolean withSnapshot);
}
