package dev.nestcheck.conformance;

import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.HwptFlags;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One conformance run on one platform: the model and an implementation side by side.
 * Each step runs the operation on both, compares outcomes and snapshots (OBS-3), checks
 * the GLOBAL invariants on the implementation's own snapshot, and throws a
 * {@link ConformanceFailure} carrying the steps so far at the first failure.
 * Used for generated sequences and for replaying traces alike.
 */
public final class Session {
    /** Receives coverage labels (category, value); the engine's TestCase, or nothing. */
    public interface Labels {
        void label(String category, String value);

        Labels NONE = (c, v) -> { };
    }

    private final Platform platform;
    private final NestingImplementation model;
    private final NestingImplementation impl;
    private final Labels labels;
    private final StepComparator comparator;
    private final Invariants invariants;
    private final Requirements requirement;
    private final List<StepRecord> steps = new ArrayList<>();
    private Snapshot modelSnapshot;
    private Snapshot implSnapshot;
    private long stepsExecuted;
    private long unmapTlbis, unmappedPages, invalidatingUnmaps, unmapVmids;
    private double tlbisPerPageSum;
    /** (ctx, DEVICE ID) pairs that have had a VDEVICE, for VDEV-2 coverage. */
    private final Set<List<Integer>> devicesWithVdevice = new HashSet<>();
    /** (SMMU, VMID) pairs handed out so far, for TLB-3 coverage (a value handed out again). */
    private final Set<List<Integer>> vmidsEverUsed = new HashSet<>();
    /** Combinations: state features at each step and consecutive rule pairs. */
    private final StateFeatures features = new StateFeatures();

    /**
     * @param requirement a REQ rule ID to search a violation of (matrix cells), or null to
     *                    check conformance only
     */
    public Session(Platform platform, NestingImplementation impl, Labels labels, String requirement) {
        this.platform = platform;
        this.model = Implementations.model().create(platform);
        this.impl = impl;
        this.labels = labels;
        this.comparator = new StepComparator(platform);
        this.modelSnapshot = model.snapshot();
        this.implSnapshot = guardedSnapshot(null);
        this.invariants = new Invariants(platform, implSnapshot);
        this.requirement = requirement == null ? null : new Requirements(platform, requirement);
    }

    public Platform platform() {
        return platform;
    }

    /**
     * Exploration (issue 13 item 7): everything the rest of a case depends on, on every side: the model's
     * and the implementation's whole state ({@link NestingImplementation#stateFingerprint()}, hidden
     * cursors included), the VMID renaming bound so far and the previous batches (the comparator), and
     * the shadow TLB, mappings and ATC of the invariants. Null when the implementation gives no
     * fingerprint: then nothing is pruned. What only labels statistics is left out.
     */
    public Object stateFingerprint() {
        Object m = model.stateFingerprint();
        Object i = m == null ? null : impl.stateFingerprint();
        if (i == null) return null;
        return List.of(m, i, dev.nestcheck.spec.StateFingerprint.of(comparator),
                dev.nestcheck.spec.StateFingerprint.of(invariants), dev.nestcheck.spec.StateFingerprint.of(requirement));
    }

    /** The model's state now: generators draw the next operation from it. */
    public Snapshot modelSnapshot() {
        return modelSnapshot;
    }

    public Snapshot implSnapshot() {
        return implSnapshot;
    }

    public List<StepRecord> steps() {
        return List.copyOf(steps);
    }

    /** The last step's record, without copying the list ({@link #steps()} copies it: per step, that is quadratic). */
    public StepRecord lastStep() {
        return steps.get(steps.size() - 1);
    }

    public long stepsExecuted() {
        return stepsExecuted;
    }

    /**
     * S2INV-2 fan-out, over the successful unmaps that invalidated stage 2 (a nest parent with a device
     * on it): the stage-2 TLBIs the model issued (TLBI_S2_IPA, TLBI_S12_VMALL, TLBI_NH_ALL).
     */
    public long unmapTlbis() {
        return unmapTlbis;
    }

    /** The pages those unmaps unmapped. */
    public long unmappedPages() {
        return unmappedPages;
    }

    /** How many unmaps invalidated stage 2. */
    public long invalidatingUnmaps() {
        return invalidatingUnmaps;
    }

    /** The distinct (SMMU, VMID) pairs those unmaps invalidated, summed over the unmaps. */
    public long unmapVmids() {
        return unmapVmids;
    }

