package dev.nestcheck.extension;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the {@link ConcurrentCheck} on the class path, or says in one line how to get it. */
public final class ConcurrentChecks {
    private ConcurrentChecks() {
    }

    /**
     * Runs the concurrent check.
     *
     * @throws IllegalArgumentException with one line when the mode is unknown or the concurrency module
     *                                  is not on the class path
     */
    public static int run(ConcurrentCheck.Request request, PrintWriter out) {
        return run(request, out, new PrintWriter(System.err, true));
    }

    /** As {@link #run(ConcurrentCheck.Request, PrintWriter)}, with progress and interrupt notes to {@code err}. */
    public static int run(ConcurrentCheck.Request request, PrintWriter out, PrintWriter err) {
        if (!request.mode().equals("model") && !request.mode().equals("stress"))
            throw new IllegalArgumentException("--concurrent takes model or stress, got '" + request.mode() + "'");
        Iterator<ConcurrentCheck> it = ServiceLoader.load(ConcurrentCheck.class).iterator();
        if (!it.hasNext())
            throw new IllegalArgumentException("--concurrent needs the nestcheck-concurrency module on the class path"
                    + " (./nestcheck adds concurrency/target/nestcheck-concurrency-all.jar for --concurrent)");
        return it.next().run(request, out, err);
    }
}
