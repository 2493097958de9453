package dev.nestcheck.report;

import dev.nestcheck.conformance.Counterexample;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.conformance.StepRecord;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.SmmuSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A counterexample as plain text of at most {@link Layout#WIDTH} columns, the same on the
 * console, in TCK failures and in {@code counterexample.md}: a title that says what happened
 * (a hang as "hung in OP for T"), the rule that was broken, the platform in words, every step
 * with the model's and the implementation's outcome and decoded arguments and commands, and the
 * findings. Steps are numbered from 1 everywhere; {@code steps[i]} is the 0-based index in a trace.
 */
public final class CounterexampleText {
    private static final Pattern HANG = Pattern.compile(
            "ImplementationHung: implementation hung: (.+?) did not return within ([0-9]+ m?s)");

    private CounterexampleText() {
    }

    /** A child process (exec:) that did not answer a step: killed after the timeout, so the run goes on. */
    private static final Pattern CHILD_HANG = Pattern.compile(
            " hung: no answer within ([0-9]+ m?s) while nestcheck waited for the answer to step [0-9]+ \\((\\w+)\\)");

    /** One line: what happened, e.g. {@code The implementation hung in close for 2 s (step 5).} */
    public static String title(Counterexample cx) {
        int n = cx.steps().size();
        Optional<String> hang = hang(cx).or(() -> childHang(cx));
        if (hang.isPresent())
            return "The implementation hung in " + hang.get() + (n == 0 ? " before the first step." : " (step " + n + ").");
        switch (cx.kind()) {
            case DIVERGENCE: return "The implementation diverges from the model at step " + n + ".";
            case INVARIANT: return "A global invariant fails after step " + n + ".";
            case CRASH: return n == 0 ? "The implementation crashed before the first step."
                    : "The implementation crashed at step " + n + ".";
            default: return "The requirement does not hold; shortest sequence found: " + n + " steps.";
        }
    }

    /** {@code close for 2 s} when a child process hung in a step (it was killed; unlike {@link #hang}, the run goes on). */
    static Optional<String> childHang(Counterexample cx) {
        for (String f : cx.findings()) {
            Matcher m = CHILD_HANG.matcher(f);
            if (m.find()) return Optional.of(m.group(2) + " for " + m.group(1));
        }
        return Optional.empty();
    }

    /** {@code close for 2 s} when the counterexample is a hang. */
    public static Optional<String> hang(Counterexample cx) {
        for (String f : cx.findings()) {
            Matcher m = HANG.matcher(f);
            if (m.find()) {
                String what = m.group(1);
                Matcher exec = Pattern.compile("execute\\((\\w+)\\)").matcher(what);
                if (exec.matches()) what = exec.group(1);
                return Optional.of(what + " for " + m.group(2));
            }
        }
        return Optional.empty();
    }

    /** Whether the counterexample is a hang (per-operation timeout). */
    public static boolean hung(Counterexample cx) {
        return hang(cx).isPresent();
    }

    /** A finding as a reader wants it: a hang said in words, not as an exception class. */
    public static String finding(String f) {
        Matcher m = HANG.matcher(f);
        if (!m.find()) return f;
        String what = m.group(1);
        Matcher exec = Pattern.compile("execute\\((\\w+)\\)").matcher(what);
        if (exec.matches()) what = exec.group(1);
        return "hang: the implementation did not return from " + what + " within " + m.group(2);
    }

    /** The whole text (no trailing newline). */
    public static String text(Counterexample cx) {
        StringBuilder b = new StringBuilder();
        b.append(Layout.wrap(title(cx), "", "", Layout.WIDTH)).append("\n");
        b.append(brokenRuleLine(cx)).append("\n\n");
        b.append(platform(cx.platform())).append('\n');
        b.append(steps(cx)).append('\n');
        b.append(findings(cx));
        return b.toString().stripTrailing();
    }

    /** {@code Rule broken: VMID-5 ...} or, when it is not known, the rules involved. */
    public static String brokenRuleLine(Counterexample cx) {
        RuleCatalogue rules = RuleCatalogue.builtIn();
        Optional<String> broken = BrokenRule.of(cx);
        if (broken.isPresent()) {
            String id = broken.get();
            String title = rules.rule(id).map(RuleCatalogue.Rule::title).orElse("");
            return Layout.wrap("Rule broken: " + id + (title.isEmpty() ? "" : " (" + title + ")"), "", "  ",
                    Layout.WIDTH);
        }
        List<String> involved = cx.rulesInvolved();
        return Layout.wrap("Rules involved: " + (involved.isEmpty() ? "none named" : String.join(", ", involved))
                + " (the rule the model applied at the failing step, and the rules the findings name)", "", "  ",
                Layout.WIDTH);
    }

    /** The platform in words, one line per SMMU, device and KVM. */
    public static String platform(Platform p) {
        StringBuilder b = new StringBuilder("Platform (policy ").append(p.policy()).append("):\n");
        for (var s : p.smmus()) {
            b.append("  smmu").append(s.id()).append(": ").append(s.vmidBits()).append("-bit VMIDs")
                    .append(s.nesting() ? ", nesting" : ", no nesting").append(s.s2fwb() ? ", S2FWB" : "")
                    .append(s.btm() ? ", BTM" : "").append(s.rangeInv() ? ", rangeInv" : "")
                    .append(s.maxTlbiPages() != SmmuSpec.DEFAULT_MAX_TLBI_PAGES ? ", maxTlbiPages " + s.maxTlbiPages() : "")
                    .append('\n');
        }
        for (var d : p.devices()) {
            b.append("  dev").append(d.id()).append(": on smmu").append(d.smmu()).append(", stream ID ")
                    .append(d.streamId()).append(d.canwbs() ? ", CANWBS" : "").append('\n');
        }
        b.append("  kvm: ").append(p.kvm().cpus()).append(p.kvm().cpus() == 1 ? " CPU, " : " CPUs, ")
                .append(p.kvm().vmidBits()).append("-bit VMIDs\n");
        return b.toString();
    }

    /**
     * Every step: the operation (as in the trace format), its decoded arguments, then the model's
     * and the implementation's outcome, or one line when they are the same. {@code >} marks the
     * failing step.
     */
    public static String steps(Counterexample cx) {
        StringBuilder b = new StringBuilder("Steps (> marks the failing one; the rule in brackets decided the model's"
                + "\noutcome):\n");
        Map<List<Integer>, Integer> devices = new HashMap<>();   // (ctx, DEVICE object ID) -> platform device, per the model
        for (int i = 0; i < cx.steps().size(); i++) {
            StepRecord s = cx.steps().get(i);
            String mark = i == cx.failingStep() ? ">" : " ";
            String num = String.format(Locale.ROOT, "%s%3d  ", mark, i + 1);
            b.append(Layout.wrap(Describe.op(s.op()), num, "        ", Layout.WIDTH)).append('\n');
            for (String d : Decode.op(s.op())) b.append(Layout.wrap(d, "        ", "          ", Layout.WIDTH)).append('\n');
            String device = deviceOf(s.op(), devices);
            if (device != null) b.append(Layout.wrap(device, "        ", "          ", Layout.WIDTH)).append('\n');
            trackDevices(s, devices);
            String model = outcome(s.model(), true);
            String impl = outcome(s.impl(), false);
            if (s.impl() != null && s.model() != null && outcome(s.model(), false).equals(impl)) {
                b.append(Layout.wrap(model, "        both   ", "               ", Layout.WIDTH)).append('\n');
            } else {
                b.append(Layout.wrap(model, "        model  ", "               ", Layout.WIDTH)).append('\n');
                b.append(Layout.wrap(impl, "        impl   ", "               ", Layout.WIDTH)).append('\n');
            }
        }
        if (cx.steps().isEmpty()) b.append("  (none: it failed before the first step)\n");
        return b.toString();
    }

    /**
     * {@code dev=1 is device 0}: an operation's {@code dev} is an object ID of its context, the DEVICE
     * object that a bind returned, not the platform's device number; said when the two differ.
     */
    static String deviceOf(Op op, Map<List<Integer>, Integer> devices) {
        int ctx, dev;
        if (op instanceof Op.HwptAlloc o) { ctx = o.ctx(); dev = o.dev(); }
        else if (op instanceof Op.ViommuAlloc o) { ctx = o.ctx(); dev = o.dev(); }
        else if (op instanceof Op.VdeviceAlloc o) { ctx = o.ctx(); dev = o.dev(); }
        else if (op instanceof Op.Attach o) { ctx = o.ctx(); dev = o.dev(); }
        else if (op instanceof Op.Detach o) { ctx = o.ctx(); dev = o.dev(); }
        else if (op instanceof Op.Unbind o) { ctx = o.ctx(); dev = o.dev(); }
        else return null;
        Integer device = devices.get(List.of(ctx, dev));
        return device == null || device == dev ? null : "dev=" + Integer.toUnsignedString(dev) + " is device " + device;
    }

    /** Follows the model's binds, unbinds and closes (object IDs are reused after an unbind). */
    static void trackDevices(StepRecord s, Map<List<Integer>, Integer> devices) {
        if (s.model() == null || !s.model().isOk()) return;
        if (s.op() instanceof Op.Bind b) devices.put(List.of(b.ctx(), (int) s.model().value()), b.device());
        else if (s.op() instanceof Op.Unbind u) devices.remove(List.of(u.ctx(), u.dev()));
        else if (s.op() instanceof Op.Close c) devices.keySet().removeIf(k -> k.get(0) == c.ctx());
    }

    /** {@code ok 3; issued smmu0 TLBI_S12_VMALL vmid=1, smmu0 CMD_SYNC [VMID-5]}. */
    static String outcome(Outcome o, boolean withRule) {
        if (o == null) return "- (no outcome: it threw or hung)";
        StringBuilder s = new StringBuilder(o.brief());
        if (!o.issued().isEmpty()) {
            List<String> cmds = new ArrayList<>();
            for (Issued i : o.issued()) cmds.add(Decode.issued(i));
            s.append("; issued ").append(String.join(", ", cmds));
        } else {
            s.append("; issued nothing");
        }
        if (withRule && o.rule() != null) s.append(" [").append(o.rule()).append(']');
        return s.toString();
    }

    /** The findings of the failing step, wrapped. */
    public static String findings(Counterexample cx) {
        int n = cx.steps().size();
        StringBuilder b = new StringBuilder(n == 0 ? "What differs before the first step:\n"
                : (cx.kind() == Counterexample.Kind.REQUIREMENT ? "Violation at step " : "What differs at step ") + n + ":\n");
        for (String f : cx.findings()) b.append(Layout.wrap(finding(f), "  - ", "    ", Layout.WIDTH)).append('\n');
        return b.toString();
    }

    /** What the notations of a report mean. */
    public static String legend() {
        return String.join("\n",
                "Legend:",
                "  op(ctx=1, dev=2, ...)  an operation as in the trace format (TRACE.md); ctx",
                "                         is a context, numbered from 1 in opening order (OBJ-0),",
                "                         other numbers are object IDs within it (OBJ-1)",
                "  ok N / EBUSY ...       the outcome: the ID or value returned, or the errno",
                "  issued smmuS CMD ...   commands sent to SMMU S, decoded: vmid, asid, sid",
                "                         (stream ID), addr; CMD_SYNC ends a batch (OBS-1)",
                "  [RULE-N]               the rule that decided the model's outcome",
                "  both                   the model and the implementation did the same",
                "  ctxC#N                 object N of context C; vmV=(generation,index) a KVM VM",
                "  steps[i]               the 0-based index of a step in trace.json (step i+1)",
                "  VMIDs are compared up to a renaming per SMMU (VMID-2): a different value",
                "  alone is not a failure; who shares it is.");
    }
}
