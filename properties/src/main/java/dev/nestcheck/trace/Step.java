package dev.nestcheck.trace;

import dev.nestcheck.spec.Op;

import java.util.Objects;

/** One step of a trace: the operation and what it must do ({@code expect}, null when none). */
public record Step(Op op, Expectation expect) {
    public Step {
        Objects.requireNonNull(op, "op");
    }

    public static Step of(Op op) {
        return new Step(op, null);
    }
}
