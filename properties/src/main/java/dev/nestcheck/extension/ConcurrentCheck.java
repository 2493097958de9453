package dev.nestcheck.extension;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Policy;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code nestcheck check --concurrent} runs: the concurrent conformance check, which lives in the
 * module {@code nestcheck-concurrency} (Lincheck, Kotlin) so that this module stays free of both. The CLI
 * finds an implementation of this interface with {@link java.util.ServiceLoader} when that module is on
 * the class path ({@code ./nestcheck} puts it there for {@code --concurrent}).
 */
public interface ConcurrentCheck {
    /**
     * @param mode      {@code model} (model checking) or {@code stress}
     * @param tries     scenarios per policy, or null for the default
     * @param time      a time budget instead, or null
     * @param reportDir where to write counterexamples, or null for {@code nestcheck-reports/<time>}
     * @param again     the words that run this check again, but for {@code --policy}: the launcher's path,
     *                  {@code check --concurrent=MODE --impl I}, and {@code --classpath CP} when one was given
     */
    record Request(ImplementationProvider provider, List<Policy> policies, long seed, Integer tries, Duration time,
                   Path reportDir, String mode, List<String> again) {
        /** A request whose replay commands name {@code ./nestcheck} and no class path. */
        public Request(ImplementationProvider provider, List<Policy> policies, long seed, Integer tries, Duration time,
                       Path reportDir, String mode) {
            this(provider, policies, seed, tries, time, reportDir, mode,
                    List.of("./nestcheck", "check", "--concurrent=" + mode, "--impl", provider.name()));
        }
    }

    /** Runs the check, prints its rows and result to {@code out}; returns the exit code (0, 1 or 3). */
    int run(Request request, PrintWriter out);

    /** As {@link #run(Request, PrintWriter)}, with progress (what starts, what was found) on {@code err}. */
    default int run(Request request, PrintWriter out, PrintWriter err) {
        return run(request, out);
    }
}
