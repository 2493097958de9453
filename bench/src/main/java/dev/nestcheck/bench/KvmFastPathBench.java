package dev.nestcheck.bench;

import dev.nestcheck.impl.kvm.GenerationalVmidAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * The KVM VMID allocator's lock-free fast path (KVM-2): {@code load} of a VM whose VMID is of
 * the current generation, on a CPU that has run since the last rollover, so it is one CAS on
 * that CPU's active word. Each JMH thread drives its own CPU (thread index = CPU number, as the
 * allocator requires); with {@code sameVm} both CPUs run the same VM (two vCPUs of one guest),
 * otherwise one VM each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KvmFastPathBench {
    static final int CPUS = 2;

    @Param({"8", "16"})
    public int vmidBits;

    @Param({"false", "true"})
    public boolean sameVm;

    GenerationalVmidAllocator allocator;
    GenerationalVmidAllocator.VmVmid shared;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = new GenerationalVmidAllocator(CPUS, vmidBits);
        shared = allocator.newVm();
    }

    @State(Scope.Thread)
    public static class Cpu {
        int cpu;
        GenerationalVmidAllocator.VmVmid vm;

        @Setup(Level.Trial)
        public void setUp(KvmFastPathBench b, ThreadParams t) {
            if (t.getThreadCount() > CPUS) throw new IllegalStateException("at most " + CPUS + " threads (one per CPU)");
            cpu = t.getThreadIndex();
            vm = b.sameVm ? b.shared : b.allocator.newVm();
            b.allocator.load(vm, cpu); // slow path once: the VM gets a current VMID, the CPU an active word
        }
    }

    @Benchmark
    @Threads(1)
    public GenerationalVmidAllocator.VmVmid oneThread(KvmFastPathBench b, Cpu c) {
        b.allocator.load(c.vm, c.cpu);
        return c.vm;
    }

    @Benchmark
    @Threads(2)
    public GenerationalVmidAllocator.VmVmid twoThreads(KvmFastPathBench b, Cpu c) {
        b.allocator.load(c.vm, c.cpu);
        return c.vm;
    }
}
