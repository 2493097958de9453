package dev.nestcheck.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Json;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.process.Protocol;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a component operation returned: the outcome (as for the whole contract), and the results
 * only some components have: for {@code vste} on success the stored vSTE words and the STE, for
 * {@code kvm} the KVM state after the step when it was asked for.
 */
public record ComponentAnswer(Outcome outcome, long[] vste, Snapshot.Ste ste, Snapshot.Kvm kvm) {

    public static ComponentAnswer of(Outcome o) {
        return new ComponentAnswer(o, null, null, null);
    }

    public ComponentAnswer withKvm(Snapshot.Kvm k) {
        return new ComponentAnswer(outcome, vste, ste, k);
    }

    /** The answer line a child writes (without the snapshot unless {@code kvm} is set). */
    public String json(ComponentOp op) {
        StringBuilder b = new StringBuilder("{").append(Protocol.outcomeFields(op.returnsValue(), outcome));
        if (vste != null) b.append(", \"vste\": [").append(Json.word(vste[0])).append(", ").append(Json.word(vste[1])).append(']');
        if (ste != null) b.append(", \"ste\": ").append(steJson(ste));
        if (kvm != null) b.append(", \"snapshot\": {\"kvm\": ").append(Protocol.kvmJson(kvm)).append('}');
        return b.append('}').toString();
    }

    static String steJson(Snapshot.Ste s) {
        return "{\"kind\": \"" + s.kind().name() + "\", \"vmid\": " + s.vmid() + ", \"s1ContextPtr\": " + Json.word(s.s1ContextPtr())
                + ", \"ats\": " + s.ats() + "}";
    }

    /** Reads an answer of {@code component} to {@code op}; {@code withSnapshot}: the KVM state must be there. */
    public static ComponentAnswer read(Component component, String line, boolean withSnapshot) {
        JsonNode n = Json.object(line);
        Set<String> extra = new HashSet<>();
        if (component == Component.VSTE) extra.addAll(List.of("vste", "ste"));
        if (withSnapshot) extra.add("snapshot");
        Outcome o = Protocol.outcome(n, extra);
        long[] vste = null;
        Snapshot.Ste ste = null;
        if (component == Component.VSTE && o.isOk()) {
            if (!n.has("vste") || !n.has("ste"))
                throw new ProtocolViolation("a vste answer with \"ok\" has \"vste\" (the stored words) and \"ste\"");
            JsonNode v = Json.array(n.get("vste"), "vste");
            if (v.size() != 2) throw new ProtocolViolation("\"vste\" must be two 64-bit words");
            vste = new long[] {Json.u64(v.get(0), "vste[0]"), Json.u64(v.get(1), "vste[1]")};
            JsonNode e = Json.obj(n.get("ste"), "ste");
            // as in a snapshot's STE: fields at their default (0, false) may be left out
            Json.fields(e, "ste.", Set.of("kind", "vmid", "s1ContextPtr", "ats"), List.of("kind"));
            ste = new Snapshot.Ste(Json.enumValue(e.get("kind"), "ste.kind", SteKind.class),
                    e.has("vmid") ? Json.integer(e.get("vmid"), "ste.vmid") : 0,
                    e.has("s1ContextPtr") ? Json.u64(e.get("s1ContextPtr"), "ste.s1ContextPtr") : 0,
                    e.has("ats") && Json.bool(e.get("ats"), "ste.ats"));
        } else if (n.has("vste") || n.has("ste")) {
            throw new ProtocolViolation("\"vste\" and \"ste\" belong to a successful vste answer only");
        }
        Snapshot.Kvm kvm = null;
        if (withSnapshot) {
            if (!n.has("snapshot")) throw new ProtocolViolation("missing field \"snapshot\" (it was asked for)");
            JsonNode s = Json.obj(n.get("snapshot"), "snapshot");
            Json.fields(s, "snapshot.", Set.of("kvm"), List.of("kvm"));
            kvm = Protocol.kvm(Json.obj(s.get("kvm"), "snapshot.kvm"), "snapshot.kvm");
        }
        return new ComponentAnswer(o, vste, ste, kvm);
    }

    /** Short form for tables: {@code ok 2}, {@code ENOSPC}, {@code ok NESTED vmid 7 ats}. */
    public String brief() {
        String s = outcome.brief();
        if (ste != null) {
            s += " " + ste.kind() + (ste.vmid() != 0 ? " vmid " + ste.vmid() : "") + (ste.ats() ? " ats" : "");
        }
        if (!outcome.issued().isEmpty()) s += " [" + outcome.issued().size() + " commands]";
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComponentAnswer a && a.outcome.equals(outcome) && java.util.Arrays.equals(a.vste, vste)
                && java.util.Objects.equals(a.ste, ste) && java.util.Objects.equals(a.kvm, kvm);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(outcome, java.util.Arrays.hashCode(vste), ste, kvm);
    }
}
