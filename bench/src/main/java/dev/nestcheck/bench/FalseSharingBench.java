package dev.nestcheck.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A control experiment for {@link KvmFastPathBench}: the allocator's fast path is one CAS on
 * {@code active[cpu]}, an {@code AtomicLongArray} whose per-CPU slots are adjacent longs, so two
 * CPUs' slots share a cache line. Here two threads CAS their own slot of an array, with the slots
 * {@code stride} longs apart: 1 is the allocator's layout, 16 (128 bytes) puts them on separate
 * cache lines (and adjacent-line prefetch pairs). Same work, only the layout differs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FalseSharingBench {
    @Param({"1", "16"})
    public int stride;

    AtomicLongArray slots;

    @Setup
    public void setUp() {
        slots = new AtomicLongArray(64);
    }

    @State(Scope.Thread)
    public static class Slot {
        int index;
        long value;

        @Setup
        public void setUp(FalseSharingBench b, ThreadParams t) {
            index = 16 + t.getThreadIndex() * b.stride; // away from the array header
        }
    }

    @Benchmark
    @Threads(2)
    public boolean casOwnSlot(FalseSharingBench b, Slot s) {
        long old = b.slots.get(s.index);
        return b.slots.compareAndSet(s.index, old, old + 1);
    }
}
