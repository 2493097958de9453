package dev.nestcheck.conformance;

import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;

/** One executed step: the operation and what the model and the implementation returned (impl may be null if it crashed). */
public record StepRecord(Op op, Outcome model, Outcome impl) {
}