    private void countFanOut(Outcome unmap) {
        long tlbis = 0;
        Set<Integer> vmids = new HashSet<>();
        for (Issued i : unmap.issued()) {
            int opc = i.cmd().opcode();
            if (opc == Cmd.TLBI_S2_IPA || opc == Cmd.TLBI_S12_VMALL || opc == Cmd.TLBI_NH_ALL) {
                tlbis++;
                vmids.add(i.smmu() << 16 | i.cmd().vmid());
            }
        }
        if (tlbis == 0) return;
        invalidatingUnmaps++;
        unmapTlbis += tlbis;
        unmappedPages += unmap.value();
        unmapVmids += vmids.size();
        tlbisPerPageSum += (double) tlbis / Math.max(1, unmap.value());
    }

    /** The sum over those unmaps of TLBIs per page unmapped (for the mean, which giant areas do not swamp). */
    public double tlbisPerPageSum() {
        return tlbisPerPageSum;
    }

    /** Runs one step on both sides; returns the model's outcome. */
    public Outcome step(Op op) {
        Snapshot modelBefore = modelSnapshot;
        Outcome expected;
        try {
            expected = model.execute(op);
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException("nestcheck bug: the reference model threw " + e + " on " + Describe.op(op)
                    + " after " + steps.size() + " steps", e);
        }
        Outcome actual;
        try {
            actual = impl.execute(op);
        } catch (ConformanceFailure f) {
            throw f;
        } catch (RuntimeException | Error e) {
            steps.add(new StepRecord(op, expected, null));
            throw crash(op.name() + threw(e));
        }
        steps.add(new StepRecord(op, expected, actual));
        stepsExecuted++;
        if (actual == null) throw crash(op.name() + " returned null instead of an outcome");
        if (actual.issued() == null) throw crash(op.name() + " returned an outcome without a command list");
        modelSnapshot = model.snapshot();
        implSnapshot = guardedSnapshot(op);
        if (labels != Labels.NONE) labelStep(op, expected, modelBefore);
        if (op instanceof Op.IoasUnmap && expected.isOk()) countFanOut(expected);

        List<String> findings = new ArrayList<>(comparator.compareOutcomes(expected, actual));
        findings.addAll(comparator.compareSnapshots(modelSnapshot, implSnapshot, expected.rule()));
        if (!findings.isEmpty()) throw failure(Counterexample.Kind.DIVERGENCE, findings, comparator.brokenRules());
        List<String> violations = invariants.afterStep(op, actual.issued(), implSnapshot);
        if (!violations.isEmpty()) throw failure(Counterexample.Kind.INVARIANT, violations, ruleIds(violations));
        if (invariants.tlb4Exercised()) labels.label("exercised", "TLB-4");
        if (requirement != null) {
            List<String> unmet = requirement.check(op, expected, modelSnapshot);
            if (!unmet.isEmpty()) throw failure(Counterexample.Kind.REQUIREMENT, unmet, List.of(requirement.rule()));
        }
        return expected;
    }

    /** G-7: closes every open context, in increasing order, then checks that nothing leaked. */
    public void closeAll() {
        for (int ctx : new TreeSet<>(modelSnapshot.contexts().keySet())) step(new Op.Close(ctx));
        List<String> leaks = invariants.afterAllClosed(implSnapshot);
        if (!leaks.isEmpty()) throw failure(Counterexample.Kind.INVARIANT, leaks, List.of("G-7"));
        labels.label("exercised", "G-7");
    }

    private Snapshot guardedSnapshot(Op after) {
        String when = after == null ? "initially" : "after " + after.name();
        Snapshot s;
        try {
            s = impl.snapshot();
        } catch (RuntimeException | Error e) {
            throw crash("snapshot() " + when + threw(e));
        }
        if (s == null) throw crash("snapshot() " + when + " returned null");
        if (s.devices().size() != platform.devices().size() || s.smmus().size() != platform.smmus().size()
                || s.kvm() == null || s.kvm().cpuRunning().size() != platform.kvm().cpus())
            throw crash("snapshot() " + when + " is malformed: " + s.devices().size() + " devices, " + s.smmus().size()
                    + " smmus, kvm " + (s.kvm() == null ? "missing" : s.kvm().cpuRunning().size() + " cpus")
                    + "; the platform has " + platform.devices().size() + ", " + platform.smmus().size() + ", "
                    + platform.kvm().cpus());
        return s;
    }

