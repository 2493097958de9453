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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A control experiment for {@link KvmFastPathBench}, with the allocator's memory layout and access
 * pattern but nothing else: the fast path reads the shared generation word (an {@code AtomicLong}
 * allocated right before the per-CPU {@code active} array, so likely on the same cache line) and
 * CASes its CPU's slot of {@code active}, whose slots are adjacent longs. Two threads, each with
 * its own slot; {@code stride} puts the slots 1 long (the allocator's layout) or 16 longs (128
 * bytes) apart, and {@code readGeneration} adds the read of the shared word before the CAS.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FalseSharingBench {
    @Param({"1", "16"})
    public int stride;

    @Param({"false", "true"})
    public boolean readGeneration;

    /** CAS the slot to itself (the allocator's fast path: active[cpu] already holds the VM's VMID) or to +1. */
    @Param({"same", "increment"})
    public String write;

    boolean increment;
    AtomicLong generation;
    AtomicLongArray active;

    @Setup
    public void setUp() {
        increment = write.equals("increment");
        generation = new AtomicLong(1L << 16); // allocated just before the array, as in the allocator
        active = new AtomicLongArray(2 + 16);
        for (int i = 0; i < active.length(); i++) active.set(i, (1L << 16) | 1); // current generation, index 1
    }

    @State(Scope.Thread)
    public static class Slot {
        int index;

        @Setup
        public void setUp(FalseSharingBench b, ThreadParams t) {
            index = t.getThreadIndex() * b.stride;
        }
    }

    private static boolean step(FalseSharingBench b, Slot s) {
        long old = b.active.get(s.index);
        if (b.readGeneration && ((old ^ b.generation.get()) >>> 16) != 0) throw new IllegalStateException("stale");
        return b.active.compareAndSet(s.index, old, b.increment ? old + 1 : old);
    }

    @Benchmark
    @Threads(1)
    public boolean oneThread(FalseSharingBench b, Slot s) {
        return step(b, s);
    }

    @Benchmark
    @Threads(2)
    public boolean twoThreads(FalseSharingBench b, Slot s) {
        return step(b, s);
    }
}
