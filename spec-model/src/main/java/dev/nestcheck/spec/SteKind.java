package dev.nestcheck.spec;

/** STE-1..4: the observable kind of a device's physical stream table entry. */
public enum SteKind {
    ABORT, S1, S2, NESTED
}
