package dev.nestcheck.report;

import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.StepRecord;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Platform;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where the implementation was when a counterexample crashed it: the minimal sequence is run once
 * more on a fresh implementation, alone (no model, no guard), on a thread of its own; the exception
 * it throws, or the stack of the thread when it hangs, is what the report shows. A crash that does
 * not happen again (or a malformed snapshot, which throws nothing) gives no stack trace.
 */
public final class StackTraces {
    private static final int MAX_LINES = 60;

    private StackTraces() {
    }

    /**
     * The stack trace, or null.
     *
     * @param factory the unguarded implementation factory
     * @param timeout how long one operation may take before it counts as hung
     */
    public static String capture(Counterexample cx, Function<Platform, NestingImplementation> factory, Duration timeout) {
        if (cx.kind() != Counterexample.Kind.CRASH || factory == null) return null;
        Throwable[] thrown = new Throwable[1];
        int[] progress = new int[1];
        Thread t = new Thread(() -> {
            try {
                NestingImplementation impl = factory.apply(cx.platform());
                impl.snapshot();
                for (StepRecord s : cx.steps()) {
                    impl.execute(s.op());
                    impl.snapshot();
                    synchronized (progress) {
                        progress[0]++;
                    }
                }
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "nestcheck-stack-trace");
        t.setDaemon(true);
        t.start();
        long perStep = timeout == null || timeout.isZero() || timeout.isNegative() ? 2000 : timeout.toMillis();
        try {
            long deadline = System.currentTimeMillis() + perStep;
            int seen = -1;
            while (t.isAlive()) {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
                int now;
                synchronized (progress) {
                    now = progress[0];
                }
                if (now != seen) {   // a step finished: the next one gets its own timeout
                    seen = now;
                    deadline = System.currentTimeMillis() + perStep;
                } else if (System.currentTimeMillis() >= deadline && t.isAlive()) {
                    StackTraceElement[] stack = t.getStackTrace();
                    t.interrupt();
                    StringBuilder b = new StringBuilder("thread \"" + t.getName() + "\", hung for " + perStep
                            + " ms in step " + (now + 1) + ":\n");
                    for (StackTraceElement e : stack) {
                        if (e.getClassName().startsWith(StackTraces.class.getName())) break;
                        b.append("\tat ").append(e).append('\n');
                    }
                    return limit(b.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (thrown[0] == null) return null;
        StringWriter w = new StringWriter();
        thrown[0].printStackTrace(new PrintWriter(w));
        StringBuilder b = new StringBuilder();
        for (String line : w.toString().split("\n")) {
            if (line.contains(StackTraces.class.getName())) break;
            b.append(line.stripTrailing()).append('\n');
        }
        return limit(b.toString());
    }

    private static String limit(String s) {
        String[] lines = s.split("\n");
        if (lines.length <= MAX_LINES) return s;
        return String.join("\n", java.util.Arrays.copyOf(lines, MAX_LINES)) + "\n\t... " + (lines.length - MAX_LINES)
                + " more\n";
    }
}
