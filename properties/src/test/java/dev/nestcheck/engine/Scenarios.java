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

        /** Everything of the queue that determines its future behaviour, as a value (for exhaustive fingerprints). */
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
        tc.completeFingerprint(List.of(q.state(), List.copyOf(model)));
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
            tc.completeFingerprint(List.of(q.state(), List.copyOf(model)));   // queue and model: all that matters
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

    // ---------------------------------------------------------------- (e) a draw nobody uses

    /**
     * A value in 0..10^9 that must stay under 500, then a draw the property ignores. Minimum: choices
     * [500, 0]. Deleting the unused draw reads it back as 0 and changes nothing, which must not count
     * as progress (it used to count the value down one by one until the budget ran out).
     */
    static void underFiveHundredThenUnused(TestCase tc) {
        long v = tc.choice(1_000_000_000L);
        tc.choice(1_000_000_000L);
        if (v >= 500) {
            throw new AssertionError("v = " + v + " >= 500");
        }
    }

    // ---------------------------------------------------------------- (f) two equal values

    /**
     * Fails when two values in 0..10^9 are equal and at least 500. Minimum: [500, 500], reachable only by
     * lowering both together: lowering either alone makes them differ.
     */
    static void equalAndLarge(TestCase tc) {
        long x = tc.choice(1_000_000_000L);
        long y = tc.choice(1_000_000_000L);
        if (x == y && x >= 500) {
            throw new AssertionError("x = y = " + x);
        }
    }

    // ---------------------------------------------------------------- (g) mass between list elements

    /** A list element of two numbers: a tag 0..10 and a value 0..1000. */
    record Item(int tag, int value) { }

    static final Generator<List<Item>> ITEMS = Generators.lists(tc -> new Item(tc.between(0, 10), tc.between(0, 1000)),
            0, 20);

    /**
     * Fails when a list of two or more items has values summing to 1000 or more. Minimum: [(0,0), (0,1000)],
     * choices [1, 0, 0, 1, 0, 1000, 0]: the two values sit three choices apart, so only redistribution
     * at any distance can move the first one's mass into the second.
     */
    static void twoItemsSumTo1000(TestCase tc) {
        List<Item> items = tc.draw("items", ITEMS);
        int sum = items.stream().mapToInt(Item::value).sum();
        if (items.size() >= 2 && sum >= 1000) {
            throw new AssertionError("sum " + sum + " over " + items.size() + " items");
        }
    }

    // ---------------------------------------------------------------- (h) order of list elements

    /**
     * Fails when the list holds an item of tag 0 with value 9 or more and an item of tag 1. Tags are
     * drawn as a flag that is 1 nine times in ten, so a tag-1 item almost always comes first in the
     * generated list. Minimum: [(0,9), (1,0)], choices [1, 0, 9, 1, 1, 0, 0]; without reordering,
     * shrinking ends with the two the other way round, [(1,0), (0,9)], since no edit of single choices
     * or pairs of choices turns one into the other (lowering the first tag loses the tag-1 item, moving
     * mass loses the value): only reordering the list's elements (sibling spans) puts them in the
     * canonical order.
     */
    static void bigTagZeroAndTagOne(TestCase tc) {
        List<Item> items = tc.draw("items", Generators.lists(t -> new Item(t.weighted(0.9) ? 1 : 0, t.between(0, 10)),
                0, 20));
        boolean big = items.stream().anyMatch(i -> i.tag() == 0 && i.value() >= 9);
        boolean one = items.stream().anyMatch(i -> i.tag() == 1);
        if (big && one) {
            throw new AssertionError("a big tag-0 item and a tag-1 item: " + items);
        }
    }

    // ---------------------------------------------------------------- (i) references that survive deletion

    /** An object of the parent/child scenario: its kind, its parent (for a child) and its birth. */
    static final class Obj {
        final String kind;
        final Obj parent;
        final long birth;
        final int id;
        boolean live = true;

        Obj(String kind, Obj parent, long birth, int id) {
            this.kind = kind;
            this.parent = parent;
            this.birth = birth;
            this.id = id;
        }

        @Override
        public String toString() {
            return kind + id;
        }
    }

    /**
     * Allocations and destroys; a child's parent is drawn among the live parents, oldest first, and the
     * object to destroy among all live objects, newest first. The bug: a parent with a live child can be
     * destroyed. Minimum: alloc parent, alloc child of it, destroy the parent: choices
     * [1, 0, 1, 1, 0, 1, 3, 1]. Steps are spans. With references drawn by position, an unused allocation
     * made between the parent and the destroy cannot be deleted: the destroy's position would then name
     * another object. With {@link TestCase#pickRef} the shrinker re-points it.
     */
    static void parentDestroyedUnderChild(TestCase tc, boolean stableReferences) {
        List<Obj> objects = new ArrayList<>();
        while (true) {
            tc.startSpan();   // one step, its continue flag included, so that deleting it keeps the rest aligned
            if (!tc.weighted(0.9)) {
                break;
            }
            switch (tc.pickWeighted(3, 3, 2, 2)) {
                case 0:
                    objects.add(new Obj("parent", null, tc.birth(), objects.size()));
                    tc.note("alloc " + objects.get(objects.size() - 1));
                    break;
                case 1: {
                    List<Obj> parents = live(objects, "parent");
                    Obj p = stableReferences ? tc.pickRef(parents, o -> o.birth) : tc.pick(parents);
                    objects.add(new Obj("child", p, tc.birth(), objects.size()));
                    tc.note("alloc " + objects.get(objects.size() - 1) + " of " + p);
                    break;
                }
                case 2:
                    objects.add(new Obj("other", null, tc.birth(), objects.size()));
                    tc.note("alloc " + objects.get(objects.size() - 1));
                    break;
                default: {
                    List<Obj> all = live(objects, null);
                    java.util.Collections.reverse(all);   // newest first
                    Obj victim = stableReferences ? tc.pickRef(all, o -> o.birth) : tc.pick(all);
                    tc.note("destroy " + victim);
                    victim.live = false;
                    for (Obj o : objects) {
                        if (o.live && o.parent == victim) {
                            throw new AssertionError("destroyed " + victim + " while its child " + o + " lives");
                        }
                    }
                }
            }
            tc.endSpan();
        }
    }

    private static List<Obj> live(List<Obj> objects, String kind) {
        List<Obj> out = new ArrayList<>();
        for (Obj o : objects) {
            if (o.live && (kind == null || o.kind.equals(kind))) {
                out.add(o);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- (j) recursive expressions

    /** Arithmetic expressions, a recursive generator's classic. */
    interface Expr { }

    record Lit(int value) implements Expr { }

    record Add(Expr left, Expr right) implements Expr { }

    record Div(Expr left, Expr right) implements Expr { }

    static final Generator<Expr> EXPRS = Generators.recursive(tc -> new Lit(tc.between(0, 100)),
            self -> tc -> tc.bool() ? new Div(self.generate(tc), self.generate(tc))
                    : new Add(self.generate(tc), self.generate(tc)), 8);

    static long eval(Expr e) {
        if (e instanceof Lit) {
            return ((Lit) e).value();
        }
        if (e instanceof Add) {
            return eval(((Add) e).left()) + eval(((Add) e).right());
        }
        return eval(((Div) e).left()) / eval(((Div) e).right());
    }

    /**
     * Evaluates a random expression; fails (ArithmeticException) on a division by zero, often deep in
     * the tree. Minimum: Div(Lit 0, Lit 0), choices [1, 1, 0, 0, 0, 0]: only replacing a node by a
     * nested node of the same kind lifts the failing division to the root.
     */
    static void evaluates(TestCase tc) {
        eval(tc.draw("expr", EXPRS));
    }
}
