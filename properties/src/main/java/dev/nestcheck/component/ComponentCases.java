package dev.nestcheck.component;

import dev.nestcheck.engine.TestCase;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Draws component cases: the platform and what stays fixed in a case, then one operation at a
 * time from the oracle's state, mostly valid and about one in ten deliberately invalid. Every
 * choice shrinks towards its first alternative, so kinds are listed in the order a minimal
 * counterexample wants them (creating before using).
 */
final class ComponentCases {
    private ComponentCases() {
    }

    /** A case: its platform, its oracle, and the per-case fields of {@code inv} requests. */
    static final class Case {
        final Component component;
        final Platform platform;
        final ComponentImplementation oracle;
        /** inv: the vIOMMU's VMID and its vDEVICEs as [virtId, streamId]. */
        final int vmid;
        final List<long[]> vdevices;
        /** kvm: VMs created so far (invalid ops name one past them). */
        int vmsCreated;
        Snapshot.Kvm kvm;

        Case(Component component, Platform platform, ComponentImplementation oracle, int vmid, List<long[]> vdevices) {
            this.component = component;
            this.platform = platform;
            this.oracle = oracle;
            this.vmid = vmid;
            this.vdevices = vdevices;
        }
    }

    static Case draw(Component c, TestCase tc) {
        switch (c) {
            case KVM: {
                // PLAT-3: 2^bits - 1 > cpus; 2 CPUs and 2 bits (3 indices) reach a rollover in a few steps
                int cpus = 1 + tc.between(0, 2);
                int bits = 2 + tc.between(0, 2);
                while ((1 << bits) - 1 <= cpus) bits++;
                Platform p = new Platform(Policy.S2_PARENT, List.of(new SmmuSpec(0, 8, true, true, false)), List.of(),
                        new KvmSpec(cpus, bits));
                Oracles.Kvm oracle = new Oracles.Kvm(p.kvm());
                Case k = new Case(c, p, oracle, 0, List.of());
                k.kvm = oracle.snapshot();
                return k;
            }
            case VSTE:
                return new Case(c, Oracles.vstePlatform(), new Oracles.Vste(), 0, List.of());
            default: {
                int n = 1 + tc.between(0, 2);
                List<Long> sids = new ArrayList<>();
                for (int i = 0; i < n; i++) sids.add(16L * (i + 1) + tc.between(0, 3));
                List<long[]> vdevices = new ArrayList<>();
                List<Long> used = new ArrayList<>();
                for (int d = 0; d < n; d++) {
                    if (!tc.weighted(0.8)) continue;
                    long virtId = tc.between(0, 3);
                    if (used.contains(virtId)) continue;   // VDEV-1: one virtId per vIOMMU
                    used.add(virtId);
                    vdevices.add(new long[] {virtId, sids.get(d)});
                }
                Platform p = Oracles.invPlatform(sids);
                return new Case(c, p, new Oracles.Inv(p), 1 + tc.between(0, 254), vdevices);
            }
        }
    }

    static ComponentOp next(Case k, TestCase tc) {
        switch (k.component) {
            case KVM: return kvm(k, tc);
            case VSTE: return ComponentOp.of("vste", "data", vste(tc), "vmid", 1 + tc.between(0, 0xFFFE));
            default: return inv(k, tc);
        }
    }

    // ------------------------------------------------------------------ kvm

    private enum KvmKind { CREATE, LOAD, PIN, PUT, UNPIN, DESTROY }

    private static ComponentOp kvm(Case k, TestCase tc) {
        Snapshot.Kvm s = k.kvm;
        List<Integer> vms = new ArrayList<>(new TreeMap<>(s.vms()).keySet());
        List<Integer> pinned = new ArrayList<>();
        for (int vm : vms) if (s.vms().get(vm).pins() > 0) pinned.add(vm);
        int[] w = new int[KvmKind.values().length];
        w[KvmKind.CREATE.ordinal()] = vms.size() < 6 ? 10 : 1;
        w[KvmKind.LOAD.ordinal()] = vms.isEmpty() ? 1 : 24;
        w[KvmKind.PIN.ordinal()] = vms.isEmpty() ? 1 : 5;
        w[KvmKind.PUT.ordinal()] = 4;
        w[KvmKind.UNPIN.ordinal()] = pinned.isEmpty() ? 1 : 5;
        w[KvmKind.DESTROY.ordinal()] = vms.isEmpty() ? 1 : 3;
        KvmKind kind = KvmKind.values()[tc.pickWeighted(w)];
        tc.label("op", kind.name());
        boolean invalid = tc.weighted(0.1);
        int cpus = k.platform.kvm().cpus();
        switch (kind) {
            case CREATE: k.vmsCreated++; return ComponentOp.of("kvm_vm_create");
            case LOAD: return ComponentOp.of("vcpu_load", "vm", vm(tc, vms, k, invalid), "cpu",
                    invalid && tc.bool() ? cpus + tc.between(0, 1) : tc.between(0, cpus - 1));
            case PIN: return ComponentOp.of("kvm_pin", "vm", vm(tc, vms, k, invalid));
            case PUT: return ComponentOp.of("vcpu_put", "cpu", invalid ? cpus + tc.between(0, 1) : tc.between(0, cpus - 1));
            case UNPIN: return ComponentOp.of("kvm_unpin", "vm", vm(tc, pinned.isEmpty() ? vms : pinned, k, invalid));
            default: return ComponentOp.of("kvm_vm_destroy", "vm", vm(tc, vms, k, invalid));
        }
    }

