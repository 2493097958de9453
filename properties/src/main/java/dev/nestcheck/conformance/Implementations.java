package dev.nestcheck.conformance;

import dev.nestcheck.spec.ImplementationProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Implementations found by name through {@link ServiceLoader} ({@code model}, {@code optimized}, and
 * plugged ones): on the class path, plus the entries of {@code -Dnestcheck.classpath} (see
 * {@link PluginClassPath}), or through a class loader the caller gives (the CLI's {@code --classpath}).
 */
public final class Implementations {
    /** The name under which the reference model registers itself. */
    public static final String MODEL = "model";
    /** The bundled optimized implementation. */
    public static final String OPTIMIZED = "optimized";
    /** System property: more class path entries to find implementations in (jars, folders, DIR/*). */
    public static final String CLASSPATH_PROPERTY = "nestcheck.classpath";

    private static volatile Registry cached;

    /** The providers one class loader sees, and the providers that failed to load (one line each). */
    private record Registry(Map<String, ImplementationProvider> byName, List<String> errors) {
    }

    private Implementations() {
    }

    /** Every provider on the class path (and {@code -Dnestcheck.classpath}), by name. */
    public static Map<String, ImplementationProvider> all() {
        return registry().byName();
    }

    /** Every provider that {@code loader} sees, by name (not cached). */
    public static Map<String, ImplementationProvider> all(ClassLoader loader) {
        return load(loader).byName();
    }

    /**
     * The provider of that name, or an IllegalArgumentException whose message lists the known names.
     * {@code exec:COMMAND [ARGS]} names a child process speaking the process protocol (docs/PROTOCOL.md).
     */
    public static ImplementationProvider named(String name) {
        return named(name, registry());
    }

    /** As {@link #named(String)}, among the providers that {@code loader} sees. */
    public static ImplementationProvider named(String name, ClassLoader loader) {
        return named(name, load(loader));
    }

    private static ImplementationProvider named(String name, Registry r) {
        if (dev.nestcheck.process.ExecProvider.isExec(name)) return dev.nestcheck.process.ExecProvider.of(name);
        ImplementationProvider p = r.byName().get(name);
        if (p != null) return p;
        String known = "unknown implementation \"" + name + "\"; known: " + new ArrayList<>(r.byName().keySet());
        if (!r.errors().isEmpty()) known += "; not loaded: " + String.join("; ", r.errors());
        else if (System.getProperty(CLASSPATH_PROPERTY) == null)
            known += " (a jar of yours: put it on the class path, e.g. --classpath JAR or -D" + CLASSPATH_PROPERTY + "=JAR)";
        throw new IllegalArgumentException(known);
    }

    public static ImplementationProvider model() {
        return named(MODEL);
    }

    public static List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    private static Registry registry() {
        Registry r = cached;
        if (r == null) {
            ClassLoader parent = Thread.currentThread().getContextClassLoader();
            if (parent == null) parent = Implementations.class.getClassLoader();
            String extra = System.getProperty(CLASSPATH_PROPERTY);
            ClassLoader loader = extra == null || extra.isBlank() ? parent
                    : PluginClassPath.loader(PluginClassPath.entries(List.of(extra)), parent);
            r = load(loader);
            cached = r;
        }
        return r;
    }

    /** Loads every provider; one that cannot be loaded is reported, not thrown, so the others stay usable. */
    private static Registry load(ClassLoader loader) {
        Map<String, ImplementationProvider> m = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        Iterator<ImplementationProvider> it = ServiceLoader.load(ImplementationProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                ImplementationProvider p = it.next();
                m.putIfAbsent(p.name(), p);
            } catch (ServiceConfigurationError | LinkageError e) {
                errors.add(oneLine(e));
                if (errors.size() > 20) break;   // a broken iterator may keep failing
            }
        }
        return new Registry(m, errors);
    }

    private static String oneLine(Throwable e) {
        String s = String.valueOf(e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) s += ": " + c;
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