    /**
     * {@code " threw java.lang.X: message"}; a child process's failure says what happened in its own
     * words ({@code " failed: ./impl hung: ..."}), with no Java class name for a C or Rust author.
     */
    private static String threw(Throwable e) {
        if (e instanceof dev.nestcheck.process.ChildFailed) return " failed: " + e.getMessage();
        return " threw " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + printable(e.getMessage()));
    }

    /**
     * An implementation's message with its control characters escaped ({@code \n}, {@code \u001B}), as a
     * child's stderr is: raw, an ESC colours a CI log and a CR rewrites its line.
     */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private ConformanceFailure crash(String what) {
        return new ConformanceFailure(new Counterexample(platform, steps, Counterexample.Kind.CRASH,
                List.of("crash: " + what), modelSnapshot, null));
    }

    private ConformanceFailure failure(Counterexample.Kind kind, List<String> findings, List<String> brokenRules) {
        return new ConformanceFailure(new Counterexample(platform, steps, kind, findings, modelSnapshot, implSnapshot,
                brokenRules));
    }

    /** The rule IDs that start violation lines ("G-9: ..."), in order. */
    private static List<String> ruleIds(List<String> violations) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String v : violations) {
            int colon = v.indexOf(':');
            if (colon > 0) for (String r : v.substring(0, colon).split("/")) out.add(r);
        }
        return new ArrayList<>(out);
    }

    /** The page-level shadow TLB now (OBS-4's derived part), for reports. */
    public String tlb4() {
        return invariants.describeTlb4();
    }

    /** Coverage: the rule that decided the outcome, the errno, and the state rules the step exercised. */
    private void labelStep(Op op, Outcome out, Snapshot before) {
        if (out.rule() != null) labels.label("rule", out.rule());
        labels.label("errno", out.isOk() ? "ok" : out.errno().name());
        for (Issued i : out.issued()) {
            if (i.cmd().opcode() == Cmd.TLBI_S12_VMALL) {
                labels.label("exercised", "VMID-5");
                labels.label("exercised", "TLB-2");
            }
        }
        for (int s = 0; s < platform.smmus().size(); s++) {
            if (modelSnapshot.smmus().get(s).vmids().size() > before.smmus().get(s).vmids().size())
                labels.label("exercised", "VMID-1");
            if (!before.smmus().get(s).tlb().containsAll(modelSnapshot.smmus().get(s).tlb()))
                labels.label("exercised", "TLB-1");
        }
        for (int d = 0; d < platform.devices().size(); d++) {
            Snapshot.Device now = modelSnapshot.devices().get(d);
            if (now.equals(before.devices().get(d))) continue;
            SteKind k = now.ste().kind();
            Snapshot.Obj hwpt = now.ctx() == 0 ? null : modelSnapshot.contexts().get(now.ctx()).objects().get(now.attached());
            if (hwpt == null) labels.label("exercised", "STE-1");
            else if (hwpt.kind() == ObjectKind.HWPT_NESTED) labels.label("exercised", "STE-4");
            else labels.label("exercised", k == SteKind.S1 ? "STE-2" : "STE-3");
        }
        if (modelSnapshot.kvm().rollovers() > before.kvm().rollovers()) {
            labels.label("exercised", "KVM-4");
            if (modelSnapshot.kvm().vms().values().stream().anyMatch(vm -> vm.pins() > 0))
                labels.label("exercised", "KVM-6");
        }
        labelObjectRules(op, out, before);
        labelVmidRules(op, out, before);
        labelMapAndInvalidationRules(op, out, before);
        features.label(op, out, before, modelSnapshot, labels);
        before.kvm().vms().forEach((n, vm) -> {
            Snapshot.Vm now = modelSnapshot.kvm().vms().get(n);
            if (now == null) return;
            if (now.generation() != vm.generation()) labels.label("exercised", "KVM-3");
            if (now.pins() > vm.pins()) labels.label("exercised", "KVM-5");
        });
    }

    /** MAP-3, S2INV-1..5: mappings that go with their IOAS, and the commands that invalidate a nest parent. */
    private void labelMapAndInvalidationRules(Op op, Outcome out, Snapshot before) {
        Set<String> issuedRules = new TreeSet<>();
        for (Issued i : out.issued()) if (i.rule() != null) issuedRules.add(i.rule());
        if (issuedRules.contains("S2INV-2")) {
            labels.label("exercised", "S2INV-1");
            labels.label("exercised", "S2INV-2");
        }
        if (issuedRules.contains("S2INV-3")) labels.label("exercised", "S2INV-3");
        if (issuedRules.contains("S2INV-4")) labels.label("exercised", "S2INV-4");
        if (op instanceof Op.Close && (issuedRules.contains("S2INV-3") || issuedRules.contains("S2INV-4")))
            labels.label("exercised", "S2INV-5");
        int ctx = op instanceof Op.Destroy ? ((Op.Destroy) op).ctx() : op instanceof Op.Close ? ((Op.Close) op).ctx() : 0;
        if (ctx != 0 && out.isOk() && before.contexts().containsKey(ctx)) {
            Snapshot.Context after = modelSnapshot.contexts().get(ctx);
            before.contexts().get(ctx).objects().forEach((id, o) -> {
                if (o.kind() == ObjectKind.IOAS && !o.areas().isEmpty() && (after == null || !after.objects().containsKey(id)))
                    labels.label("exercised", "MAP-3");
            });
        }
    }

    /** OBJ-2/OBJ-4, VIOMMU-2, NEST-3, VDEV-2, ATT-5: rules about references and failed operations. */
    private void labelObjectRules(Op op, Outcome out, Snapshot before) {
        if (op instanceof Op.Destroy && out.errno() == Errno.EBUSY) labels.label("exercised", "OBJ-2");
        if (out.errno() == Errno.ENOENT && wrongKindOfDevice(op, before)) labels.label("exercised", "OBJ-4");
        if (op instanceof Op.ViommuAlloc && out.isOk()) labels.label("exercised", "VIOMMU-2");
        if (op instanceof Op.HwptAlloc && out.isOk() && ((Op.HwptAlloc) op).dataType() != DataType.NONE)
            labels.label("exercised", "NEST-3");
        if (op instanceof Op.VdeviceAlloc && out.isOk()) {
            Op.VdeviceAlloc v = (Op.VdeviceAlloc) op;
            if (!devicesWithVdevice.add(List.of(v.ctx(), v.dev()))) labels.label("exercised", "VDEV-2");
        }
        if (op instanceof Op.Attach && !out.isOk()) {
            Op.Attach a = (Op.Attach) op;
            for (Snapshot.Device d : before.devices())
                if (d.ctx() == a.ctx() && d.objectId() == a.dev() && d.attached() != 0) labels.label("exercised", "ATT-5");
        }
    }

    /** OBJ-4: the operation's device ID names a live object of another kind. */
    private static boolean wrongKindOfDevice(Op op, Snapshot before) {
        int ctx, devId;
        if (op instanceof Op.Attach) { ctx = ((Op.Attach) op).ctx(); devId = ((Op.Attach) op).dev(); }
        else if (op instanceof Op.Detach) { ctx = ((Op.Detach) op).ctx(); devId = ((Op.Detach) op).dev(); }
        else if (op instanceof Op.Unbind) { ctx = ((Op.Unbind) op).ctx(); devId = ((Op.Unbind) op).dev(); }
        else if (op instanceof Op.HwptAlloc) { ctx = ((Op.HwptAlloc) op).ctx(); devId = ((Op.HwptAlloc) op).dev(); }
        else return false;
        Snapshot.Context c = before.contexts().get(ctx);
        Snapshot.Obj o = c == null ? null : c.objects().get(devId);
        return o != null && o.kind() != ObjectKind.DEVICE;
    }

    /** VMID-2/4/8, STE-5, TLB-3: how VMIDs are chosen, owned, checked and reused. */
    private void labelVmidRules(Op op, Outcome out, Snapshot before) {
        for (int s = 0; s < platform.smmus().size(); s++) {
            Map<Integer, Snapshot.Owner> was = before.smmus().get(s).vmids();
            for (Map.Entry<Integer, Snapshot.Owner> e : modelSnapshot.smmus().get(s).vmids().entrySet()) {
                Snapshot.Owner previous = was.get(e.getKey());
                if (e.getValue() == previous || e.getValue().equals(previous)) continue; // the model keeps its owners: mostly the same object
                labels.label("exercised", "VMID-4");
                labels.label("exercised", "VMID-2");
                if (!vmidsEverUsed.add(List.of(s, e.getKey()))) labels.label("exercised", "TLB-3");
            }
        }
        if (op instanceof Op.HwptAlloc && (((Op.HwptAlloc) op).flags() & HwptFlags.NEST_PARENT) != 0
                && out.rule() != null && out.rule().startsWith("VMID-"))
            labels.label("exercised", "VMID-8");
        for (Snapshot.Device d : modelSnapshot.devices())
            if (d.ste().kind() == SteKind.S2 || d.ste().kind() == SteKind.NESTED) {
                labels.label("exercised", "STE-5");
                break;
            }
    }
}
