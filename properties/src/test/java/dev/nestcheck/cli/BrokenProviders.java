package dev.nestcheck.cli;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.List;

/**
 * Deliberately broken implementations for the CLI, report and TCK tests, registered through the
 * test class path's META-INF/services: each wraps the bundled optimized implementation and breaks
 * one thing, but only while {@link #armed} is set (by the tests that use them, see {@link Armed}).
 * Unarmed they behave exactly like the optimized implementation, so that other tests which run
 * something on every registered implementation (e.g. the corpus on each) are not affected.
 */
public final class BrokenProviders {
    /** Whether the providers misbehave; set only around the tests that want them to. */
    public static volatile boolean armed;

    /** A hang never lasts longer than this, armed or not, so that no test JVM can hang forever. */
    static final long HANG_MILLIS = 60_000;

    private BrokenProviders() {
    }

    /** JUnit 5: arms the broken providers for the tests of the annotated class. */
    public static final class Armed implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {
        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            armed = true;
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            armed = false;
        }
    }

    /** The optimized implementation, for wrapping. */
    static NestingImplementation optimized(Platform p) {
        return Implementations.named(Implementations.OPTIMIZED).create(p);
    }

    /** Reports VMID 0 in every S2 and NESTED STE (breaks STE-5 / G-1). */
    public static final class VmidZero implements ImplementationProvider {
        public String name() { return "broken-vmid-zero"; }
        public String description() { return "test only, when armed: optimized, but S2/NESTED STEs show VMID 0 (breaks STE-5)"; }
        public NestingImplementation create(Platform platform) {
            NestingImplementation d = optimized(platform);
            return new NestingImplementation() {
                public Outcome execute(Op op) { return d.execute(op); }
                public Snapshot snapshot() {
                    Snapshot s = d.snapshot();
                    if (!armed) return s;
                    List<Snapshot.Device> devices = new ArrayList<>();
                    for (Snapshot.Device dev : s.devices()) {
                        Snapshot.Ste ste = dev.ste();
                        if (ste.kind() == SteKind.S2 || ste.kind() == SteKind.NESTED)
                            ste = new Snapshot.Ste(ste.kind(), 0, ste.s1ContextPtr(), ste.ats());
                        devices.add(new Snapshot.Device(dev.ctx(), dev.objectId(), dev.attached(), ste));
                    }
                    return new Snapshot(s.contexts(), devices, s.smmus(), s.kvm());
                }
            };
        }
    }

    /** Throws on every OPEN (the first operation of nearly every sequence, so every search finds it). */
    public static final class Throws implements ImplementationProvider {
        public String name() { return "broken-throws"; }
        public String description() { return "test only, when armed: optimized, but open throws IllegalStateException"; }
        public NestingImplementation create(Platform platform) {
            NestingImplementation d = optimized(platform);
            return new NestingImplementation() {
                public Outcome execute(Op op) {
                    if (armed && op instanceof Op.Open) throw new IllegalStateException("open is broken");
                    return d.execute(op);
                }
                public Snapshot snapshot() { return d.snapshot(); }
            };
        }
    }

    /** Blocks on every OPEN for a minute (or until interrupted, so abandoned threads end). */
    public static final class Hangs implements ImplementationProvider {
        public String name() { return "broken-hangs"; }
        public String description() { return "test only, when armed: optimized, but open blocks for a minute"; }
        public NestingImplementation create(Platform platform) {
            NestingImplementation d = optimized(platform);
            return new NestingImplementation() {
                public Outcome execute(Op op) {
                    if (armed && op instanceof Op.Open) {
                        try {
                            Thread.sleep(HANG_MILLIS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException("interrupted");
                        }
                    }
                    return d.execute(op);
                }
                public Snapshot snapshot() { return d.snapshot(); }
            };
        }
    }
}
