package dev.nestcheck.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Planted bugs with known minimal counterexamples, shared by the engine tests. */
final class Scenarios {

    private Scenarios() { }

    // ---------------------------------------------------------------- (a) sum of a list

    static final Generator<List<Integer>> INT_LISTS = Generators.lists(Generators.integers(0, 1000), 0, 100);

    /** Fails when the sum reaches 1000; the minimal counterexample is the one-element list [1000]. */
    static void sumStaysUnder1000(TestCase tc) {
        List<Integer> xs = INT_LISTS.generate(tc);
        tc.note("xs = " + xs);
        int sum = xs.stream().mapToInt(Integer::intValue).sum();
        if (sum >= 1000) {
            throw new AssertionError("sum " + sum + " >= 1000");
        }
    }

    // ---------------------------------------------------------------- (b) bounded queue

    static final int CAPACITY = 3;

    /** A ring buffer with an off-by-one: {@code offer} accepts a 4th element and overwrites the head. */
    static final class BuggyBoundedQueue {
        private final int[] buf = new int[CAPACITY];
        private int head;
        private int size;

        boolean offer(int v) {
            if (size > buf.length) {   // BUG: should be >=
                return false;
            }
            buf[(head + size) % buf.length] = v;
            size++;
            return true;
        }

        Integer poll() {
            if (size == 0) {
                return null;
            }
            int v = buf[head];
            head = (head + 1) % buf.length;
            size--;
            return v;
        }

        Integer peek() {
            return size == 0 ? null : buf[head];
        }

        int size() {
            return size;
        }

        /** Everything that determines future behaviour, as a value (for exhaustive fingerprints). */
        Object state() {
            return List.of(head, size, Arrays.toString(buf));
        }
    }

    /**
     * Model-based test of the queue: a sequence of offer(v)/poll/peek/size, each checked against an
     * ArrayDeque model. Notes record the operations. The minimal failure is four offers of 0.
     */
    static void boundedQueue(TestCase tc) {
        BuggyBoundedQueue q = new BuggyBoundedQueue();
        ArrayDeque<Integer> model = new ArrayDeque<>();
        tc.fingerprint(q.state());
        for (int step = 0; step < tc.maxSteps() && tc.weighted(0.9); step++) {
            switch (tc.pickWeighted(3, 2, 1, 1)) {
                case 0: {
                    int v = tc.between(0, 100);
                    tc.note("offer(" + v + ")");
                    tc.label("op", "offer");
                    boolean expected = model.size() < CAPACITY;
                    if (expected) {
                        model.add(v);
                    }
                    check(q.offer(v) == expected, "offer(" + v + ") on a queue of " + (model.size()) + " elements");
                    break;
                }
                case 1:
                    tc.note("poll()");
                    tc.label("op", "poll");
                    check(Objects.equals(q.poll(), model.poll()), "poll");
                    break;
                case 2:
                    tc.note("peek()");
                    tc.label("op", "peek");
                    check(Objects.equals(q.peek(), model.peek()), "peek");
                    break;
                default:
                    tc.note("size()");
                    tc.label("op", "size");
                    check(q.size() == model.size(), "size");
                    break;
            }
            tc.fingerprint(q.state());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("queue disagrees with model: " + what);
        }
    }

    // ---------------------------------------------------------------- (c) A then B then C

    static final List<String> OPS = List.of("noop", "read", "write", "A", "B", "C");

    /**
     * Fails once A, then later B, then later C happened; the other operations (one of which carries a
     * value, so noise comes in blocks of 2 and 3 choices) are irrelevant. About 20 operations per case.
     */
    static void threeInOrder(TestCase tc) {
        int stage = 0;
        List<String> seen = new ArrayList<>();
        while (tc.weighted(0.95)) {
            String op = tc.pick(OPS);
            if (op.equals("write")) {
                op = "write(" + tc.between(0, 50) + ")";
            }
            tc.note(op);
            seen.add(op);
            if (stage == 0 && op.equals("A") || stage == 1 && op.equals("B")) {
                stage++;
            } else if (stage == 2 && op.equals("C")) {
                throw new AssertionError("A, B, C happened in order: " + seen);
            }
        }
    }
    // ---------------------------------------------------------------- (d) use after delete

    /**
     * State-dependent generation: use/delete pick among the handles created so far, noise carries an
     * argument (3 choices per noise step). Fails when a deleted handle is used; the minimal counterexample
     * is create, delete(h0), use(h0).
     */
    static void useAfterDelete(TestCase tc) {
        List<boolean[]> deleted = new ArrayList<>();
        while (tc.weighted(0.95)) {
            switch (tc.pickWeighted(1, 1, 3, 2)) {
                case 0:
                    tc.note("noise(" + tc.between(0, 9) + ")");
                    break;
                case 1:
                    deleted.add(new boolean[1]);
                    tc.note("create -> h" + (deleted.size() - 1));
                    break;
                case 2: {
                    int h = (int) tc.choice(Math.max(0, deleted.size() - 1));
                    tc.assume(h < deleted.size());
                    tc.note("use(h" + h + ")");
                    if (deleted.get(h)[0]) {
                        throw new AssertionError("h" + h + " used after delete");
                    }
                    break;
                }
                default: {
                    int h = (int) tc.choice(Math.max(0, deleted.size() - 1));
                    tc.assume(h < deleted.size());
                    tc.note("delete(h" + h + ")");
                    deleted.get(h)[0] = true;
                    break;
                }
            }
        }
    }
}
