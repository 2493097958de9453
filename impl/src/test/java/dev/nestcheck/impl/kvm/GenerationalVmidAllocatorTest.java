package dev.nestcheck.impl.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nestcheck.impl.kvm.GenerationalVmidAllocator.VmVmid;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerationalVmidAllocatorTest {

    private static List<VmVmid> vms(GenerationalVmidAllocator a, int n) {
        List<VmVmid> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(a.newVm());
        return list;
    }

    private static BitSet bits(int... indices) {
        BitSet b = new BitSet();
        for (int i : indices) b.set(i);
        return b;
    }

    /** The in-use set without index 0 (a put CPU marks 0 at a rollover, as the kernel does). */
    private static BitSet inUse(GenerationalVmidAllocator a) {
        BitSet b = a.inUseIndices();
        b.clear(0);
        return b;
    }

    @Test
    void kvm1_newVmHasNoVmid() {
        var a = new GenerationalVmidAllocator(1, 8);
        VmVmid vm = a.newVm();
        assertThat(vm.generation()).isZero();
        assertThat(vm.index()).isZero();
        assertThat(vm.pins()).isZero();
        assertThat(a.rollovers()).isZero();
    }

    @Test
    void kvm2_firstLoadGivesIndex1OfGeneration1() {
        var a = new GenerationalVmidAllocator(2, 8);
        VmVmid vm = a.newVm();
        a.load(vm, 1);
        assertThat(vm.generation()).isEqualTo(1);
        assertThat(vm.index()).isEqualTo(1);
        assertThat(a.activeWord(1)).isEqualTo((1L << 8) | 1);
        // Loading again (fast path) and on another CPU keeps the VMID.
        a.load(vm, 1);
        a.load(vm, 0);
        assertThat(vm.generation()).isEqualTo(1);
        assertThat(vm.index()).isEqualTo(1);
        assertThat(a.activeWord(0)).isEqualTo(a.activeWord(1));
    }

    @Test
    void kvm3_nextFitHandsOutIndicesInOrder() {
        var a = new GenerationalVmidAllocator(2, 4);
        List<VmVmid> vms = vms(a, 15);
        for (int i = 0; i < 15; i++) {
            a.load(vms.get(i), i % 2);
            assertThat(vms.get(i).index()).isEqualTo(i + 1);
            assertThat(vms.get(i).generation()).isEqualTo(1);
        }
        assertThat(a.rollovers()).isZero();
        // Reloading old VMs and putting CPUs hands out nothing new.
        a.put(0);
        a.load(vms.get(3), 0);
        assertThat(vms.get(3).index()).isEqualTo(4);
        assertThat(a.rollovers()).isZero();
    }

    @Test
    void kvm4_rolloverWhenFullKeepsTheRunningIndex() {
        var a = new GenerationalVmidAllocator(1, 2);
        List<VmVmid> vms = vms(a, 5);
        for (int i = 0; i < 3; i++) a.load(vms.get(i), 0);
        assertThat(vms).extracting(VmVmid::index).containsExactly(1, 2, 3, 0, 0);
        assertThat(a.rollovers()).isZero();

        // Full: the 4th VM rolls over. CPU 0 was running index 3, so 3 stays; search restarts at 1.
        a.load(vms.get(3), 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(vms.get(3).generation()).isEqualTo(2);
        assertThat(vms.get(3).index()).isEqualTo(1);
        assertThat(inUse(a)).isEqualTo(bits(1, 3));

        // VM 0 (old index 1, taken) gets the next free index, 2.
        a.load(vms.get(0), 0);
        assertThat(vms.get(0).index()).isEqualTo(2);
        assertThat(vms.get(0).generation()).isEqualTo(2);
        // VM 2 (old index 3) is what CPU 0 ran at the rollover: that reservation holds for the
        // whole generation even though CPU 0 has moved on, so VM 2 keeps 3 without a rollover.
        a.load(vms.get(2), 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(vms.get(2).index()).isEqualTo(3);
        assertThat(vms.get(2).generation()).isEqualTo(2);
        // VM 1 (old index 2, now VM 0's) needs a new one: none is left above 2, so roll over.
        a.load(vms.get(1), 0);
        assertThat(a.rollovers()).isEqualTo(2);
        assertThat(vms.get(1).generation()).isEqualTo(3);
        // CPU 0 ran VM 2 (index 3) at that rollover; the search restarts at 1.
        assertThat(vms.get(1).index()).isEqualTo(1);
        assertThat(inUse(a)).isEqualTo(bits(1, 3));
    }

    @Test
    void kvm3_vmWhoseOldIndexIsStillFreeKeepsIt() {
        var a = new GenerationalVmidAllocator(1, 2);
        List<VmVmid> vms = vms(a, 4);
        for (int i = 0; i < 4; i++) a.load(vms.get(i), 0); // 1,2,3, then rollover: vm3 -> 1
        assertThat(vms.get(3).index()).isEqualTo(1);
        // VM 1 had index 2 in generation 1; 2 is free in generation 2, so it comes back.
        a.load(vms.get(1), 0);
        assertThat(vms.get(1).index()).isEqualTo(2);
        assertThat(vms.get(1).generation()).isEqualTo(2);
        assertThat(a.rollovers()).isEqualTo(1);
    }

    @Test
    void kvm4_cpuThatRanNothingKeepsItsReservationAcrossRollovers() {
        var a = new GenerationalVmidAllocator(2, 2);
        VmVmid held = a.newVm();
        a.load(held, 0); // CPU 0 runs index 1 and then does nothing at all.
        List<VmVmid> others = vms(a, 6);
        for (VmVmid vm : others) {
            a.load(vm, 1);
            assertThat(vm.index()).as("no VM may take the index CPU 0 runs").isNotEqualTo(1);
        }
        assertThat(a.rollovers()).isGreaterThanOrEqualTo(2);
        assertThat(held.generation()).isEqualTo(1);
        assertThat(inUse(a).get(1)).isTrue();

        // When it runs again it keeps index 1 in the current generation (reserved VMID).
        long rollovers = a.rollovers();
        a.load(held, 0);
        assertThat(held.index()).isEqualTo(1);
        assertThat(held.generation()).isEqualTo(a.currentGeneration());
        assertThat(a.rollovers()).isEqualTo(rollovers);
    }

    @Test
    void kvm4_putThenRolloverFreesTheIndex() {
        var a = new GenerationalVmidAllocator(2, 2);
        VmVmid first = a.newVm();
        a.load(first, 0);
        a.put(0);
        assertThat(a.activeWord(0) & 3).isZero(); // the "invalid" marker has index 0
        List<VmVmid> others = vms(a, 3);
        for (VmVmid vm : others) a.load(vm, 1); // 2, 3, then rollover
        assertThat(a.rollovers()).isEqualTo(1);
        // CPU 1 runs index 3; CPU 0 runs nothing, so index 1 is free again and is taken.
        assertThat(others.get(2).index()).isEqualTo(1);
        assertThat(inUse(a)).isEqualTo(bits(1, 3));
    }

    @Test
    void kvm4_putAfterRolloverDropsTheReservationAtTheNextOne() {
        var a = new GenerationalVmidAllocator(2, 2);
        VmVmid first = a.newVm();
        a.load(first, 0);
        List<VmVmid> others = vms(a, 3);
        for (VmVmid vm : others) a.load(vm, 1); // rollover 1: CPU 0 reserves index 1
        assertThat(inUse(a)).isEqualTo(bits(1, 2, 3)); // reserved: 1 (CPU 0), 3 (CPU 1); 2 is new
        a.put(0);
        VmVmid trigger = a.newVm();
        a.load(trigger, 1); // full: rollover 2; CPU 0 was put, CPU 1 runs index 2
        assertThat(a.rollovers()).isEqualTo(2);
        assertThat(trigger.index()).isEqualTo(1);
        assertThat(inUse(a)).isEqualTo(bits(1, 2));
    }

    @Test
    void kvm6_pinnedIndexNeverChangesAcrossManyRollovers() {
        var a = new GenerationalVmidAllocator(1, 2);
        assertThat(a.pinCap()).isEqualTo(1);
        VmVmid pinned = a.newVm();
        assertThat(a.pin(pinned)).isTrue();
        assertThat(pinned.index()).isEqualTo(1);
        assertThat(pinned.generation()).isEqualTo(1);
        assertThat(pinned.pins()).isEqualTo(1);

        var rnd = new SplittableRandom(7);
        List<VmVmid> others = vms(a, 5);
        for (int i = 0; i < 200; i++) {
            VmVmid vm = others.get(rnd.nextInt(others.size()));
            a.load(vm, 0);
            assertThat(vm.index()).isNotEqualTo(1);
            if (i % 17 == 0) {
                a.load(pinned, 0);
                assertThat(pinned.index()).isEqualTo(1);
                assertThat(pinned.generation()).isEqualTo(a.currentGeneration());
            }
            assertThat(pinned.index()).isEqualTo(1);
            assertThat(inUse(a).get(1)).isTrue();
        }
        assertThat(a.rollovers()).isGreaterThan(20);
    }

    @Test
    void kvm5_pinOfAVmWithoutVmidAllocatesOneAndRefcounts() {
        var a = new GenerationalVmidAllocator(2, 3);
        VmVmid x = a.newVm();
        VmVmid y = a.newVm();
        a.load(x, 0);
        assertThat(a.pin(y)).isTrue();
        assertThat(y.index()).isEqualTo(2);
        assertThat(y.generation()).isEqualTo(1);
        assertThat(a.pin(y)).isTrue();
        assertThat(y.pins()).isEqualTo(2);
        assertThat(y.index()).isEqualTo(2);
        assertThat(a.pinnedCount()).isEqualTo(1);
        a.unpin(y);
        assertThat(y.pins()).isEqualTo(1);
        assertThat(a.pinnedCount()).isEqualTo(1);
    }

    @Test
    void kvm5_pinCapFour() {
        var a = new GenerationalVmidAllocator(2, 3);
        assertThat(a.pinCap()).isEqualTo(4);
        List<VmVmid> vms = vms(a, 6);
        for (int i = 0; i < 4; i++) assertThat(a.pin(vms.get(i))).isTrue();
        assertThat(a.pin(vms.get(4))).isFalse();
        assertThat(vms.get(4).index()).as("a failed pin allocates nothing").isZero();
        assertThat(vms.get(4).generation()).isZero();
        // An already pinned VM may still take another reference at the cap.
        assertThat(a.pin(vms.get(0))).isTrue();
        assertThat(vms.get(0).pins()).isEqualTo(2);
        a.unpin(vms.get(3));
        assertThat(a.pin(vms.get(4))).isTrue();
        assertThat(a.pin(vms.get(5))).isFalse();
        assertThat(a.pinnedCount()).isEqualTo(4);
    }

    @Test
    void kvm5_pinCapZeroMeansPinAlwaysFails() {
        var a = new GenerationalVmidAllocator(2, 2);
        assertThat(a.pinCap()).isZero();
        VmVmid vm = a.newVm();
        assertThat(a.pin(vm)).isFalse();
        a.load(vm, 0);
        assertThat(a.pin(vm)).isFalse();
        assertThat(vm.pins()).isZero();
    }

    @Test
    void kvm5_unpinToZeroKeepsTheIndexInUseUntilTheNextRollover() {
        var a = new GenerationalVmidAllocator(1, 2);
        VmVmid p = a.newVm();
        assertThat(a.pin(p)).isTrue(); // index 1
        a.unpin(p);
        assertThat(p.pins()).isZero();
        assertThat(a.pinnedCount()).isZero();
        assertThat(inUse(a).get(1)).isTrue();

        List<VmVmid> vms = vms(a, 3);
        a.load(vms.get(0), 0);
        a.load(vms.get(1), 0);
        assertThat(vms.get(0).index()).isEqualTo(2);
        assertThat(vms.get(1).index()).isEqualTo(3);
        assertThat(a.rollovers()).isZero();
        a.load(vms.get(2), 0); // no free index left while 1 is still held: rollover
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(vms.get(2).index()).isEqualTo(1); // now reclaimed
        // p's old index is taken in this generation, so p gets another one.
        a.load(p, 0);
        assertThat(p.index()).isEqualTo(2);
    }

    @Test
    void kvm5_unpinOfUnpinnedVmIsACallerBug() {
        var a = new GenerationalVmidAllocator(1, 3);
        VmVmid vm = a.newVm();
        assertThatThrownBy(() -> a.unpin(vm)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void plat3_rejectsTooFewVmids() {
        assertThatThrownBy(() -> new GenerationalVmidAllocator(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenerationalVmidAllocator(0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenerationalVmidAllocator(1, 17)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new GenerationalVmidAllocator(2, 2).pinCap()).isZero();
        assertThat(new GenerationalVmidAllocator(1, 16).pinCap()).isEqualTo(65533);
    }

    /**
     * G-6 and KVM-3..6 on random sequential runs. The test keeps its own view (which VM each
     * CPU runs, pins) and checks against RULES.md after every step, including the exact
     * in-use set after a rollover (KVM-4) and next-fit (KVM-3).
     */
    @Test
    void g6_randomSequentialRuns() {
        int[][] platforms = {{1, 2}, {2, 2}, {2, 3}, {3, 3}, {5, 3}, {4, 4}, {3, 8}};
        var rnd = new SplittableRandom(20250319L);
        for (int[] p : platforms) {
            for (int run = 0; run < 4; run++) {
                randomRun(p[0], p[1], rnd.split(), 1500);
            }
        }
    }

    private static void randomRun(int cpus, int bits, SplittableRandom rnd, int steps) {
        var a = new GenerationalVmidAllocator(cpus, bits);
        int nVms = Math.min((1 << bits) + 4, 40);
        List<VmVmid> vms = vms(a, nVms);
        VmVmid[] running = new VmVmid[cpus];
        Map<VmVmid, Integer> pinnedIndex = new HashMap<>();
        int lastHanded = 1; // next-fit cursor as the rules describe it
        String where = "cpus " + cpus + " bits " + bits;

        for (int step = 0; step < steps; step++) {
            int op = rnd.nextInt(10);
            int rollBefore = a.rollovers();
            if (op < 6) {
                VmVmid vm = vms.get(rnd.nextInt(nVms));
                int cpu = rnd.nextInt(cpus);
                long oldGen = vm.generation();
                int oldIdx = vm.index();
                boolean stale = oldGen != a.currentGeneration();
                BitSet before = inUse(a);
                BitSet expectedFlush = new BitSet();
                for (VmVmid r : running) if (r != null) expectedFlush.set(r.index());
                for (int idx : pinnedIndex.values()) expectedFlush.set(idx);

                a.load(vm, cpu);
                running[cpu] = vm;

                assertThat(vm.generation()).as(where).isEqualTo(a.currentGeneration());
                assertThat(a.activeWord(cpu)).as(where).isEqualTo((vm.generation() << bits) | vm.index());
                int rolled = a.rollovers() - rollBefore;
                assertThat(rolled).as(where).isBetween(0, 1);
                if (!stale) {
                    assertThat(vm.index()).as(where + ": current VMID is kept").isEqualTo(oldIdx);
                    assertThat(rolled).isZero();
                } else if (rolled == 0 && oldIdx != 0 && (!before.get(oldIdx) || vm.pins() > 0)) {
                    assertThat(vm.index()).as(where + ": free or pinned old index is kept").isEqualTo(oldIdx);
                }
                boolean fresh = oldIdx == 0 || vm.index() != oldIdx;
                if (rolled == 1) {
                    // (After a rollover the first free index may happen to be the old one.)
                    expectedFlush.clear(0);
                    assertThat(vm.index()).as(where + ": search restarts at 1")
                            .isEqualTo(expectedFlush.nextClearBit(1));
                    expectedFlush.set(vm.index());
                    assertThat(inUse(a)).as(where + ": KVM-4 in-use set").isEqualTo(expectedFlush);
                    lastHanded = vm.index();
                } else if (fresh) {
                    assertThat(vm.index()).as(where + ": next-fit").isEqualTo(before.nextClearBit(lastHanded));
                    lastHanded = vm.index();
                }
            } else if (op < 7) {
                int cpu = rnd.nextInt(cpus);
                a.put(cpu);
                running[cpu] = null;
            } else if (op < 9) {
                VmVmid vm = vms.get(rnd.nextInt(nVms));
                boolean expectOk = vm.pins() > 0 || pinnedIndex.size() < a.pinCap();
                int pinsBefore = vm.pins();
                int oldIdx = vm.index();
                boolean ok = a.pin(vm);
                assertThat(ok).as(where + ": KVM-5 pin outcome").isEqualTo(expectOk);
                if (ok) {
                    assertThat(vm.pins()).isEqualTo(pinsBefore + 1);
                    assertThat(vm.index()).isNotZero();
                    if (pinsBefore > 0) assertThat(vm.index()).isEqualTo(oldIdx);
                    pinnedIndex.putIfAbsent(vm, vm.index());
                    // A pin that had to allocate moves the next-fit cursor like a load does.
                    boolean fresh = oldIdx == 0 || vm.index() != oldIdx;
                    if (pinsBefore == 0 && (fresh || a.rollovers() != rollBefore)) lastHanded = vm.index();
                } else {
                    assertThat(vm.pins()).isZero();
                    assertThat(vm.index()).isEqualTo(oldIdx);
                }
            } else if (!pinnedIndex.isEmpty()) {
                List<VmVmid> pinned = new ArrayList<>(pinnedIndex.keySet());
                pinned.sort((x, y) -> Integer.compare(pinnedIndex.get(x), pinnedIndex.get(y)));
                VmVmid vm = pinned.get(rnd.nextInt(pinned.size()));
                int idx = vm.index();
                a.unpin(vm);
                if (vm.pins() == 0) {
                    pinnedIndex.remove(vm);
                    assertThat(inUse(a).get(idx)).as(where + ": unpinned index stays in use").isTrue();
                }
            }
            checkGlobal(a, vms, running, pinnedIndex, where + " step " + step);
        }
        if (nVms >= 1 << bits) assertThat(a.rollovers()).as(where + ": reaches rollovers").isGreaterThan(0);
    }

    private static void checkGlobal(GenerationalVmidAllocator a, List<VmVmid> vms, VmVmid[] running,
                                    Map<VmVmid, Integer> pinnedIndex, String where) {
        // G-6: CPUs running different VMs run different indices; nobody runs index 0.
        for (int c = 0; c < running.length; c++) {
            if (running[c] == null) continue;
            assertThat(running[c].index()).as(where + ": runs index 0").isNotZero();
            for (int d = c + 1; d < running.length; d++) {
                if (running[d] != null && running[d] != running[c]) {
                    assertThat(running[d].index()).as(where + ": cpus " + c + "/" + d + " share an index")
                            .isNotEqualTo(running[c].index());
                }
            }
        }
        // KVM-6: pinned indices are stable, in use, and no other current VM has them.
        assertThat(a.pinnedCount()).isEqualTo(pinnedIndex.size()).isLessThanOrEqualTo(a.pinCap());
        BitSet used = inUse(a);
        for (var e : pinnedIndex.entrySet()) {
            assertThat(e.getKey().index()).as(where + ": pinned index moved").isEqualTo(e.getValue());
            assertThat(used.get(e.getValue())).isTrue();
        }
        // Within the current generation, VMIDs are unique and marked in use.
        long gen = a.currentGeneration();
        Map<Integer, VmVmid> owner = new HashMap<>();
        for (VmVmid vm : vms) {
            if (vm.generation() != gen) continue;
            assertThat(used.get(vm.index())).as(where).isTrue();
            VmVmid other = owner.put(vm.index(), vm);
            assertThat(other).as(where + ": two current VMs share index " + vm.index()).isNull();
        }
        for (var e : pinnedIndex.entrySet()) {
            VmVmid holder = owner.get(e.getValue());
            assertThat(holder == null || holder == e.getKey()).as(where + ": pinned index given away").isTrue();
        }
        assertThat(a.rollovers()).isEqualTo(gen - 1);
    }

    /**
     * Smoke test: two threads, one per CPU, load and put VMs from one shared pool (so VMs
     * have vCPUs on both CPUs and rollovers race with the fast path). Every few thousand
     * steps both threads meet at a barrier, whose action checks G-6 on the quiescent state;
     * and once more at the end. No timing is asserted.
     */
    @Test
    void g6_concurrentSmoke() throws Exception {
        var a = new GenerationalVmidAllocator(2, 3);
        List<VmVmid> vms = vms(a, 10);
        int rounds = 100;
        int perRound = 2_000;
        VmVmid[] current = new VmVmid[2];
        List<String> violations = new ArrayList<>();
        Runnable checkG6 = () -> {
            for (int c = 0; c < 2; c++) {
                if (current[c] != null && current[c].index() == 0) violations.add("cpu " + c + " runs index 0");
            }
            if (current[0] != null && current[1] != null && current[0] != current[1]
                    && current[0].index() == current[1].index()) {
                violations.add("both cpus run index " + current[0].index());
            }
        };
        CyclicBarrier barrier = new CyclicBarrier(2, checkG6);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            final int cpu = t;
            threads[t] = new Thread(() -> {
                try {
                    var rnd = new SplittableRandom(1000 + cpu);
                    for (int r = 0; r < rounds; r++) {
                        for (int i = 0; i < perRound; i++) {
                            if (rnd.nextInt(8) == 0) {
                                a.put(cpu);
                                current[cpu] = null;
                            } else {
                                VmVmid vm = vms.get(rnd.nextInt(vms.size()));
                                a.load(vm, cpu);
                                current[cpu] = vm;
                                int idx = vm.index();
                                if (idx <= 0 || idx >= 8) throw new AssertionError("bad index " + idx);
                            }
                        }
                        barrier.await(); // publishes current[cpu]; the action runs checkG6
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    barrier.reset();
                }
            }, "cpu-" + t);
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertThat(failure.get()).isNull();
        assertThat(violations).isEmpty();
        assertThat(a.rollovers()).isGreaterThan(0);
        // Quiescent: what each CPU has as active is its VM's index (or 0 after a rollover).
        for (int cpu = 0; cpu < 2; cpu++) {
            long w = a.activeWord(cpu);
            if (current[cpu] != null && w != 0) {
                assertThat((int) (w & 7)).isEqualTo(current[cpu].index());
            }
        }
    }

    /**
     * KVM-3/KVM-4 at widths whose in-use set spans several 64-bit words: next-fit hands out
     * every index 1..2^bits - 1 in order across the word boundaries, and only then rolls over.
     */
    @ParameterizedTest
    @ValueSource(ints = {6, 7, 8, 16})
    void kvm3_kvm4_indicesCrossWordBoundariesAndExhaustTheWholeSpace(int bits) {
        var a = new GenerationalVmidAllocator(1, bits);
        int max = (1 << bits) - 1;
        VmVmid vm = null;
        for (int i = 1; i <= max; i++) {
            vm = a.newVm();
            a.load(vm, 0);
            if (vm.index() != i || vm.generation() != 1)
                throw new AssertionError("bits " + bits + ": load " + i + " got " + vm);
        }
        assertThat(a.rollovers()).isZero();
        assertThat(inUse(a).cardinality()).isEqualTo(max);
        // Full: the next VM rolls over; CPU 0 runs index max, so that one stays, and the
        // search restarts at 1.
        VmVmid next = a.newVm();
        a.load(next, 0);
        assertThat(a.rollovers()).isEqualTo(1);
        assertThat(next.generation()).isEqualTo(2);
        assertThat(next.index()).isEqualTo(1);
        assertThat(inUse(a)).isEqualTo(bits(1, max));
        // The VM that ran index max at the rollover keeps it (KVM-3, reserved).
        a.load(vm, 0);
        assertThat(vm.index()).isEqualTo(max);
        assertThat(vm.generation()).isEqualTo(2);
        assertThat(a.rollovers()).isEqualTo(1);
    }

    @Test
    void plat3_oneVmidBitIsInRangeButTooFewForAnyCpu() {
        // 1 is a valid width, so the rejection names the rule that really fails.
        assertThatThrownBy(() -> new GenerationalVmidAllocator(1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PLAT-3");
        assertThatThrownBy(() -> new GenerationalVmidAllocator(1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..16");
        assertThatThrownBy(() -> new GenerationalVmidAllocator(1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..16");
    }

    @Test
    void vmVmidToStringShowsGenerationIndexAndPins() {
        var a = new GenerationalVmidAllocator(1, 2);
        List<VmVmid> vms = vms(a, 4);
        for (VmVmid vm : vms) a.load(vm, 0); // 1, 2, 3, then a rollover: the last gets (2, 1)
        VmVmid vm = vms.get(1);
        a.load(vm, 0); // generation 2, index 2
        assertThat(a.pin(vm)).isTrue();
        assertThat(vm.generation()).isEqualTo(2);
        assertThat(vm.index()).isEqualTo(2);
        assertThat(vm).hasToString("VmVmid(gen 2, idx 2, pins 1)");
        assertThat(vms.get(0)).hasToString("VmVmid(gen 1, idx 1, pins 0)");
        assertThat(a.newVm()).hasToString("VmVmid(gen 0, idx 0, pins 0)");
    }

    /** {@code load} returns the VMID word it installed, on the slow path and on the fast path. */
    @Test
    void kvm2_loadReturnsTheVmidItInstalled() {
        var a = new GenerationalVmidAllocator(2, 3);
        VmVmid vm = a.newVm();
        long slow = a.load(vm, 0);
        assertThat(a.generationOf(slow)).isEqualTo(1);
        assertThat(a.indexOf(slow)).isEqualTo(1);
        assertThat(slow).isEqualTo(a.activeWord(0)).isEqualTo((1L << 3) | 1);
        long fast = a.load(vm, 0);                    // current VM, non-zero active word: the fast path
        assertThat(fast).isEqualTo(slow).isEqualTo(a.activeWord(0));
        assertThat(a.indexOf(a.load(a.newVm(), 1))).isEqualTo(2);
    }

    /**
     * Every operation that takes the allocator lock lets go of it: another thread can take it right
     * after (the lock is reentrant, so the same thread could not tell).
     */
    @Test
    void everyOperationReleasesTheAllocatorLock() throws Exception {
        var a = new GenerationalVmidAllocator(2, 3);
        VmVmid vm = a.newVm();
        List<Runnable> ops = List.of(() -> a.load(vm, 0), () -> a.pin(vm), () -> a.pin(vm), () -> a.unpin(vm),
                a::pinnedCount, a::inUseIndices);
        for (Runnable op : ops) {
            op.run();
            Thread other = new Thread(a::pinnedCount, "other-cpu");
            other.setDaemon(true);
            other.start();
            other.join(10_000);
            assertThat(other.isAlive()).as("the lock is still held after an operation").isFalse();
        }
    }
}