    private static int vm(TestCase tc, List<Integer> vms, Case k, boolean invalid) {
        if (invalid || vms.isEmpty()) return tc.between(0, k.vmsCreated + 1);
        return tc.pick(vms);
    }

    // ------------------------------------------------------------------ vste

    /** A vSTE: mostly valid (translate, bypass, abort, V=0), else one NEST-2 failure class. */
    static List<Long> vste(TestCase tc) {
        int shape = tc.pickWeighted(6, 2, 1, 1, 4);
        long w0, w1;
        if (shape == 3) return List.of(tc.bits64() & ~1L, tc.bits64());   // V=0: zeroed and accepted (NEST-2.1)
        int config = new int[] {5, 4, 0, 0, 5}[shape];
        w0 = 1L | ((long) config << 1) | ((long) tc.between(0, 1023) << 6);
        if (tc.weighted(0.2)) w0 |= ((long) tc.between(0, 31) << 59) | ((long) tc.between(0, 3) << 4);   // kept bits
        w1 = (long) tc.between(0, 1) << 28;
        if (tc.weighted(0.2)) w1 |= tc.between(0, 255) | ((long) tc.between(0, 1) << 27);
        if (shape != 4) return List.of(w0, w1);
        switch (tc.between(0, 3)) {   // exactly one failure class (NEST-2.2..4)
            case 0: return List.of(w0 | (1L << (52 + tc.between(0, 6))), w1);
            case 1: return List.of(w0, w1 | (1L << new int[] {8 + tc.between(0, 18), 30 + tc.between(0, 33)}[tc.between(0, 1)]));
            case 2: return List.of((w0 & ~0xEL) | ((long) new int[] {1, 2, 3, 6, 7}[tc.between(0, 4)] << 1), w1);
            default: return List.of(w0, (w1 & ~(3L << 28)) | ((long) (2 + tc.between(0, 1)) << 28));
        }
    }

    // ------------------------------------------------------------------ inv

    private static final int[] ACCEPTED = {Cmd.TLBI_NH_VA, Cmd.TLBI_NH_ASID, Cmd.TLBI_NH_ALL, Cmd.TLBI_NH_VAA,
            Cmd.TLBI_NSNH_ALL, Cmd.ATC_INV, Cmd.CFGI_CD, Cmd.CFGI_CD_ALL};
    private static final int[] REJECTED = {Cmd.TLBI_S12_VMALL, Cmd.CFGI_STE, Cmd.CFGI_ALL, Cmd.TLBI_S2_IPA,
            Cmd.TLBI_EL2_ALL, Cmd.CMD_SYNC, 0x7f};

    private static ComponentOp inv(Case k, TestCase tc) {
        int shape = tc.pickWeighted(16, 1, 1, 2);
        String type = shape == 1 ? (tc.bool() ? "VTD_S1" : "NONE") : "ARM_SMMUV3";
        List<Cmd> cmds = shape == 2 ? List.of() : commands(tc, k, shape == 3);
        return ComponentOp.of("viommu_invalidate", "vmid", k.vmid, "vdevices", k.vdevices, "dataType", type, "commands", cmds);
    }

    /** 1 to 140 commands: small arrays mostly, sometimes around one or two batches of 63 (INV-3). */
    private static List<Cmd> commands(TestCase tc, Case k, boolean oneRejected) {
        int sizeClass = tc.pickWeighted(12, 3, 1, 1);
        tc.startSpan();
        int size = new int[] {1, 5, 62, 125}[sizeClass] + tc.between(0, new int[] {3, 20, 3, 15}[sizeClass]);
        int bad = oneRejected ? tc.between(0, size - 1) : -1;
        List<Cmd> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            tc.startSpan();
            out.add(i == bad ? rejected(tc) : accepted(tc, k.vdevices));
            tc.endSpan();
        }
        tc.endSpan();
        return out;
    }

    private static Cmd accepted(TestCase tc, List<long[]> vdevices) {
        int op = ACCEPTED[tc.pickWeighted(4, 2, 2, 1, 1, 2, 2, 1)];
        long junk = tc.weighted(0.3) ? tc.bits64() & ~0xFFL : 0;
        long word1 = tc.weighted(0.3) ? tc.bits64() : 0;
        if (op == Cmd.ATC_INV || op == Cmd.CFGI_CD || op == Cmd.CFGI_CD_ALL) {
            long sid = vdevices.isEmpty() ? tc.between(0, 3) : vdevices.get(tc.between(0, vdevices.size() - 1))[0];
            return new Cmd(op | (sid << 32) | (junk & 0xFFFF_FF00L), word1);
        }
        return new Cmd(op | junk, word1);
    }

    /** A command INV-2 rejects with EIO: a rejected opcode, or a virtual ID this vIOMMU does not know. */
    private static Cmd rejected(TestCase tc) {
        int k = tc.between(0, REJECTED.length);
        if (k == REJECTED.length) return new Cmd(Cmd.ATC_INV | ((1000L + tc.between(0, 3)) << 32), 0);
        return new Cmd(REJECTED[k] | (tc.weighted(0.3) ? tc.bits64() & ~0xFFL : 0), 0);
    }
}
