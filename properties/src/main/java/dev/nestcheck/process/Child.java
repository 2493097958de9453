package dev.nestcheck.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.ChildFailed.Reason;
import dev.nestcheck.process.Json.ProtocolViolation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One child process speaking {@code nestcheck-protocol/1} on its stdin and stdout. A daemon
 * thread reads stdout line by line into a queue (so the child never blocks on a full pipe,
 * which makes pipelined requests safe), another keeps the tail of stderr. Every failure, at
 * any point, is a {@link ChildFailed} with one clear line, and the child is killed: a child is
 * used again only while it behaves.
 */
public final class Child implements AutoCloseable {
    /** The longest line a child may write (a snapshot of a big platform fits easily). */
    static final int MAX_LINE = 64 << 20;
    private static final int STDERR_KEEP = 16 << 10;
    private static final Object EOF = new Object();
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Every child still running, killed when the JVM exits (a hung child would not notice EOF). */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            signalTree(p);
            p.destroyForcibly();
        }), "nestcheck-child-reaper"));
    }

    private final String display;
    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final StderrTail stderr = new StderrTail();
    private volatile boolean dead;
    private Handshake handshake;
    /** Requests sent and not yet answered (pipelining). */
    private int outstanding;

    private Child(String display, Process process) {
        this.display = display;
        this.process = process;
        this.stdin = process.getOutputStream();
        LIVE.add(process);
        daemon(() -> pumpStdout(process.getInputStream()), "nestcheck-child-out-");
        daemon(() -> stderr.pump(process.getErrorStream()), "nestcheck-child-err-");
    }

    /**
     * Starts the command and reads its handshake.
     *
     * @throws ChildFailed with {@link Reason#START} when the command cannot be run at all, or
     *         another reason when the handshake is missing, late or malformed
     */
    public static Child start(List<String> command, Duration handshakeTimeout) {
        String display = String.join(" ", command);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(ProcessBuilder.Redirect.PIPE);
            pb.environment().put("NESTCHECK_PROTOCOL", Protocol.VERSION);
            p = pb.start();
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            int colon = why.lastIndexOf(", error=");
            throw new ChildFailed(Reason.START, "cannot run " + display + ": "
                    + (colon >= 0 ? why.substring(colon + 2) : why) + startHint(command), "");
        }
        Child c = new Child(display, p);
        try {
            c.handshake = Handshake.parse(c.receive(handshakeTimeout,
                    "its handshake (the first line; a child writing with C stdio must fflush(stdout) after each line)"));
        } catch (ProtocolViolation v) {
            throw c.garbage("its handshake", v);
        }
        return c;
    }

    public Handshake handshake() {
        return handshake;
    }

    public boolean alive() {
        return !dead && process.isAlive();
    }

    /** Whether every request sent so far has been answered (the child can take a new case). */
    public boolean idle() {
        return outstanding == 0;
    }

    /** Sends one request line. */
    public void send(String line) {
        sendAll(List.of(line));
    }

    /** Sends several request lines at once (pipelined): the answers come back in order. */
    public void sendAll(List<String> requestLines) {
        if (dead) throw new IllegalStateException("nestcheck bug: request to a child that failed before");
        StringBuilder b = new StringBuilder();
        for (String l : requestLines) b.append(l).append('\n');
        try {
            stdin.write(b.toString().getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            // the child closed its stdin: it has exited or is about to; its status says more
            throw exited("nestcheck sent it a request (" + e.getMessage() + ")");
        }
        outstanding += requestLines.size();
    }

    /** Why a command may not have started, when its words say more than the system's error. */
    private static String startHint(List<String> command) {
        java.nio.file.Path first = java.nio.file.Path.of(command.get(0));
        if (java.nio.file.Files.isDirectory(first)) return " (" + first + " is a folder)";
        for (int n = 2; n <= command.size(); n++)   // a path with spaces, unquoted: exec:/my dir/impl
            if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(String.join(" ", command.subList(0, n)))))
                return " (" + String.join(" ", command.subList(0, n)) + " exists: quote a path with spaces, exec:'" 
                        + String.join(" ", command.subList(0, n)) + "'...)";
        return "";
    }

    /** The next answer line, within {@code timeout}; {@code waitingFor} completes the failure message. */
    public String receive(Duration timeout, String waitingFor) {
        Object got;
        try {
            got = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new ChildFailed(Reason.HUNG, "interrupted while waiting for " + waitingFor + " from " + display, tail());
        }
        if (got == null) {
            killAndDrain();
            throw new ChildFailed(Reason.HUNG, display + " hung: no answer within " + millis(timeout) + " while nestcheck waited for "
                    + waitingFor + " (child killed)" + stderrNote(), tail());
        }
        if (got == EOF) throw exited("nestcheck waited for " + waitingFor);
        if (outstanding > 0) outstanding--;
        return (String) got;
    }

    /** A protocol violation in an answer: kills the child and describes what it wrote. */
    public ChildFailed garbage(String answering, ProtocolViolation v) {
        killAndDrain();
        return new ChildFailed(Reason.GARBAGE, display + " answered " + answering + " with something that is not a "
                + Protocol.VERSION + " answer: " + v.getMessage() + " (child killed; stdout carries the protocol only,"
                + " logs go to stderr)" + stderrNote(), tail());
    }

    private ChildFailed exited(String when) {
        dead = true;
        String status;
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                status = describeExit(process.exitValue());
            } else {
                signalTree(process);   // the signal only, as in killAndDrain: stderr is read below
                status = "closed its stdout but did not exit";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "closed its stdout";
        }
        stderr.awaitEnd();
        kill();
        return new ChildFailed(Reason.EXITED, display + " " + status + " while " + when + stderrNote(), tail());
    }

    /** {@code exited with status 1}, or {@code was killed by signal 11 (SIGSEGV)} for the JDK's 128+N. */
    static String describeExit(int v) {
        if (v > 128 && v < 128 + 65) {
            int sig = v - 128;
            String name = Map.of(1, "SIGHUP", 2, "SIGINT", 4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE", 9, "SIGKILL",
                    11, "SIGSEGV", 13, "SIGPIPE", 15, "SIGTERM").get(sig);
            return "was killed by signal " + sig + (name == null ? "" : " (" + name + ")");
        }
        return "exited with status " + v;
    }

    private String stderrNote() {
        String last = stderr.lastLines(3);
        return last.isEmpty() ? "; no stderr" : "; its stderr ends: " + Json.excerpt(last, 400);
    }

    private String tail() {
        return stderr.text();
    }

    public String stderrText() {
        return stderr.text();
    }

    /**
     * Kills the child and waits briefly for its stderr to end: what it wrote there just before the
     * failure (its own account of it) may still be in the pipe, and belongs in the report. The signal
     * goes through the process handle: {@code Process.destroyForcibly} also closes our end of the
     * child's pipes, and what the stderr reader had not read yet was lost (under load, 7 reports of
     * 40 said "no stderr").
     */
    private void killAndDrain() {
        dead = true;
        signalTree(process);
        stderr.awaitEnd();
        kill();
    }

    /** Kills the child and what it started at once, and closes our ends of its pipes. */
    public void kill() {
        dead = true;
        signalTree(process);
        process.destroyForcibly();
        LIVE.remove(process);
    }

    /**
     * SIGKILL to the child and to every process it started, those first: an implementation behind a
     * wrapper script ({@code exec:./run.sh} that runs the real program without exec) is the wrapper's
     * child, and killing the wrapper alone left it running, hung or spinning, after nestcheck exited
     * (35 of them after one shrunk hang), holding the pipes open. Our pipe ends stay open.
     */
    private static void signalTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.toHandle().destroyForcibly();
    }

    /** Closes stdin (a well-behaved child then exits) and kills it if it has not after a moment. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            LIVE.remove(process);
            return;
        }
        try {
            stdin.close();
            if (!process.waitFor(500, TimeUnit.MILLISECONDS)) kill();
        } catch (IOException e) {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
        dead = true;
        LIVE.remove(process);
    }

    /** Reads stdout into lines (UTF-8, '\n'-terminated, an optional '\r' dropped); EOF at the end. */
    private void pumpStdout(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        byte[] bytes = line.toByteArray();
                        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                        lines.add(new String(bytes, 0, len, StandardCharsets.UTF_8));
                        line.reset();
                    } else if (line.size() >= MAX_LINE) {
                        lines.add("a line longer than " + (MAX_LINE >> 20) + " MiB");
                        return;
                    } else {
                        line.write(b);
                    }
                }
            }
            if (line.size() > 0) lines.add(new String(line.toByteArray(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the stream closed under us: same as EOF
        } finally {
            lines.add(EOF);
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    static String millis(Duration d) {
        long ms = d.toMillis();
        return ms >= 1000 && ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** The last {@link #STDERR_KEEP} bytes a child wrote to stderr. */
    private static final class StderrTail {
        private final byte[] ring = new byte[STDERR_KEEP];
        private long written;
        private volatile boolean ended;

        void pump(InputStream in) {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) ring[(int) (written++ % ring.length)] = buf[i];
                    }
                }
            } catch (IOException e) {
                // closed
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** Waits briefly for the child's stderr to end, so that its last words are in the report. */
        synchronized void awaitEnd() {
            long deadline = System.nanoTime() + 500_000_000L;
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        synchronized String text() {
            int n = (int) Math.min(written, ring.length);
            byte[] out = new byte[n];
            long start = written - n;
            for (int i = 0; i < n; i++) out[i] = ring[(int) ((start + i) % ring.length)];
            return new String(out, StandardCharsets.UTF_8);
        }

        /** The last {@code n} non-empty lines, joined with " | ". */
        String lastLines(int n) {
            String[] all = text().split("\n");
            List<String> out = new ArrayList<>();
            for (int i = all.length - 1; i >= 0 && out.size() < n; i--) {
                String l = all[i].strip();
                if (!l.isEmpty()) out.add(l);
            }
            Collections.reverse(out);
            return String.join(" | ", out);
        }
    }

    /** The first line of a child: protocol version, name, and what it implements. */
    public record Handshake(String protocol, String name, List<String> components, String description) {
        static final List<String> KNOWN = List.of(Protocol.FULL, "kvm", "vste", "inv");

        static Handshake parse(String line) {
            JsonNode n = Json.object(line);
            if (!n.has("protocol"))
                throw new ProtocolViolation("the first line must be the handshake {\"protocol\": \"" + Protocol.VERSION
                        + "\", \"name\": ..., \"components\": [...]}, got " + Json.excerpt(line, 120));
            String protocol = Json.string(n.get("protocol"), "protocol");
            if (!Protocol.VERSION.equals(protocol))
                throw new ProtocolViolation("it speaks " + Json.quote(protocol) + "; this nestcheck speaks "
                        + Json.quote(Protocol.VERSION));
            Json.fields(n, "handshake: ", Set.of("protocol", "name", "components", "description"),
                    List.of("protocol", "name"));
            List<String> components = new ArrayList<>();
            if (n.has("components")) {
                JsonNode a = Json.array(n.get("components"), "components");
                for (int i = 0; i < a.size(); i++) {
                    String c = Json.string(a.get(i), "components[" + i + "]");
                    if (!KNOWN.contains(c))
                        throw new ProtocolViolation("unknown component " + Json.quote(c) + " (one of " + String.join(", ", KNOWN) + ")");
                    if (!components.contains(c)) components.add(c);
                }
                if (components.isEmpty()) throw new ProtocolViolation("\"components\" is empty");
            } else {
                components.add(Protocol.FULL);
            }
            return new Handshake(protocol, Json.string(n.get("name"), "name"), List.copyOf(components),
                    n.has("description") ? Json.string(n.get("description"), "description") : null);
        }

        public boolean implementsAll() {
            return components.contains(Protocol.FULL);
        }
    }
}
