package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.concurrency.Linearizability;
import dev.nestcheck.model.KvmAllocatorModel;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.List;

/**
 * The sequential specification of {@link KvmHarness}: the model's {@code KvmVmids} (through
 * {@link KvmAllocatorModel}) with the harness's own bookkeeping of pins per CPU thread, giving each
 * operation the outcome the harness returns. KVM state is compared exactly (KVM-3 specifies the choice).
 */
public final class KvmSpecification {
    private final KvmAllocatorModel model;
    private final int cpus;
    private final int vms;
    private final int[][] held;

    public KvmSpecification(int cpus, int vmidBits, int vms) {
        this.model = new KvmAllocatorModel(new KvmSpec(cpus, vmidBits));
        this.cpus = cpus;
        this.vms = vms;
        this.held = new int[cpus][vms + 1];
        for (int vm = 1; vm <= vms; vm++) model.create();
    }

    /** The outcome of {@code op} in the model, written as the harness writes it. */
    public String apply(KvmOp op) {
        switch (op.kind()) {
            case LOAD: {
                model.load(op.vm(), op.cpu());
                Snapshot.Vm v = model.snapshot().vms().get(op.vm());
                return new KvmAllocatorUnderTest.Vmid(v.generation(), v.index()).toString();
            }
            case PUT:
                model.put(op.cpu());
                return "void";
            case PIN: {
                int index = model.pin(op.vm());
                if (index == 0) return "full";
                held[op.cpu()][op.vm()]++;
                return Integer.toString(index);
            }
            default:
                if (held[op.cpu()][op.vm()] == 0) return "none";
                held[op.cpu()][op.vm()]--;
                model.unpin(op.vm());
                return "ok";
        }
    }

    /** KVM-4: rollovers so far in the model. */
    public int rollovers() {
        return model.snapshot().rollovers();
    }

    /** The lowest-numbered VM without a VMID of the current generation, or 0 when every VM has one. */
    public int staleVm() {
        Snapshot.Kvm k = model.snapshot();
        long current = 1 + k.rollovers();
        for (int vm = 1; vm <= vms; vm++) if (k.vms().get(vm).generation() != current) return vm;
        return 0;
    }

    /** The VMs with a VMID of the current generation that {@code cpu} does not run. */
    public List<Integer> currentVmsNotRunOn(int cpu) {
        Snapshot.Kvm k = model.snapshot();
        long current = 1 + k.rollovers();
        List<Integer> out = new java.util.ArrayList<>();
        for (int vm = 1; vm <= vms; vm++)
            if (k.vms().get(vm).generation() == current && k.cpuRunning().get(cpu) != vm) out.add(vm);
        return out;
    }

    /** The VMs on which {@code cpu}'s thread holds a pin now. */
    public List<Integer> pinsHeld(int cpu) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int vm = 1; vm <= vms; vm++) if (held[cpu][vm] > 0) out.add(vm);
        return out;
    }

    /** The post part, as {@link KvmHarness#state()} writes it. */
    public String state() {
        Snapshot.Kvm k = model.snapshot();
        StringBuilder sb = new StringBuilder();
        for (int vm = 1; vm <= vms; vm++) {
            Snapshot.Vm v = k.vms().get(vm);
            sb.append("vm").append(vm).append(' ').append(new KvmAllocatorUnderTest.Vmid(v.generation(), v.index()))
                    .append(" pins ").append(v.pins()).append("; ");
        }
        return sb.append("rollovers ").append(k.rollovers()).toString();
    }

    /**
     * The linearizability question for one recorded run of a scenario: outcomes of the prefix, of each
     * branch (in program order), and of the post part, as the harness wrote them.
     */
    public static Linearizability.Replay replay(KvmScenario s, List<String> prefixOutcomes,
                                                List<List<String>> branchOutcomes, String postState) {
        return (order, complete) -> {
            KvmSpecification spec = new KvmSpecification(s.cpus(), s.vmidBits(), s.vms());
            for (int i = 0; i < s.prefix().size(); i++) {
                String expected = spec.apply(s.prefix().get(i));
                if (!expected.equals(prefixOutcomes.get(i)))
                    return new Linearizability.Verdict(-1, "prefix " + s.prefix().get(i) + " returned "
                            + prefixOutcomes.get(i) + ", the model says " + expected);
            }
            for (int k = 0; k < order.size(); k++) {
                Linearizability.Event e = order.get(k);
                KvmOp op = s.branches().get(e.thread()).get(e.index());
                String expected = spec.apply(op);
                String actual = branchOutcomes.get(e.thread()).get(e.index());
                if (!expected.equals(actual))
                    return new Linearizability.Verdict(k, "T" + e.thread() + " " + op + " returned " + actual
                            + " where the model, in this order, says " + expected);
            }
            if (complete && postState != null && !spec.state().equals(postState))
                return new Linearizability.Verdict(order.size(), "after the branches the allocator has [" + postState
                        + "], the model in this order [" + spec.state() + "]");
            return Linearizability.Verdict.ok(order.size());
        };
    }
}
