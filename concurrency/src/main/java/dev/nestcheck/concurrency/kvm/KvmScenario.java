package dev.nestcheck.concurrency.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An allocator-level concurrency scenario: a platform ({@code cpus}, {@code vmidBits}, {@code vms} VMs
 * numbered 1..vms), a sequential prefix, and parallel branches, branch i running on CPU i. After the
 * branches, the allocator's state is read (every VM's VMID and pins, the rollover count) and compared
 * with the model's.
 */
public record KvmScenario(int cpus, int vmidBits, int vms, List<KvmOp> prefix, List<List<KvmOp>> branches) {
    public KvmScenario {
        prefix = List.copyOf(prefix);
        List<List<KvmOp>> b = new ArrayList<>();
        for (List<KvmOp> branch : branches) b.add(List.copyOf(branch));
        branches = List.copyOf(b);
        if (branches.size() > cpus) throw new IllegalArgumentException("more branches than CPUs");
        for (int t = 0; t < branches.size(); t++)
            for (KvmOp op : branches.get(t))
                if (op.cpu() != t) throw new IllegalArgumentException("branch " + t + " runs " + op + " on another CPU");
    }

    /** Operations in all, prefix included: what the shrinker minimises. */
    public int size() {
        return prefix.size() + branches.stream().mapToInt(List::size).sum();
    }

    /** The platform line, e.g. {@code 2 CPUs, 2-bit VMIDs (3 indices), 3 VMs}. */
    public String platform() {
        return cpus + " CPUs, " + vmidBits + "-bit VMIDs (" + ((1 << vmidBits) - 1) + " indices), " + vms + " VMs";
    }

    /** One line, Lincheck's way: {@code init: put(cpu0) | T0: load(vm3, cpu0) | T1: load(vm1, cpu1)}. */
    public String oneLine() {
        StringBuilder sb = new StringBuilder();
        if (!prefix.isEmpty()) sb.append("init: ").append(join(prefix)).append(" | ");
        for (int t = 0; t < branches.size(); t++) {
            if (t > 0) sb.append(" | ");
            sb.append("T").append(t).append(": ").append(join(branches.get(t)));
        }
        return sb.toString();
    }

    private static String join(List<KvmOp> ops) {
        return ops.stream().map(KvmOp::toString).collect(Collectors.joining(", "));
    }

    /** Java source that rebuilds this scenario, for generated regression tests. */
    public String toJava() {
        StringBuilder sb = new StringBuilder("new KvmScenario(" + cpus + ", " + vmidBits + ", " + vms + ",\n        List.of(");
        sb.append(prefix.stream().map(KvmOp::toJava).collect(Collectors.joining(", "))).append("),\n        List.of(");
        for (int t = 0; t < branches.size(); t++) {
            if (t > 0) sb.append(",\n                ");
            sb.append("List.of(").append(branches.get(t).stream().map(KvmOp::toJava).collect(Collectors.joining(", "))).append(")");
        }
        return sb.append("))").toString();
    }
}
