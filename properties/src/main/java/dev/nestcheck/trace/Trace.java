package dev.nestcheck.trace;

import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;

import java.util.List;
import java.util.Objects;

/**
 * A trace (TRACE.md): an optional free-text {@code description} (null when absent), the
 * platform, and the operations in order, each with an optional expectation.
 */
public record Trace(String description, Platform platform, List<Step> steps) {
    public Trace {
        Objects.requireNonNull(platform, "platform");
        steps = List.copyOf(steps);
    }

    /** The operations alone, in order. */
    public List<Op> ops() {
        return steps.stream().map(Step::op).toList();
    }
}
