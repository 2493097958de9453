package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.conformance.Describe;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.trace.Step;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A concurrency scenario for a whole {@code NestingImplementation}: a platform, a sequential prefix and
 * parallel branches of operations (branch i drives KVM CPU i for VCPU_LOAD and VCPU_PUT), then a
 * snapshot compared with the model's.
 */
public record NestingScenario(Platform platform, List<Op> prefix, List<List<Op>> branches) {
    public NestingScenario {
        prefix = List.copyOf(prefix);
        List<List<Op>> b = new ArrayList<>();
        for (List<Op> branch : branches) b.add(List.copyOf(branch));
        branches = List.copyOf(b);
    }

    public int size() {
        return prefix.size() + branches.stream().mapToInt(List::size).sum();
    }

    public String oneLine() {
        StringBuilder sb = new StringBuilder();
        if (!prefix.isEmpty()) sb.append("init: ").append(join(prefix)).append(" | ");
        for (int t = 0; t < branches.size(); t++) {
            if (t > 0) sb.append(" | ");
            sb.append("T").append(t).append(": ").append(join(branches.get(t)));
        }
        return sb.toString();
    }

    static String join(List<Op> ops) {
        return ops.stream().map(Describe::op).collect(Collectors.joining(", "));
    }

    /** The prefix and each branch as traces (TRACE.md) on the scenario's platform, for regression tests. */
    public List<String> toTraces() {
        List<String> out = new ArrayList<>();
        out.add(TraceCodec.write(new Trace("prefix", platform, prefix.stream().map(Step::of).collect(Collectors.toList()))));
        for (int t = 0; t < branches.size(); t++)
            out.add(TraceCodec.write(new Trace("branch T" + t, platform, branches.get(t).stream().map(Step::of).collect(Collectors.toList()))));
        return out;
    }

    /** The scenario back from {@link #toTraces()}. */
    public static NestingScenario fromTraces(String prefix, String... branches) {
        Trace p = TraceCodec.parse(prefix, "prefix");
        List<List<Op>> b = new ArrayList<>();
        for (int t = 0; t < branches.length; t++) b.add(TraceCodec.parse(branches[t], "branch T" + t).ops());
        return new NestingScenario(p.platform(), p.ops(), b);
    }
}
