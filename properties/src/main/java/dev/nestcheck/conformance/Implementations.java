package dev.nestcheck.conformance;

import dev.nestcheck.spec.ImplementationProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;

/** Implementations found by name through {@link ServiceLoader} ({@code model}, {@code optimized}, and plugged ones). */
public final class Implementations {
    /** The name under which the reference model registers itself. */
    public static final String MODEL = "model";
    /** The bundled optimized implementation. */
    public static final String OPTIMIZED = "optimized";

    private static volatile Map<String, ImplementationProvider> byName;

    private Implementations() {
    }

    /** Every provider on the class path, by name. */
    public static Map<String, ImplementationProvider> all() {
        Map<String, ImplementationProvider> m = byName;
        if (m == null) {
            m = new TreeMap<>();
            for (ImplementationProvider p : ServiceLoader.load(ImplementationProvider.class)) m.putIfAbsent(p.name(), p);
            byName = m;
        }
        return m;
    }

    /**
     * The provider of that name, or an IllegalArgumentException whose message lists the known names.
     * {@code exec:COMMAND [ARGS]} names a child process speaking the process protocol (docs/PROTOCOL.md).
     */
    public static ImplementationProvider named(String name) {
        if (dev.nestcheck.process.ExecProvider.isExec(name)) return dev.nestcheck.process.ExecProvider.of(name);
        ImplementationProvider p = all().get(name);
        if (p == null)
            throw new IllegalArgumentException("unknown implementation \"" + name + "\"; known: " + new ArrayList<>(all().keySet()));
        return p;
    }

    public static ImplementationProvider model() {
        return named(MODEL);
    }

    public static List<String> names() {
        return new ArrayList<>(all().keySet());
    }
}
