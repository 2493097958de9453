package dev.nestcheck.process;

import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An implementation that runs as a child process: {@code exec:COMMAND [ARGS]} wherever an
 * implementation name is accepted ({@code --impl}, {@code -Dnestcheck.impl}, the TCK's
 * {@code ByNameVerification}). The command is split at spaces as a shell splits it; quotes and
 * backslashes keep spaces in an argument. It is run from the current directory, found through PATH when it has
 * no slash.
 *
 * <p>One child serves many test cases: each case starts with a {@code create} request. A child
 * belongs to one thread (a conformance run uses an implementation from one thread), so parallel
 * runs get one child each. A child that fails is killed; the next case starts a new one.
 */
public final class ExecProvider implements ImplementationProvider {
    /** What an implementation name starts with to be run as a child process. */
    public static final String PREFIX = "exec:";
    /** The per-answer timeout unless told otherwise: {@code -Dnestcheck.timeout}, else 2 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** A child may take longer to start (a JVM, a sanitizer build): its handshake gets at least this. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    private static final Map<String, ExecProvider> CACHE = new ConcurrentHashMap<>();

    private final String spec;
    private final List<String> command;
    private final Duration timeout;
    /** This thread's child, in a holder whose collection (the thread ended) closes the child. */
    private final ThreadLocal<Holder> children = new ThreadLocal<>();
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    private volatile Child.Handshake handshake;

    private ExecProvider(String spec, List<String> command, Duration timeout) {
        this.spec = spec;
        this.command = command;
        this.timeout = timeout;
    }

    public static boolean isExec(String name) {
        return name != null && name.startsWith(PREFIX);
    }

    /**
     * The provider of an {@code exec:} name, the same object for the same name (so that the
     * children it started are reused).
     *
     * @throws IllegalArgumentException with a one-line message when there is no command
     */
    public static ExecProvider of(String name) {
        if (!isExec(name)) throw new IllegalArgumentException("not an exec: implementation: " + name);
        return CACHE.computeIfAbsent(name.strip(), n -> {
            List<String> given = split(n.substring(PREFIX.length())), command = absolutePaths(given);
            String spec = command.equals(given) ? n : PREFIX + String.join(" ", command.stream().map(ExecProvider::quote).toList());
            return new ExecProvider(spec, command, defaultTimeout());
        });
    }

    /**
     * The words that name files of the current directory, made absolute, so that the replay
     * commands of a report ({@code --impl exec:...}) work pasted from any directory: a command
     * with a slash ({@code ./my-impl}), and an argument with a slash or a dot that names an
     * existing file ({@code impl.py}, {@code build/impl.jar}). The child runs from the current
     * directory either way.
     */
    static List<String> absolutePaths(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            boolean pathLike = w.contains("/") || (i > 0 && w.contains(".") && !w.startsWith("-"));
            Path p = pathLike && !w.isEmpty() ? Path.of(w) : null;
            out.add(p != null && !p.isAbsolute() && Files.exists(p) ? p.toAbsolutePath().normalize().toString() : w);
        }
        return List.copyOf(out);
    }

    /** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
    static String quote(String w) {
        return !w.isEmpty() && w.matches("[A-Za-z0-9_@%+=:,./-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
    }

    /** The same command with another per-answer timeout (a provider of its own, with its own children). */
    public ExecProvider withTimeout(Duration t) {
        if (t == null || t.isZero() || t.isNegative()) t = Duration.ofDays(1);
        return t.equals(timeout) ? this : new ExecProvider(spec, command, t);
    }

    static Duration defaultTimeout() {
        String v = System.getProperty("nestcheck.timeout");
        if (v == null || v.isBlank()) return DEFAULT_TIMEOUT;
        return dev.nestcheck.engine.Settings.parseDuration("nestcheck.timeout", v);
    }

    /**
     * Splits a command line at unquoted spaces as a POSIX shell does (no expansions): quotes group,
     * a backslash outside quotes keeps the next character ({@code my\ impl}), and inside double
     * quotes it keeps {@code "}, {@code \}, {@code $} and {@code `}.
     */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean any = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean next = i + 1 < line.length();
            if (quote == '\'') {
                if (c == quote) quote = 0;
                else cur.append(c);
            } else if (quote == '"') {
                if (c == quote) quote = 0;
                else if (c == '\\' && next && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) cur.append(line.charAt(++i));
                else cur.append(c);
            } else if (c == '\\' && next) {
                cur.append(line.charAt(++i));
                any = true;
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("exec: unbalanced " + quote + " in " + Json.quote(line));
        if (any || cur.length() > 0) out.add(cur.toString());
        if (out.isEmpty()) throw new IllegalArgumentException("exec: needs a command, e.g. exec:./my-impl --flag");
        return List.copyOf(out);
    }

    public List<String> command() {
        return command;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public String description() {
        Child.Handshake h = handshake;
        return h == null ? "a child process speaking " + Protocol.VERSION
                : h.name() + " (" + String.join(", ", h.components()) + ") over " + Protocol.VERSION;
    }

    /**
     * The child's handshake: starts a child on this thread if none runs yet (and keeps it for
     * the cases to come).
     *
     * @throws ChildFailed when the command cannot run or its handshake is missing or malformed
     */
    public Child.Handshake handshake() {
        Child.Handshake h = handshake;
        if (h == null) h = child().handshake();
        return h;
    }

    /** A live, idle child of this thread: the one it had, or a new one. */
    public Child child() {
        Holder h = children.get();
        Child c = h == null ? null : h.child;
        if (c != null && c.alive() && c.idle()) return c;
        if (c != null) c.kill();
        c = Child.start(command, timeout.compareTo(HANDSHAKE_TIMEOUT) > 0 ? timeout : HANDSHAKE_TIMEOUT);
        handshake = c.handshake();
        Holder fresh = new Holder(c);
        CLEANER.register(fresh, c::close);   // a child outlives no thread that used it (e.g. a timeout guard's worker)
        children.set(fresh);
        return c;
    }

    private static final class Holder {
        final Child child;

        Holder(Child child) {
            this.child = child;
        }
    }

    /**
     * The whole contract, for the platform: a {@code create} request to this thread's child.
     *
     * @throws ChildFailed when the child fails (the harness reports a CRASH)
     * @throws IllegalStateException when the child implements only components
     */
    @Override
    public NestingImplementation create(Platform platform) {
        Child c = child();
        if (!c.handshake().implementsAll())
            throw new IllegalStateException(spec + " implements only the component(s) " + c.handshake().components()
                    + ", not the whole contract: check it with `nestcheck check --impl " + spec
                    + "` (which runs the components) or dev.nestcheck.component.ComponentVerification");
        return new ExecImplementation(c, platform, timeout);
    }
}
