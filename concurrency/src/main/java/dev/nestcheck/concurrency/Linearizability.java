package dev.nestcheck.concurrency;

import java.util.ArrayList;
import java.util.List;

/**
 * Our own linearizability check over outcomes: is there one sequential order of the parallel branches'
 * operations, consistent with each branch's program order and with real time (an operation that finished
 * before another started stays before it), in which the sequential specification gives every operation
 * the outcome it had? Used for Lincheck's histories (through {@code verifier}) and for stress runs alike,
 * so both modes decide the same question the same way.
 *
 * <p>The search is a depth-first walk over the interleavings of the branches; each node replays the
 * prefix, the order so far and (at the leaves) the post part on a fresh specification, so the
 * specification needs no copy or undo, and a mismatch prunes the subtree. Branches are a few operations
 * long, so at most a few thousand orders exist.
 */
public final class Linearizability {

    /** One completed operation: which branch, its position there, and how many operations of each branch had finished when it started. */
    public record Event(int thread, int index, int[] startedAfter) {
    }

    /** Replays operations on a fresh specification and compares their outcomes with the recorded ones. */
    public interface Replay {
        /**
         * Runs the prefix, then {@code order}, then (when {@code complete}) the post part, comparing each
         * outcome; returns how many operations of {@code order} matched (all of them: {@code order.size()})
         * and, at a mismatch or a post-part difference, one line saying what differed.
         */
        Verdict replay(List<Event> order, boolean complete);
    }

    public record Verdict(int matched, String mismatch) {
        public static Verdict ok(int matched) {
            return new Verdict(matched, null);
        }
    }

    /** The outcome of the search: a witness order, or the order that came closest and why it failed. */
    public record Result(boolean linearizable, List<Event> order, String why) {
    }

    private Linearizability() {
    }

    /**
     * @param branches the operations of each parallel branch, in program order (each event's
     *                 {@code startedAfter[t]} counts the operations of branch t finished before it began)
     */
    public static Result check(List<List<Event>> branches, Replay replay) {
        Search s = new Search(branches, replay);
        boolean ok = s.walk(new int[branches.size()], new ArrayList<>());
        return ok ? new Result(true, s.witness, null) : new Result(false, s.closest, s.closestWhy);
    }

    private static final class Search {
        final List<List<Event>> branches;
        final Replay replay;
        List<Event> witness;
        List<Event> closest = List.of();
        String closestWhy = "no order of the branches matches";
        int closestLength = -1;

        Search(List<List<Event>> branches, Replay replay) {
            this.branches = branches;
            this.replay = replay;
        }

        boolean walk(int[] next, List<Event> order) {
            boolean complete = true;
            for (int t = 0; t < branches.size(); t++)
                if (next[t] < branches.get(t).size()) complete = false;
            Verdict v = replay.replay(order, complete);
            if (v.mismatch() != null || v.matched() < order.size()) {
                if (v.matched() > closestLength) {
                    closestLength = v.matched();
                    closest = List.copyOf(order);
                    closestWhy = v.mismatch();
                }
                return false;
            }
            if (complete) {
                witness = List.copyOf(order);
                return true;
            }
            for (int t = 0; t < branches.size(); t++) {
                if (next[t] >= branches.get(t).size()) continue;
                Event e = branches.get(t).get(next[t]);
                if (!mayGoNext(e, next)) continue;
                next[t]++;
                order.add(e);
                if (walk(next, order)) return true;
                order.remove(order.size() - 1);
                next[t]--;
            }
            return false;
        }

        /** Real time: every operation that finished before {@code e} started is already placed. */
        private static boolean mayGoNext(Event e, int[] next) {
            for (int u = 0; u < next.length; u++)
                if (u != e.thread() && e.startedAfter() != null && u < e.startedAfter().length
                        && next[u] < e.startedAfter()[u])
                    return false;
            return true;
        }
    }
}
