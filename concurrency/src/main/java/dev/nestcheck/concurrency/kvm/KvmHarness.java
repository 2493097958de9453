package dev.nestcheck.concurrency.kvm;

import org.jetbrains.lincheck.datastructures.Operation;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The object Lincheck (or a stress run) drives: an allocator under test plus the real-world invariants,
 * checked by each CPU's thread as it goes, whatever the number of CPUs:
 * <ul>
 * <li>G-6: two CPUs running different VMs run different indices, and no CPU runs index 0;</li>
 * <li>KVM-6: a pinned VM keeps its index, and no other VM is given it.</li>
 * </ul>
 * A violation throws {@link InvariantViolation}, which fails the scenario whatever the order.
 *
 * <p>What each CPU runs and which pins are held are recorded conservatively: a CPU's record is cleared
 * before it loads or puts and set after its load returns; a pin is recorded after it succeeds and cleared
 * before its unpin. So a record never claims more than the allocator does, and a violation is real. The
 * VMIDs compared are those {@code load} returns (the word it installed), never a VM's word read without
 * the allocator's lock: a rollover is not atomic to such readers.
 *
 * <p>Lincheck creates one instance per invocation with the no-argument constructor, so the scenario's
 * platform and allocator come from {@link #configure}.
 */
public final class KvmHarness {
    /** Thrown by an operation that observed a G-6 or KVM-6 violation. */
    public static final class InvariantViolation extends AssertionError {
        private static final long serialVersionUID = 1L;

        InvariantViolation(String message) {
            super(message);
        }
    }

    record Config(int cpus, int vmidBits, int vms, KvmAllocatorUnderTest.Factory factory) {
    }

    private static volatile Config config;

    /** Sets the platform and allocator of the instances created from now on (one scenario at a time). */
    static void configure(int cpus, int vmidBits, int vms, KvmAllocatorUnderTest.Factory factory) {
        config = new Config(cpus, vmidBits, vms, factory);
    }

    static Config config() {
        return config;
    }

    private final KvmAllocatorUnderTest allocator;
    private final int cpus;
    private final int vms;
    /** Per CPU: the VM it runs (0: none) and with which index. */
    private final AtomicIntegerArray running;
    private final AtomicIntegerArray runningIndex;
    /** Per (CPU thread, VM): pins held, and the index they pinned. */
    private final AtomicIntegerArray held;
    private final AtomicIntegerArray heldIndex;

    public KvmHarness() {
        Config c = config;
        this.cpus = c.cpus();
        this.vms = c.vms();
        this.allocator = c.factory().create(c.cpus(), c.vmidBits(), c.vms());
        this.running = new AtomicIntegerArray(cpus);
        this.runningIndex = new AtomicIntegerArray(cpus);
        this.held = new AtomicIntegerArray(cpus * (vms + 1));
        this.heldIndex = new AtomicIntegerArray(cpus * (vms + 1));
    }

    @Operation
    public String load(int vm, int cpu) {
        stopRunning(cpu);
        KvmAllocatorUnderTest.Vmid v = allocator.load(vm, cpu);
        startRunning(vm, cpu, v.index());
        return v.toString();
    }

    @Operation
    public void put(int cpu) {
        stopRunning(cpu);
        allocator.put(cpu);
    }

    @Operation
    public String pin(int vm, int cpu) {
        int index = allocator.pin(vm);
        if (index == 0) return "full";
        holdPin(vm, cpu, index);
        return Integer.toString(index);
    }

    @Operation
    public String unpin(int vm, int cpu) {
        if (!releasePin(vm, cpu)) return "none";
        allocator.unpin(vm);
        return "ok";
    }

    /** The harness's bookkeeping: the model checker treats these as atomic (they are not under test). */
    static final String[] BOOKKEEPING = {"stopRunning", "startRunning", "holdPin", "releasePin", "checkRunning", "checkPinned", "slot"};

    private void stopRunning(int cpu) {
        running.set(cpu, 0);
    }

    private void startRunning(int vm, int cpu, int index) {
        runningIndex.set(cpu, index);
        running.set(cpu, vm);
        checkRunning(vm, cpu, index);
    }

    private void holdPin(int vm, int cpu, int index) {
        int slot = slot(cpu, vm);
        checkPinned(vm, index);
        heldIndex.set(slot, index);
        held.incrementAndGet(slot);
    }

    private boolean releasePin(int vm, int cpu) {
        int slot = slot(cpu, vm);
        if (held.get(slot) == 0) return false;
        held.decrementAndGet(slot);
        return true;
    }

    /** The post part: every VM's VMID and pins, and the rollover count, read when nothing runs. */
    @Operation
    public String state() {
        return describe(allocator);
    }

    static String describe(KvmAllocatorUnderTest a, int vms) {
        StringBuilder sb = new StringBuilder();
        for (int vm = 1; vm <= vms; vm++)
            sb.append("vm").append(vm).append(' ').append(a.vmid(vm)).append(" pins ").append(a.pins(vm)).append("; ");
        return sb.append("rollovers ").append(a.rollovers()).toString();
    }

    private String describe(KvmAllocatorUnderTest a) {
        return describe(a, vms);
    }

    private int slot(int cpu, int vm) {
        return cpu * (vms + 1) + vm;
    }

    private void checkRunning(int vm, int cpu, int index) {
        if (index == 0) throw new InvariantViolation("G-6: cpu" + cpu + " runs vm" + vm + " with index 0");
        for (int d = 0; d < cpus; d++) {
            if (d == cpu) continue;
            int other = running.get(d);
            if (other != 0 && other != vm && runningIndex.get(d) == index)
                throw new InvariantViolation("G-6: cpu" + cpu + " runs vm" + vm + " and cpu" + d + " runs vm" + other
                        + ", both with index " + index);
        }
        checkPinned(vm, index);
    }

    /** KVM-6 against the pins held now: {@code vm} has {@code index}. */
    private void checkPinned(int vm, int index) {
        for (int owner = 0; owner < cpus; owner++) {
            for (int u = 1; u <= vms; u++) {
                int slot = slot(owner, u);
                if (held.get(slot) == 0) continue;
                int pinned = heldIndex.get(slot);
                if (u == vm && pinned != index)
                    throw new InvariantViolation("KVM-6: vm" + vm + " is pinned with index " + pinned + " but now has index " + index);
                if (u != vm && pinned == index)
                    throw new InvariantViolation("KVM-6: index " + index + " is pinned by vm" + u + " but vm" + vm + " has it");
            }
        }
    }
}
