package dev.nestcheck.conformance;

import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs an implementation's {@code execute} and {@code snapshot} on one dedicated daemon worker
 * thread, each with a timeout, so that an implementation that hangs becomes a counterexample
 * ({@link Session} turns the {@link ImplementationHung} it throws into a CRASH at that step)
 * instead of a run that never ends. Exceptions and errors of the implementation propagate
 * unchanged (the same object).
 *
 * <p>Cost: one hand-off to the worker and back per step, because {@link #execute} also takes the
 * snapshot that the harness asks for next while the caller runs the model. Each wait spins
 * for up to 20 us, yielding now and then, before it parks: waking a parked thread costs tens
 * of microseconds on a virtual machine, more than an operation or the model's step takes
 * ({@code GuardBench} in the bench module measures a guarded step against a direct one). Use
 * {@link #factory}
 * for runs that create one implementation per test case: its guards share one worker thread
 * instead of starting a thread per case.
 *
 * <p>A hung call's thread cannot be stopped in Java: it is interrupted and abandoned (it is
 * a daemon, so it never keeps the JVM alive), and every later call on that guard fails at
 * once. A factory starts a fresh worker for the next implementation. An implementation that
 * hangs in a CPU loop (rather than blocking) keeps burning a core until the JVM exits.
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
        public synchronized NestingImplementation apply(Platform platform) {
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
