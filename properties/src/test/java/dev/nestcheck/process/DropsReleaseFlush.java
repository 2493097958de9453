package dev.nestcheck.process;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.ImplementationProvider;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A broken implementation served by a child JVM in the protocol tests (by class name, so it is not
 * registered anywhere): the optimized implementation, but a released VMID is not flushed (VMID-5).
 */
public final class DropsReleaseFlush implements ImplementationProvider {
    public String name() { return "drops-release-flush"; }
    public String description() { return "test only: optimized without the VMID-5 flush"; }

    public NestingImplementation create(Platform platform) {
        NestingImplementation d = Implementations.named(Implementations.OPTIMIZED).create(platform);
        return new NestingImplementation() {
            public Outcome execute(Op op) {
                Outcome o = d.execute(op);
                List<Issued> kept = new ArrayList<>();
                for (Issued i : o.issued()) if (i.cmd().opcode() != Cmd.TLBI_S12_VMALL) kept.add(i);
                return o.withIssued(kept);
            }

            public Snapshot snapshot() {
                return d.snapshot();
            }
        };
    }
}
