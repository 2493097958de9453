package dev.nestcheck.impl.kvm;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The arm64 KVM VMID allocator (rules KVM-1..KVM-6, G-6), shaped like the kernel's
 * {@code arch/arm64/kvm/vmid.c} plus the pinned-VMID extension proposed for SMMUv3 BTM.
 *
 * <p>A VMID is one 64-bit word: {@code generation << vmidBits | index}. The global
 * generation is kept in the same word form, so "is this VMID current" is a single XOR and
 * shift. Generations start at 1 and every rollover adds 1; a VM that never had a VMID has
 * the word 0, i.e. generation 0 and index 0 (KVM-1), which never matches any generation.
 *
 * <p>Concurrency. Exactly like the kernel, {@link #load} has a lock-free fast path and a
 * slow path under one allocator lock; everything else that allocates or pins takes the
 * lock. Each CPU number must be driven by at most one thread at a time (the kernel runs
 * these paths with preemption disabled on that CPU); different CPUs may be driven
 * concurrently. State touched outside the lock is atomic: the generation, the per-CPU
 * active words and each VM's word. The in-use bitmap, the per-CPU reserved words, the
 * pinned bitmap/count, the next-fit cursor and pin counts are only written under the lock.
 *
 * <p>Why the fast path is safe: a rollover first advances the generation and then swaps
 * every CPU's active word to 0 (remembering it as that CPU's reservation). The fast path
 * only succeeds by a compare-and-set from a non-zero active word, after seeing that the
 * VM's word is of the current generation. If the rollover's swap came first, the CAS finds
 * 0 and fails, and the slow path re-reads under the lock; if the CAS came first, the
 * rollover's swap sees the VM's VMID and reserves its index for the next generation.
 *
 * <p>What the concurrency checks (module {@code concurrency}, {@code KvmAllocatorConcurrencyTest})
 * taught, for anyone who tests or extends this class:
 * <ul>
 * <li>{@link #load} is the kernel's {@code kvm_arm_vmid_update}, not KVM-2's VCPU_LOAD: VCPU_LOAD puts
 *     the CPU first ({@code kvm_arch_vcpu_put} of the vCPU that ran before), and then updates. The
 *     difference shows at a rollover inside the load, which reserves what the CPU ran before only
 *     when no put came first. Callers that implement VCPU_LOAD call {@link #put} and then {@link #load};
 *     a sequential specification of this class must model {@code load} without the put.</li>
 * <li>A rollover is not atomic to readers that take no lock, in Linux as here: it advances the
 *     generation, then zeroes the CPUs' active words one by one, while VM words of the old generation
 *     stay as they were until their next load. A VM's {@link VmVmid#generation()} or
 *     {@link VmVmid#index()} read without the lock may therefore be stale or mix two moments. Read a
 *     VMID where the allocator settles it (the value {@link #load} returns: the word it installed, read
 *     under the lock on the slow path), read under the lock ({@link #pin}), or check only invariants
 *     that every moment satisfies (G-6, KVM-6).</li>
 * <li>With two CPUs the allocator is linearizable against that specification. With three or more it is
 *     not (a {@link #put}, a plain store, may take effect late with respect to a rollover that other
 *     CPUs have already observed); the real-world invariants G-6 and KVM-6 still hold whatever the
 *     number of CPUs, and are what the checks assert there.</li>
 * </ul>
 */
public final class GenerationalVmidAllocator {

    private final int cpus;
    private final int vmidBits;
    /** Number of indices, index 0 included: 2^vmidBits (NUM_USER_VMIDS). */
    private final int numIndices;
    private final long indexMask;
    /** The word of generation 1, index 0; also the value VCPU_PUT stores (index 0 = nothing). */
    private final long firstVersion;
    private final int pinCap;

    /** Current generation, in word form (generation << vmidBits). */
    private final AtomicLong generation;
    /** Per CPU: the VMID word it runs; 0 = nothing since the last rollover; firstVersion = put. */
    private final AtomicLongArray active;

    /**
     * The allocator lock (the kernel's cpu_vmid_lock, a raw spinlock). An explicit lock rather than a
     * monitor, so that a concurrency mutant can model a rollover that lets go of it while it flushes.
     */
    private final ReentrantLock lock = new ReentrantLock();
    // --- guarded by lock ---
    /** Per CPU: what it ran at the last rollover (carried over if it ran nothing since). */
    private final long[] reserved;
    /** Indices in use in the current generation. */
    private final long[] inUse;
    /** Indices of VMs with a pin count > 0. */
    private final long[] pinnedMap;
    private int nrPinned;
    /** Next-fit cursor: the index handed out last (cur_idx), 1 after a rollover. */
    private int curIdx = 1;

    public GenerationalVmidAllocator(int cpus, int vmidBits) {
        if (cpus < 1) throw new IllegalArgumentException("cpus must be >= 1, got " + cpus);
        if (vmidBits < 1 || vmidBits > 16)
            throw new IllegalArgumentException("vmidBits must be 1..16, got " + vmidBits);
        // PLAT-3; the kernel only WARNs here, but then an allocation right after a
        // rollover could find no free index, which this class cannot report.
        if ((1 << vmidBits) - 1 <= cpus)
            throw new IllegalArgumentException("PLAT-3: 2^vmidBits - 1 must exceed cpus, got vmidBits "
                    + vmidBits + " and " + cpus + " cpus");
        this.cpus = cpus;
        this.vmidBits = vmidBits;
        this.numIndices = 1 << vmidBits;
        this.indexMask = numIndices - 1L;
        this.firstVersion = 1L << vmidBits;
        // Room for every CPU's reservation plus one free index after a rollover (index 0 never used).
        this.pinCap = Math.max(0, numIndices - cpus - 2);
        this.generation = new AtomicLong(firstVersion);
        this.active = new AtomicLongArray(cpus);
        this.reserved = new long[cpus];
        int words = (numIndices + 63) >>> 6;
        this.inUse = new long[words];
        this.pinnedMap = new long[words];
    }

    /** KVM-1: a new VM has no VMID (generation 0, index 0) and no pins. */
    public VmVmid newVm() {
        return new VmVmid(this);
    }

    /**
     * KVM-2 VCPU_LOAD: make sure the VM has a VMID of the current generation (KVM-3, which
     * may roll over, KVM-4) and record it as what {@code cpu} runs. This is {@code kvm_arm_vmid_update}:
     * it does not put the CPU first (see the class comment).
     *
     * @return the VMID word installed as what the CPU runs ({@link #generationOf}, {@link #indexOf})
     */
    public long load(VmVmid vm, int cpu) {
        assert vm.owner == this : "VM of another allocator";
        assert cpu >= 0 && cpu < cpus : "cpu out of range: " + cpu;

        // Fast path, no lock. Active == 0 means a rollover happened since this CPU last
        // loaded, so its reservation must be settled under the lock.
        long vmid = vm.word.get();
        long oldActive = active.get(cpu);
        if (oldActive != 0 && isCurrent(vmid) && active.compareAndSet(cpu, oldActive, vmid)) {
            return vmid;
        }

        lock.lock();
        try {
            vmid = vm.word.get();
            if (!isCurrent(vmid)) {
                vmid = newVmid(vm);
            }
            active.set(cpu, vmid);
            return vmid;
        } finally {
            lock.unlock();
        }
    }

    /** The generation of a VMID word that {@link #load} returned. */
    public long generationOf(long vmidWord) {
        return vmidWord >>> vmidBits;
    }

    /** The index of a VMID word that {@link #load} returned. */
    public int indexOf(long vmidWord) {
        return (int) (vmidWord & indexMask);
    }

    /**
     * KVM-2 VCPU_PUT: the CPU runs nothing. Like kvm_arm_vmid_clear_active this is one
     * store of a non-zero word whose index is 0, without the lock: the next fast path still
     * works, and the next rollover reserves nothing real for this CPU.
     */
    public void put(int cpu) {
        assert cpu >= 0 && cpu < cpus : "cpu out of range: " + cpu;
        active.set(cpu, firstVersion);
    }

    /**
     * KVM-5 PIN: an already pinned VM gets refcount + 1 (same index). Otherwise fails when
     * the pinned count has reached {@link #pinCap()} (nothing changes, not even a VMID is
     * allocated); else the VM gets a current VMID if it lacks one (KVM-3) and its index is
     * pinned with refcount 1. Pinning does not make any CPU run the VM.
     */
    public boolean pin(VmVmid vm) {
        assert vm.owner == this : "VM of another allocator";
        lock.lock();
        try {
            if (vm.pins > 0) {
                vm.pins = vm.pins + 1;
                return true;
            }
            if (nrPinned >= pinCap) {
                return false;
            }
            long vmid = vm.word.get();
            if (!isCurrent(vmid)) {
                vmid = newVmid(vm);
            }
            nrPinned++;
            setBit(pinnedMap, index(vmid));
            vm.pins = 1;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * KVM-5 UNPIN: refcount - 1. At 0 the index leaves the pinned set but stays marked in
     * use for the rest of this generation; the next rollover reclaims it unless a CPU runs
     * the VM then.
     *
     * @throws IllegalStateException if the VM is not pinned (the kernel would underflow a
     *     refcount; here it is a caller bug)
     */
    public void unpin(VmVmid vm) {
        assert vm.owner == this : "VM of another allocator";
        lock.lock();
        try {
            if (vm.pins <= 0) {
                throw new IllegalStateException("unpin of a VM that is not pinned");
            }
            vm.pins = vm.pins - 1;
            if (vm.pins == 0) {
                clearBit(pinnedMap, index(vm.word.get()));
                nrPinned--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Rollovers so far (KVM-4): generations start at 1 and each rollover adds 1. */
    public int rollovers() {
        return (int) (generation.get() >>> vmidBits) - 1;
    }

    /** KVM-5: the most VMIDs pinned at once, max(0, 2^vmidBits - cpus - 2). */
    public int pinCap() {
        return pinCap;
    }

    // ------------------------------------------------------------------ internals

    private boolean isCurrent(long vmid) {
        return ((vmid ^ generation.get()) >>> vmidBits) == 0;
    }

    private int index(long vmid) {
        return (int) (vmid & indexMask);
    }

    /** KVM-3: a VMID of the current generation for a VM whose VMID is stale or absent. Under lock. */
    private long newVmid(VmVmid vm) {
        long vmid = vm.word.get();
        long gen = generation.get();

        if (vmid != 0) {
            long newVmid = gen | (vmid & indexMask);
            // Reserved by a CPU that ran it at the last rollover (or still does). Checked
            // first even for a pinned VM, because the reservations must move to the new
            // generation too.
            if (checkUpdateReserved(vmid, newVmid)) {
                vm.word.set(newVmid);
                return newVmid;
            }
            // Pinned: every rollover copied the pinned set into the in-use set, so the index
            // is already taken for this VM. (The RFC returns the new word here without
            // storing it in the VM; storing it makes the VM current, which KVM-3 says.)
            if (vm.pins > 0) {
                assert testBit(inUse, index(vmid)) : "pinned index not in use";
                vm.word.set(newVmid);
                return newVmid;
            }
            // Still free in this generation: take it back.
            if (!testAndSetBit(inUse, index(vmid))) {
                vm.word.set(newVmid);
                return newVmid;
            }
        }

        // Next-fit, upward from the index handed out last, no wrap-around. (Within a
        // generation bits are only ever set, and every index in [1, curIdx] is set, so this
        // picks the lowest free index, the same as a first-fit search would.)
        int idx = nextClearBit(inUse, curIdx);
        if (idx == numIndices) {
            gen = generation.addAndGet(firstVersion);
            flushContext();
            // In use now: at most one index per CPU plus at most 2^bits - cpus - 2 pinned
            // ones, out of 2^bits - 1, so one is always left (PLAT-3, pin cap).
            idx = nextClearBit(inUse, 1);
            if (idx == numIndices) {
                throw new IllegalStateException("no free VMID index after a rollover");
            }
        }
        setBit(inUse, idx);
        curIdx = idx;
        long fresh = gen | idx;
        vm.word.set(fresh);
        return fresh;
    }

    /**
     * KVM-4, after the generation has advanced: the in-use set becomes the pinned indices
     * plus, per CPU, what it runs, or, when it has run nothing since the last rollover
     * (active 0), what it reserved then. Every active word becomes 0. (The kernel also
     * broadcasts a TLB flush of all VMIDs here; the rollover count is that record.) Under lock.
     */
    private void flushContext() {
        System.arraycopy(pinnedMap, 0, inUse, 0, inUse.length);
        for (int cpu = 0; cpu < cpus; cpu++) {
            long vmid = active.getAndSet(cpu, 0);
            if (vmid == 0) {
                vmid = reserved[cpu];
            }
            // A put CPU (or one that never ran anything) marks index 0, which is never handed out.
            setBit(inUse, index(vmid));
            reserved[cpu] = vmid;
        }
        // The search restarts at 1: the caller searches from 1 and moves curIdx to what it finds.
    }

    /** Every CPU reservation equal to the VM's old word moves to the new generation. Under lock. */
    private boolean checkUpdateReserved(long vmid, long newVmid) {
        boolean hit = false;
        for (int cpu = 0; cpu < cpus; cpu++) {
            if (reserved[cpu] == vmid) {
                hit = true;
                reserved[cpu] = newVmid;
            }
        }
        return hit;
    }

    private static boolean testBit(long[] map, int bit) {
        return (map[bit >>> 6] & (1L << bit)) != 0;
    }

    private static void setBit(long[] map, int bit) {
        map[bit >>> 6] |= 1L << bit;
    }

    private static void clearBit(long[] map, int bit) {
        map[bit >>> 6] &= ~(1L << bit);
    }

    private static boolean testAndSetBit(long[] map, int bit) {
        boolean was = testBit(map, bit);
        setBit(map, bit);
        return was;
    }

    /**
     * First clear bit at or above {@code from}, or numIndices if none. Callers pass 1 or
     * curIdx, so {@code from} is always below numIndices and inside the map.
     */
    private int nextClearBit(long[] map, int from) {
        int w = from >>> 6;
        long inverted = ~map[w] & (-1L << from);
        while (true) {
            if (inverted != 0) {
                int bit = (w << 6) + Long.numberOfTrailingZeros(inverted);
                return Math.min(bit, numIndices);
            }
            if (++w == map.length) return numIndices;
            inverted = ~map[w];
        }
    }

    // ------------------------------------------------------------------ test hooks

    /** The word CPU {@code cpu} has as active (0, the put marker, or a VMID). */
    long activeWord(int cpu) {
        return active.get(cpu);
    }

    /** The current generation number (1 + rollovers). */
    long currentGeneration() {
        return generation.get() >>> vmidBits;
    }

    /** A copy of the in-use set of the current generation (may contain 0, see flushContext). */
    BitSet inUseIndices() {
        lock.lock();
        try {
            return BitSet.valueOf(inUse.clone());
        } finally {
            lock.unlock();
        }
    }

    /** The pinned count. */
    int pinnedCount() {
        lock.lock();
        try {
            return nrPinned;
        } finally {
            lock.unlock();
        }
    }

    /** A VM's VMID as KVM sees it: one atomic word, and its pin count. */
    public static final class VmVmid {
        private final GenerationalVmidAllocator owner;
        /** generation << vmidBits | index; 0 = never had one. Written under the owner's lock. */
        private final AtomicLong word = new AtomicLong();
        /** Pin refcount; written under the owner's lock, volatile for readers. */
        private volatile int pins;

        private VmVmid(GenerationalVmidAllocator owner) {
            this.owner = owner;
        }

        /** The generation of the VM's VMID; 0 if it never had one. May be older than current. */
        public long generation() {
            return word.get() >>> owner.vmidBits;
        }

        /** The index of the VM's VMID; 0 if it never had one. */
        public int index() {
            return (int) (word.get() & owner.indexMask);
        }

        /** The pin refcount (KVM-5). */
        public int pins() {
            return pins;
        }

        @Override
        public String toString() {
            long w = word.get();
            return "VmVmid(gen " + (w >>> owner.vmidBits) + ", idx " + (w & owner.indexMask) + ", pins " + pins + ")";
        }
    }
}
