package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.conformance.OpGenerator;
import dev.nestcheck.conformance.PlatformGenerator;
import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws a {@link NestingScenario} from the model's state with the conformance suite's own generators
 * (PlatformGenerator, OpGenerator): a small platform with 2 KVM CPUs, a prefix, then two branches, each
 * drawn from the model's state after the prefix and its own operations so far. In branch i, VCPU_LOAD and
 * VCPU_PUT run on CPU i (a CPU's own loads and puts never overlap). Every operation is one span.
 */
public final class NestingScenarioGenerator {
    static final int MAX_PREFIX = 8;
    static final int MAX_BRANCH = 3;

    private final Policy policy;

    public NestingScenarioGenerator(Policy policy) {
        this.policy = policy;
    }

    public NestingScenario draw(TestCase tc) {
        Platform drawn = PlatformGenerator.draw(tc, policy);
        Platform platform = new Platform(drawn.policy(), drawn.smmus(), drawn.devices(),
                new KvmSpec(2, Math.max(2, drawn.kvm().vmidBits())));
        boolean kvmFocus = tc.weighted(0.25);
        NestingImplementation model = Implementations.model().create(platform);
        OpGenerator gen = new OpGenerator(platform, kvmFocus);
        List<Op> prefix = new ArrayList<>();
        while (prefix.size() < MAX_PREFIX) {
            tc.startSpan();
            if (!tc.weighted(0.85)) {
                tc.endSpan();
                break;
            }
            Op op = gen.next(tc, model.snapshot());
            gen.observe(op, model.execute(op).isOk());
            prefix.add(op);
            tc.endSpan();
        }
        List<List<Op>> branches = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            NestingImplementation mine = Implementations.model().create(platform);
            OpGenerator g = new OpGenerator(platform, kvmFocus);
            for (Op op : prefix) g.observe(op, mine.execute(op).isOk());
            List<Op> branch = new ArrayList<>();
            while (branch.size() < MAX_BRANCH) {
                tc.startSpan();
                if (!branch.isEmpty() && !tc.weighted(0.5)) {
                    tc.endSpan();
                    break;
                }
                Op op = onCpu(g.next(tc, mine.snapshot()), t);
                g.observe(op, mine.execute(op).isOk());
                branch.add(op);
                tc.endSpan();
            }
            branches.add(branch);
        }
        return new NestingScenario(platform, prefix, branches);
    }

    /** VCPU operations of branch t run on CPU t. */
    private static Op onCpu(Op op, int cpu) {
        if (op instanceof Op.VcpuLoad) return new Op.VcpuLoad(((Op.VcpuLoad) op).vm(), cpu);
        if (op instanceof Op.VcpuPut) return new Op.VcpuPut(cpu);
        return op;
    }
}
