package dev.nestcheck.concurrency.mutants;

import java.util.concurrent.atomic.AtomicLongArray;

/** What a mutant calls instead of an atomic operation. */
public final class Racy {
    private Racy() {
    }

    /** compareAndSet as a plain read, compare and write: another thread's write in between is lost. */
    public static boolean getThenSet(AtomicLongArray array, int i, long expect, long update) {
        if (array.get(i) != expect) return false;
        array.set(i, update);
        return true;
    }
}
