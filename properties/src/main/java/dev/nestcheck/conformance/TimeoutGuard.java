package dev.nestcheck.conformance;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bounds every call of an implementation ({@code execute}, {@code snapshot}, creating it) by a
 * timeout, so that an implementation that hangs becomes a counterexample ({@link Session} turns the
 * {@link ImplementationHung} it throws into a CRASH at that step) instead of a run that never
 * ends. Exceptions and errors of the implementation propagate unchanged (the same object).
 *
 * <p>Two ways to guard, one result:
 * <ul>
 * <li><b>Per run</b> (what {@link Conformance#run} does with a {@link #factory}): the whole engine
 * run, search and shrinking, runs on one worker thread that calls the implementation directly;
 * each call only bumps a step counter. The calling thread is the watchdog: it looks at the counter
 * every few milliseconds and, when one call has been running for the timeout, abandons the
 * worker and runs the property again on a fresh one, deterministically, up to that call, which
 * then throws the same {@link ImplementationHung} without being made; from there on the run goes
 * on with the per-operation guard below (every later hang costs a timeout, as it must). One
 * hand-off per run instead of one per step ({@code GuardBench} measures both against a direct
 * run).</li>
 * <li><b>Per operation</b> (an instance of this class, and a {@link #factory}'s implementations
 * outside a guarded run, e.g. a trace replay): each call is handed to a dedicated daemon worker
 * thread and waited for. {@link #execute} also takes the snapshot that the harness asks for next
 * while the caller runs the model; each wait spins for up to 20 us, yielding now and then, before
 * it parks: waking a parked thread costs tens of microseconds on a virtual machine.</li>
 * </ul>
 *
 * <p>A hung call's thread cannot be stopped in Java: it is interrupted and abandoned (it is
 * a daemon, so it never keeps the JVM alive), and every later call on that guard fails at
 * once; should the call ever return, an abandoned run worker parks for good instead of going on.
 * A factory starts a fresh worker for the next implementation. An implementation that hangs in
 * a CPU loop (rather than blocking) keeps burning a core until the JVM exits.
 */
public final class TimeoutGuard implements NestingImplementation, AutoCloseable {
    /** The per-operation timeout when none is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** An operation of the guarded implementation did not return in time. The message is one line. */
    public static final class ImplementationHung extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ImplementationHung(String message) {
            super(message, null, false, false);
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final NestingImplementation delegate;
    private final long timeoutNanos;
    private final Worker worker;
    private final Cleaner.Cleanable cleanable;
    private volatile String hung;
    private Chain prefetched;
    private String lastOp = "nothing";

    /** Guards {@code delegate} with the default timeout on a worker thread of its own. */
    public TimeoutGuard(NestingImplementation delegate) {
        this(delegate, DEFAULT_TIMEOUT);
    }

    /** Guards {@code delegate} with {@code timeout} per operation on a worker thread of its own. */
    public TimeoutGuard(NestingImplementation delegate, Duration timeout) {
        this(delegate, positiveNanos(timeout), new Worker(), true);
    }

    private TimeoutGuard(NestingImplementation delegate, long timeoutNanos, Worker worker, boolean ownsWorker) {
        if (delegate == null) throw new IllegalArgumentException("TimeoutGuard: no implementation to guard");
        this.delegate = delegate;
        this.timeoutNanos = timeoutNanos;
        this.worker = worker;
        // an owned worker is stopped when the guard is closed or becomes unreachable
        this.cleanable = ownsWorker ? CLEANER.register(this, worker::shutdown) : null;
    }

    /**
     * A factory whose implementations are created and run on one shared worker thread, each
     * call with {@code timeout}; a hang while creating one throws {@link ImplementationHung}.
     * A zero or negative timeout means no guard: the factory is returned unchanged.
     */
    public static Function<Platform, NestingImplementation> factory(Function<Platform, NestingImplementation> factory,
                                                                    Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) return factory;
        return new GuardedFactory(factory, timeout.toNanos());
    }

    /** The guarded implementation (for tests and diagnostics). */
    public NestingImplementation delegate() {
        return delegate;
    }

    /**
     * Runs the operation, and then, on the worker, takes the snapshot that a conformance
     * harness asks for next, so that {@link #snapshot()} usually finds it ready: one hand-off
     * per step instead of two.
     */
    @Override
    public Outcome execute(Op op) {
        checkNotHung("execute(" + op.name() + ")");
        Chain c = worker.post(timeoutNanos, this, () -> delegate.execute(op), delegate::snapshot);
        prefetched = null;
        Outcome out = worker.await(c, 0, timeoutNanos, "execute(" + op.name() + ")", this);
        prefetched = c;
        lastOp = op.name();
        return out;
    }

    @Override
    public Snapshot snapshot() {
        Chain c = prefetched;
        if (c != null) {
            prefetched = null;
            checkNotHung("snapshot()");
            return worker.await(c, 1, timeoutNanos, "snapshot() after " + lastOp, this);
        }
        checkNotHung("snapshot()");
        Chain single = worker.post(timeoutNanos, this, delegate::snapshot);
        return worker.await(single, 0, timeoutNanos, "snapshot()", this);
    }

    /** The guarded implementation's fingerprint (exploration), under the same timeout. */
    @Override
    public Object stateFingerprint() {
        checkNotHung("stateFingerprint()");
        Chain single = worker.post(timeoutNanos, this, delegate::stateFingerprint);
        return worker.await(single, 0, timeoutNanos, "stateFingerprint()", this);
    }

    /** Stops the worker thread if this guard owns it; later calls fail. Idempotent. */
    @Override
    public void close() {
        if (cleanable != null) cleanable.clean();
    }

    private void checkNotHung(String what) {
        String h = hung;
        if (h != null) throw new ImplementationHung("implementation hung earlier (" + h + "); " + what + " not run");
    }

    private static long positiveNanos(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative())
            throw new IllegalArgumentException("TimeoutGuard: the timeout must be positive, got " + timeout);
        return timeout.toNanos();
    }

    static String millis(long nanos) {
        long ms = nanos / 1_000_000;
        return ms >= 1000 && ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    // ------------------------------------------------------------------ the shared-worker factory

    private static final class GuardedFactory implements Function<Platform, NestingImplementation> {
        private final Function<Platform, NestingImplementation> factory;
        private final long timeoutNanos;
        private Worker worker;

        GuardedFactory(Function<Platform, NestingImplementation> factory, long timeoutNanos) {
            this.factory = factory;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public NestingImplementation apply(Platform platform) {
            Thread t = Thread.currentThread();
            if (t instanceof RunWorker && ((RunWorker) t).watching()) return ((RunWorker) t).create(factory, platform, timeoutNanos);
            return applyPerOperation(platform);
        }

        private synchronized NestingImplementation applyPerOperation(Platform platform) {
            if (worker == null || worker.abandoned) {
                worker = new Worker();
                // the factory may live long (a whole run); its worker stops when the factory is collected
                Worker w = worker;
                CLEANER.register(this, w::shutdown);
            }
            Chain c = worker.post(timeoutNanos, null, () -> factory.apply(platform));
            NestingImplementation impl = worker.await(c, 0, timeoutNanos, "creating the implementation", null);
            return impl == null ? null : new TimeoutGuard(impl, timeoutNanos, worker, false);
        }
    }

    // ------------------------------------------------------------------ the guarded run

    /** What {@link #runGuarded} needs from a run: its body, and a reset of its counters before it starts over. */
    interface GuardedRun<T> {
        T run();

        /** Called before the run starts over after a hang: counters of the abandoned attempt must not count. */
        void restart();
    }

    /** Whether {@code factory} is a {@link #factory} with a timeout, i.e. worth a guarded run. */
    static boolean guards(Function<Platform, NestingImplementation> factory) {
        return factory instanceof GuardedFactory && !(Thread.currentThread() instanceof RunWorker);
    }

    /** Start-overs after which a run is guarded per operation from its first call (an implementation whose calls differ from run to run). */
    static final int MAX_RESTARTS = 3;

    /**
     * Runs {@code run} on a worker thread whose calls of the implementations of {@link #factory}s
     * are watched (see the class comment), the calling thread being the watchdog; returns its
     * result or rethrows what it threw.
     */
    static <T> T runGuarded(GuardedRun<T> run) {
        List<Hang> hangs = new ArrayList<>();
        while (true) {
            RunWorker<T> w = new RunWorker<>(run::run, hangs, hangs.size() >= MAX_RESTARTS);
            w.start();
            Hang h = w.watch();
            if (h == null) return w.result();
            hangs.add(h);
            run.restart();
        }
    }

    /** A call that hung in an abandoned run: its index among the run's calls and what it was. */
    private static final class Hang {
        final long call;
        final String what;
        final long timeoutNanos;

        Hang(long call, String what, long timeoutNanos) {
            this.call = call;
            this.what = what;
            this.timeoutNanos = timeoutNanos;
        }
    }

    /** What a watched call is: read by the watchdog only when the call overran. */
    private static final int CREATE = 0, EXECUTE = 1, SNAPSHOT = 2, FINGERPRINT = 3;

    /**
     * The thread of a guarded run. {@code state} is twice the number of calls started, plus one while a
     * call runs; the worker publishes it with release stores only (no fence, no clock read per call), the
     * watchdog reads it every few milliseconds.
     */
    private static final class RunWorker<T> extends Thread {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(RunWorker.class, "state", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Supplier<T> body;
        private final List<Hang> knownHangs;
        private final Thread watchdog;
        @SuppressWarnings("unused") // through STATE
        private long state;
        /** Set when a known hang was replayed (or from the start, after too many restarts): per-operation guards from then on. */
        private boolean perOperation;
        // the call in progress, for the watchdog's message (written before the release store of state)
        private int kind;
        private Object subject;   // the Op, or the previous Op of a snapshot
        private long timeoutNanos;
        private volatile boolean abandoned;
        private volatile boolean finished;
        private T result;
        private Throwable error;

        RunWorker(Supplier<T> body, List<Hang> knownHangs, boolean perOperation) {
            super("nestcheck-run-" + THREADS.incrementAndGet());
            setDaemon(true);
            this.body = body;
            this.knownHangs = List.copyOf(knownHangs);
            this.perOperation = perOperation;
            this.watchdog = Thread.currentThread();
        }

        boolean watching() {
            return !perOperation;
        }

        @Override
        public void run() {
            try {
                result = body.get();
            } catch (Throwable e) {
                error = e;
            }
            if (abandoned) parkForGood();
            finished = true;
            LockSupport.unpark(watchdog);
        }

        T result() {
            if (error != null) throw TimeoutGuard.<RuntimeException>sneaky(error);
            return result;
        }

        /**
         * Waits for the run to finish, looking at its calls every few milliseconds; returns null when it
         * finished, or the call that overran its timeout (the worker is then abandoned).
         */
        Hang watch() {
            long seen = -1, since = 0, poll = 2_000_000L;
            while (!finished) {
                LockSupport.parkNanos(this, poll);
                if (Thread.interrupted()) {
                    abandon();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while checking");
                }
                if (finished) break;
                long s = (long) STATE.getAcquire(this);
                long now = System.nanoTime();
                if ((s & 1) == 0) continue;
                long timeout = timeoutNanos;   // the running call's (written before its release store)
                // looks often enough that a hang is reported within a few percent of its timeout
                poll = Math.max(1_000_000L, Math.min(5_000_000L, timeout / 20));
                if (s != seen) {   // first seen running now: it started since the previous look
                    seen = s;
                    since = now;
                    continue;
                }
                if (now - since >= timeout) {
                    Hang h = new Hang(s >> 1, what(), timeout);
                    if (finished || (long) STATE.getAcquire(this) != s) continue;   // it returned just now
                    abandon();
                    return h;
                }
            }
            return null;
        }

        private void abandon() {
            abandoned = true;
            interrupt();
        }

        private String what() {
            switch (kind) {
                case CREATE: return "creating the implementation";
                case EXECUTE: return "execute(" + ((Op) subject).name() + ")";
                case FINGERPRINT: return "stateFingerprint()";
                default: return subject == null ? "snapshot()" : "snapshot() after " + ((Op) subject).name();
            }
        }

        /**
         * Starts a watched call: counts it, and throws the hang of an abandoned run at the call that hung
         * there (the same call, the run being deterministic), switching to per-operation guards.
         */
        private void enter(int kind, Object subject, long timeoutNanos) {
            this.kind = kind;
            this.subject = subject;
            this.timeoutNanos = timeoutNanos;
            long s = (long) STATE.get(this) + 1;
            STATE.setRelease(this, s);
            if (!knownHangs.isEmpty()) {
                for (Hang h : knownHangs) {
                    if (h.call == s >> 1 && h.what.equals(what())) {
                        perOperation = true;
                        STATE.setRelease(this, s + 1);
                        throw new ImplementationHung("implementation hung: " + h.what + " did not return within "
                                + millis(h.timeoutNanos) + " (worker thread abandoned)");
                    }
                }
            }
        }

        private void exit() {
            STATE.setRelease(this, (long) STATE.get(this) + 1);
            if (abandoned) parkForGood();
        }

        /** An abandoned run must not go on (its engine would run cases nobody reads, and touch shared counters). */
        private void parkForGood() {
            while (true) LockSupport.park(this);
        }

        NestingImplementation create(Function<Platform, NestingImplementation> factory, Platform platform, long timeoutNanos) {
            NestingImplementation impl;
            enter(CREATE, null, timeoutNanos);
            try {
                impl = factory.apply(platform);
            } finally {
                exit();
            }
            return impl == null ? null : new Watched(impl, this, timeoutNanos);
        }
    }

    /** An implementation called directly on its run's worker, each call counted for the watchdog. */
    private static final class Watched implements NestingImplementation {
        private final NestingImplementation delegate;
        private final RunWorker<?> worker;
        private final long timeoutNanos;
        private Op lastOp;
        private String hung;

        Watched(NestingImplementation delegate, RunWorker<?> worker, long timeoutNanos) {
            this.delegate = delegate;
            this.worker = worker;
            this.timeoutNanos = timeoutNanos;
        }

        @Override
        public Outcome execute(Op op) {
            checkNotHung("execute(" + op.name() + ")");
            lastOp = null;
            try {
                worker.enter(EXECUTE, op, timeoutNanos);
            } catch (ImplementationHung e) {
                hung = "execute(" + op.name() + ") did not return within " + millis(timeoutNanos);
                throw e;
            }
            try {
                Outcome out = delegate.execute(op);
                lastOp = op;
                return out;
            } finally {
                worker.exit();
            }
        }

        @Override
        public Snapshot snapshot() {
            checkNotHung("snapshot()");
            Op after = lastOp;
            lastOp = null;   // as the per-operation guard names it: "after" only for the snapshot that follows an execute
            try {
                worker.enter(SNAPSHOT, after, timeoutNanos);
            } catch (ImplementationHung e) {
                hung = (after == null ? "snapshot()" : "snapshot() after " + after.name()) + " did not return within "
                        + millis(timeoutNanos);
                throw e;
            }
            try {
                return delegate.snapshot();
            } finally {
                worker.exit();
            }
        }

        @Override
        public Object stateFingerprint() {
            checkNotHung("stateFingerprint()");
            try {
                worker.enter(FINGERPRINT, null, timeoutNanos);
            } catch (ImplementationHung e) {
                hung = "stateFingerprint() did not return within " + millis(timeoutNanos);
                throw e;
            }
            try {
                return delegate.stateFingerprint();
            } finally {
                worker.exit();
            }
        }

        private void checkNotHung(String what) {
            if (hung != null) throw new ImplementationHung("implementation hung earlier (" + hung + "); " + what + " not run");
        }
    }

    // ------------------------------------------------------------------ the worker thread

    /**
     * Tasks the worker runs one after the other; {@code done} counts the finished ones. When a
     * task throws, the later ones are skipped. Written by the worker, read by the caller after
     * reading {@code done} (a volatile), which orders the plain array writes before it.
     */
    private static final class Chain {
        final Supplier<?>[] tasks;
        final Object[] results;
        final Throwable[] errors;
        final Thread waiter;
        volatile int done;

        Chain(Supplier<?>[] tasks) {
            this.tasks = tasks;
            this.results = new Object[tasks.length];
            this.errors = new Throwable[tasks.length];
            this.waiter = Thread.currentThread();
        }
    }

    /**
     * One daemon thread that runs one chain of tasks at a time. The caller posts a chain and
     * waits for the result it needs (a short spin, then park until the deadline); the worker
     * waits for chains the same way.
     */
    private static final class Worker implements Runnable {
        /**
         * How long either side spins before it parks. An operation plus its snapshot, and the
         * caller's own work between two operations (the model, the comparison), each take a few
         * microseconds, while waking a parked thread costs tens on a virtual machine; so both
         * sides spin through that gap and park only when the other side is really slow.
         */
        private static final long SPIN_NANOS = 20_000;

        private final Thread thread;
        private volatile Chain current;
        private volatile boolean stopped;
        volatile boolean abandoned;

        Worker() {
            thread = new Thread(this, "nestcheck-guard-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits for the previous chain to finish (a prefetch nobody asked for), then starts this one. */
        Chain post(long timeoutNanos, TimeoutGuard guard, Supplier<?>... tasks) {
            if (abandoned || stopped)
                throw new ImplementationHung("implementation worker is " + (stopped ? "closed" : "abandoned after a hang"));
            Chain prev = current;
            if (prev != null && prev.done < prev.tasks.length)
                awaitDone(prev, prev.tasks.length - 1, timeoutNanos, "snapshot() taken after the previous operation", guard);
            Chain c = new Chain(tasks);
            current = c;
            LockSupport.unpark(thread);
            return c;
        }

        /** The result of task {@code i} of the chain, its exception rethrown, or ImplementationHung. */
        @SuppressWarnings("unchecked")
        <T> T await(Chain c, int i, long timeoutNanos, String what, TimeoutGuard guard) {
            awaitDone(c, i, timeoutNanos, what, guard);
            Throwable e = c.errors[i];
            if (e != null) throw TimeoutGuard.<RuntimeException>sneaky(e);
            return (T) c.results[i];
        }

        /** Waits until task {@code i} of the chain has finished (or was skipped), or throws ImplementationHung. */
        void awaitDone(Chain c, int i, long timeoutNanos, String what, TimeoutGuard guard) {
            if (c.done <= i) {
                long start = System.nanoTime();
                long deadline = start + timeoutNanos;
                spin(() -> c.done > i, start);
                while (c.done <= i) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    LockSupport.parkNanos(this, left);
                    if (Thread.currentThread().isInterrupted()) break;
                }
                if (c.done <= i) {
                    abandoned = true;
                    thread.interrupt();
                    String msg = Thread.currentThread().isInterrupted()
                            ? "interrupted while waiting for " + what
                            : what + " did not return within " + millis(timeoutNanos) + " (worker thread abandoned)";
                    if (guard != null) guard.hung = what + " did not return within " + millis(timeoutNanos);
                    throw new ImplementationHung("implementation hung: " + msg);
                }
            }
        }

        @Override
        public void run() {
            Chain last = null;
            while (!stopped && !abandoned) {
                Chain c = current;
                if (c == null || c == last) {
                    spin(() -> current != c || stopped, System.nanoTime());
                    if (current == c && !stopped) LockSupport.park(this);
                    continue;
                }
                last = c;
                for (int i = 0; i < c.tasks.length; i++) {
                    try {
                        c.results[i] = c.tasks[i].get();
                    } catch (Throwable e) {
                        c.errors[i] = e;
                        c.done = c.tasks.length;   // a failed task ends the chain: later ones are not run
                        LockSupport.unpark(c.waiter);
                        break;
                    }
                    if (abandoned) return;   // the caller gave up on this chain
                    c.done = i + 1;
                    LockSupport.unpark(c.waiter);
                }
            }
        }

        /** Spins until {@code ready} holds or {@link #SPIN_NANOS} have passed since {@code start}. */
        private static void spin(java.util.function.BooleanSupplier ready, long start) {
            for (int n = 1; !ready.getAsBoolean(); n++) {
                if ((n & 63) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                if (System.nanoTime() - start > SPIN_NANOS) return;
                Thread.yield();   // lets a runnable thread (the JIT compiler, early on) have the core
            }
        }

        void shutdown() {
            stopped = true;
            LockSupport.unpark(thread);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
