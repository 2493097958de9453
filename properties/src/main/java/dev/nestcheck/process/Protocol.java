package dev.nestcheck.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nestcheck.process.Json.ProtocolViolation;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.Issued;
import dev.nestcheck.spec.ObjectKind;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Snapshot;
import dev.nestcheck.spec.SteKind;
import dev.nestcheck.trace.Step;
import dev.nestcheck.trace.TraceCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The messages of {@code nestcheck-protocol/1} (docs/PROTOCOL.md), both directions, for the whole
 * contract. Operations and platforms are written exactly as the trace format writes them
 * ({@link TraceCodec#writeStep}, {@link TraceCodec#writePlatform}), so every op of TRACE.md,
 * present and future, travels without a change here. Outcomes use the trace's expectation
 * vocabulary ({@code ok}, {@code errno}, {@code entryNum}) plus the full commands; the snapshot
 * mirrors OBS-2 ({@link Snapshot}) with lists instead of maps, so that a C writer needs no
 * string keys.
 */
public final class Protocol {
    /** The protocol version this nestcheck speaks; the child names it in its handshake. */
    public static final String VERSION = "nestcheck-protocol/1";
    /** The component name of the whole contract. */
    public static final String FULL = "full";

    private Protocol() {
    }

    // ------------------------------------------------------------------ nestcheck -> child

    /** {@code {"create": PLATFORM}}: a fresh implementation for the platform. */
    public static String createLine(Platform platform) {
        return "{\"create\":" + Json.compact(TraceCodec.writePlatform(platform)) + "}";
    }

    /** {@code {"snapshot": true}}: the state now. */
    public static String snapshotLine() {
        return "{\"snapshot\":true}";
    }

    /** The op as a trace step (no expectation), asking for the snapshot after it when {@code withSnapshot}. */
    public static String opLine(Op op, boolean withSnapshot) {
        String step = TraceCodec.writeStep(new Step(op, null));
        return withSnapshot ? step.substring(0, step.length() - 1) + ", \"snapshot\": true}" : step;
    }

    // ------------------------------------------------------------------ outcomes

    /** An answer to an operation: the outcome, and the snapshot when it was asked for (else null). */
    public record Answer(Outcome outcome, Snapshot snapshot) {
    }

    private static final Set<String> OUTCOME_FIELDS = Set.of("ok", "errno", "entryNum", "issued", "rule");

    /**
     * Reads an answer to an operation. {@code extra} are further fields the caller reads itself
     * (a component's results); {@code snapshot} says whether a snapshot must be there.
     */
    public static Outcome outcome(JsonNode n, Set<String> extra) {
        Set<String> allowed = new HashSet<>(OUTCOME_FIELDS);
        allowed.addAll(extra);
        Json.fields(n, "", allowed, List.of());
        if (n.has("ok") == n.has("errno"))
            throw new ProtocolViolation("an answer has exactly one of \"ok\" and \"errno\"");
        int entryNum = n.has("entryNum") ? Json.integer(n.get("entryNum"), "entryNum") : Outcome.NO_ENTRY_NUM;
        if (n.has("entryNum") && entryNum < 0) throw new ProtocolViolation("\"entryNum\" must be >= 0, got " + entryNum);
        List<Issued> issued = n.has("issued") ? issued(n.get("issued")) : List.of();
        String rule = n.has("rule") ? Json.string(n.get("rule"), "rule") : null;
        if (n.has("ok")) {
            JsonNode ok = n.get("ok");
            long value;
            if (ok.isBoolean()) {
                if (!ok.booleanValue()) throw new ProtocolViolation("\"ok\" must be true or a number (use \"errno\" for failures)");
                value = 0;
            } else {
                value = Json.u64(ok, "ok");
            }
            return new Outcome(null, value, entryNum, issued, rule);
        }
        return new Outcome(Json.enumValue(n.get("errno"), "errno", Errno.class), 0, entryNum, issued, rule);
    }

    /** Reads the answer to {@link #opLine}: outcome fields plus {@code snapshot} when asked for. */
    public static Answer answer(String line, boolean withSnapshot) {
        JsonNode n = Json.object(line);
        Outcome o = outcome(n, withSnapshot ? Set.of("snapshot") : Set.of());
        Snapshot s = null;
        if (withSnapshot) {
            if (!n.has("snapshot")) throw new ProtocolViolation("missing field \"snapshot\" (it was asked for)");
            s = snapshot(Json.obj(n.get("snapshot"), "snapshot"));
        }
        return new Answer(o, s);
    }

    private static List<Issued> issued(JsonNode a) {
        Json.array(a, "issued");
        List<Issued> out = new ArrayList<>(a.size());
        for (int k = 0; k < a.size(); k++) {
            String at = "issued[" + k + "]";
            JsonNode i = Json.obj(a.get(k), at);
            Json.fields(i, at + ".", Set.of("smmu", "cmd"), List.of("smmu", "cmd"));
            JsonNode c = Json.array(i.get("cmd"), at + ".cmd");
            if (c.size() != 2) throw new ProtocolViolation("\"" + at + ".cmd\" must be two 64-bit words [word0, word1]");
            out.add(new Issued(Json.integer(i.get("smmu"), at + ".smmu"),
                    new Cmd(Json.u64(c.get(0), at + ".cmd[0]"), Json.u64(c.get(1), at + ".cmd[1]"))));
        }
        return out;
    }

    /** The outcome fields of an answer, as the child writes them (without the braces). */
    public static String outcomeFields(boolean returnsValue, Outcome o) {
        StringBuilder b = new StringBuilder();
        if (o.isOk()) b.append("\"ok\": ").append(!returnsValue && o.value() == 0 ? "true" : Json.value(o.value()));
        else b.append("\"errno\": ").append(Json.quote(o.errno().name()));
        if (o.entryNum() != Outcome.NO_ENTRY_NUM) b.append(", \"entryNum\": ").append(o.entryNum());
        if (!o.issued().isEmpty()) {
            b.append(", \"issued\": [");
            for (int i = 0; i < o.issued().size(); i++) {
                Issued x = o.issued().get(i);
                if (i > 0) b.append(", ");
                b.append("{\"smmu\": ").append(x.smmu()).append(", \"cmd\": [").append(Json.word(x.cmd().word0()))
                        .append(", ").append(Json.word(x.cmd().word1())).append("]}");
            }
            b.append(']');
        }
        if (o.rule() != null) b.append(", \"rule\": ").append(Json.quote(o.rule()));
        return b.toString();
    }

    // ------------------------------------------------------------------ snapshots

    /** Reads a whole-contract snapshot object. */
    public static Snapshot snapshot(JsonNode s) {
        Json.fields(s, "snapshot.", Set.of("contexts", "devices", "smmus", "kvm"), List.of("contexts", "devices", "smmus", "kvm"));
        Map<Integer, Snapshot.Context> contexts = new TreeMap<>();
        JsonNode cs = Json.array(s.get("contexts"), "snapshot.contexts");
        for (int k = 0; k < cs.size(); k++) {
            String at = "snapshot.contexts[" + k + "]";
            JsonNode c = Json.obj(cs.get(k), at);
            Json.fields(c, at + ".", Set.of("ctx", "objects", "tombstones", "kvmVm"), List.of("ctx"));
            int ctx = Json.integer(c.get("ctx"), at + ".ctx");
            Map<Integer, Snapshot.Obj> objects = new HashMap<>();
            if (c.has("objects")) {
                JsonNode os = Json.array(c.get("objects"), at + ".objects");
                for (int j = 0; j < os.size(); j++) {
                    String ot = at + ".objects[" + j + "]";
                    JsonNode o = Json.obj(os.get(j), ot);
                    Json.fields(o, ot + ".", Set.of("id", "kind", "ref", "smmu", "nestParent", "vste", "virtId", "device", "areas"),
                            List.of("id", "kind"));
                    long v0 = 0, v1 = 0;
                    if (o.has("vste")) {
                        JsonNode v = Json.array(o.get("vste"), ot + ".vste");
                        if (v.size() != 2) throw new ProtocolViolation("\"" + ot + ".vste\" must be two 64-bit words");
                        v0 = Json.u64(v.get(0), ot + ".vste[0]");
                        v1 = Json.u64(v.get(1), ot + ".vste[1]");
                    }
                    int id = Json.integer(o.get("id"), ot + ".id");
                    List<Snapshot.Area> areas = new ArrayList<>(); // OBS-4: an IOAS's mapped areas
                    if (o.has("areas")) {
                        JsonNode as = Json.array(o.get("areas"), ot + ".areas");
                        for (int a = 0; a < as.size(); a++) {
                            JsonNode pair = Json.array(as.get(a), ot + ".areas[" + a + "]");
                            if (pair.size() != 2)
                                throw new ProtocolViolation("\"" + ot + ".areas[" + a + "]\" must be [iova, pages]");
                            long iova = Json.u64(pair.get(0), ot + ".areas[" + a + "][0]");
                            long pages = Json.u64(pair.get(1), ot + ".areas[" + a + "][1]");
                            if (pages < 1)
                                throw new ProtocolViolation("\"" + ot + ".areas[" + a + "][1]\" must be at least 1 page");
                            areas.add(new Snapshot.Area(iova, pages));
                        }
                    }
                    if (objects.put(id, new Snapshot.Obj(Json.enumValue(o.get("kind"), ot + ".kind", ObjectKind.class),
                            o.has("ref") ? Json.integer(o.get("ref"), ot + ".ref") : 0,
                            o.has("smmu") ? Json.integer(o.get("smmu"), ot + ".smmu") : -1,
                            o.has("nestParent") && Json.bool(o.get("nestParent"), ot + ".nestParent"), v0, v1,
                            o.has("virtId") ? Json.u64(o.get("virtId"), ot + ".virtId") : 0,
                            o.has("device") ? Json.integer(o.get("device"), ot + ".device") : -1, areas)) != null)
                        throw new ProtocolViolation("\"" + at + "\" lists object " + id + " twice");
                }
            }
            Set<Integer> tombstones = new HashSet<>();
            if (c.has("tombstones")) {
                JsonNode ts = Json.array(c.get("tombstones"), at + ".tombstones");
                for (int j = 0; j < ts.size(); j++) tombstones.add(Json.integer(ts.get(j), at + ".tombstones[" + j + "]"));
            }
            int vm = c.has("kvmVm") ? Json.integer(c.get("kvmVm"), at + ".kvmVm") : 0;
            if (contexts.put(ctx, new Snapshot.Context(objects, tombstones, vm)) != null)
                throw new ProtocolViolation("\"snapshot.contexts\" lists context " + ctx + " twice");
        }
        List<Snapshot.Device> devices = new ArrayList<>();
        JsonNode ds = Json.array(s.get("devices"), "snapshot.devices");
        for (int k = 0; k < ds.size(); k++) {
            String at = "snapshot.devices[" + k + "]";
            JsonNode d = Json.obj(ds.get(k), at);
            Json.fields(d, at + ".", Set.of("ctx", "objectId", "attached", "ste"), List.of("ste"));
            JsonNode e = Json.obj(d.get("ste"), at + ".ste");
            Json.fields(e, at + ".ste.", Set.of("kind", "vmid", "s1ContextPtr", "ats"), List.of("kind"));
            Snapshot.Ste ste = new Snapshot.Ste(Json.enumValue(e.get("kind"), at + ".ste.kind", SteKind.class),
                    e.has("vmid") ? Json.integer(e.get("vmid"), at + ".ste.vmid") : 0,
                    e.has("s1ContextPtr") ? Json.u64(e.get("s1ContextPtr"), at + ".ste.s1ContextPtr") : 0,
                    e.has("ats") && Json.bool(e.get("ats"), at + ".ste.ats"));
            devices.add(new Snapshot.Device(d.has("ctx") ? Json.integer(d.get("ctx"), at + ".ctx") : 0,
                    d.has("objectId") ? Json.integer(d.get("objectId"), at + ".objectId") : 0,
                    d.has("attached") ? Json.integer(d.get("attached"), at + ".attached") : 0, ste));
        }
        List<Snapshot.Smmu> smmus = new ArrayList<>();
        JsonNode ss = Json.array(s.get("smmus"), "snapshot.smmus");
        for (int k = 0; k < ss.size(); k++) {
            String at = "snapshot.smmus[" + k + "]";
            JsonNode m = Json.obj(ss.get(k), at);
            Json.fields(m, at + ".", Set.of("vmids", "tlb"), List.of());
            Map<Integer, Snapshot.Owner> vmids = new HashMap<>();
            if (m.has("vmids")) {
                JsonNode vs = Json.array(m.get("vmids"), at + ".vmids");
                for (int j = 0; j < vs.size(); j++) {
                    String vt = at + ".vmids[" + j + "]";
                    JsonNode v = Json.obj(vs.get(j), vt);
                    Json.fields(v, vt + ".", Set.of("vmid", "owner"), List.of("vmid", "owner"));
                    JsonNode o = Json.obj(v.get("owner"), vt + ".owner");
                    Json.fields(o, vt + ".owner.", Set.of("kind", "ctx", "id"), List.of("kind"));
                    int vmid = Json.integer(v.get("vmid"), vt + ".vmid");
                    if (vmids.put(vmid, new Snapshot.Owner(Json.enumValue(o.get("kind"), vt + ".owner.kind", Snapshot.OwnerKind.class),
                            o.has("ctx") ? Json.integer(o.get("ctx"), vt + ".owner.ctx") : 0,
                            o.has("id") ? Json.integer(o.get("id"), vt + ".owner.id") : 0)) != null)
                        throw new ProtocolViolation("\"" + at + ".vmids\" lists VMID " + vmid + " twice");
                }
            }
            Set<Integer> tlb = new HashSet<>();
            if (m.has("tlb")) {
                JsonNode ts = Json.array(m.get("tlb"), at + ".tlb");
                for (int j = 0; j < ts.size(); j++) tlb.add(Json.integer(ts.get(j), at + ".tlb[" + j + "]"));
            }
            smmus.add(new Snapshot.Smmu(vmids, tlb));
        }
        return new Snapshot(contexts, devices, smmus, kvm(Json.obj(s.get("kvm"), "snapshot.kvm"), "snapshot.kvm"));
    }

    /** Reads the KVM part of a snapshot (OBS-2), the whole snapshot of the {@code kvm} component. */
    public static Snapshot.Kvm kvm(JsonNode k, String where) {
        Json.fields(k, where + ".", Set.of("vms", "cpuRunning", "rollovers"), List.of("cpuRunning"));
        Map<Integer, Snapshot.Vm> vms = new TreeMap<>();
        if (k.has("vms")) {
            JsonNode vs = Json.array(k.get("vms"), where + ".vms");
            for (int j = 0; j < vs.size(); j++) {
                String at = where + ".vms[" + j + "]";
                JsonNode v = Json.obj(vs.get(j), at);
                Json.fields(v, at + ".", Set.of("vm", "generation", "index", "pins"), List.of("vm"));
                int vm = Json.integer(v.get("vm"), at + ".vm");
                if (vms.put(vm, new Snapshot.Vm(v.has("generation") ? Json.u64(v.get("generation"), at + ".generation") : 0,
                        v.has("index") ? Json.integer(v.get("index"), at + ".index") : 0,
                        v.has("pins") ? Json.integer(v.get("pins"), at + ".pins") : 0)) != null)
                    throw new ProtocolViolation("\"" + where + ".vms\" lists VM " + vm + " twice");
            }
        }
        List<Integer> running = new ArrayList<>();
        JsonNode rs = Json.array(k.get("cpuRunning"), where + ".cpuRunning");
        for (int j = 0; j < rs.size(); j++) running.add(Json.integer(rs.get(j), where + ".cpuRunning[" + j + "]"));
        return new Snapshot.Kvm(vms, running, k.has("rollovers") ? Json.integer(k.get("rollovers"), where + ".rollovers") : 0);
    }

    /** A whole-contract snapshot as the child writes it (fields at their defaults are left out). */
    public static String snapshotJson(Snapshot s) {
        StringBuilder b = new StringBuilder("{\"contexts\": [");
        boolean first = true;
        for (Map.Entry<Integer, Snapshot.Context> e : new TreeMap<>(s.contexts()).entrySet()) {
            if (!first) b.append(", ");
            first = false;
            Snapshot.Context c = e.getValue();
            b.append("{\"ctx\": ").append(e.getKey()).append(", \"objects\": [");
            boolean f2 = true;
            for (Map.Entry<Integer, Snapshot.Obj> oe : new TreeMap<>(c.objects()).entrySet()) {
                if (!f2) b.append(", ");
                f2 = false;
                Snapshot.Obj o = oe.getValue();
                b.append("{\"id\": ").append(oe.getKey()).append(", \"kind\": \"").append(o.kind().name()).append('"');
                if (o.ref() != 0) b.append(", \"ref\": ").append(o.ref());
                if (o.smmu() != -1) b.append(", \"smmu\": ").append(o.smmu());
                if (o.nestParent()) b.append(", \"nestParent\": true");
                if (o.vste0() != 0 || o.vste1() != 0)
                    b.append(", \"vste\": [").append(Json.word(o.vste0())).append(", ").append(Json.word(o.vste1())).append(']');
                if (o.virtId() != 0) b.append(", \"virtId\": ").append(Json.value(o.virtId()));
                if (o.device() != -1) b.append(", \"device\": ").append(o.device());
                if (!o.areas().isEmpty()) {
                    b.append(", \"areas\": [");
                    for (int a = 0; a < o.areas().size(); a++) {
                        Snapshot.Area area = o.areas().get(a);
                        b.append(a == 0 ? "[" : ", [").append(area.iova()).append(", ").append(area.pages()).append(']');
                    }
                    b.append(']');
                }
                b.append('}');
            }
            b.append("], \"tombstones\": ").append(new TreeSet<>(c.tombstones()).toString().replace(" ", ""));
            if (c.kvmVm() != 0) b.append(", \"kvmVm\": ").append(c.kvmVm());
            b.append('}');
        }
        b.append("], \"devices\": [");
        for (int i = 0; i < s.devices().size(); i++) {
            Snapshot.Device d = s.devices().get(i);
            if (i > 0) b.append(", ");
            b.append('{');
            if (d.ctx() != 0) b.append("\"ctx\": ").append(d.ctx()).append(", \"objectId\": ").append(d.objectId()).append(", ");
            if (d.attached() != 0) b.append("\"attached\": ").append(d.attached()).append(", ");
            Snapshot.Ste e = d.ste();
            b.append("\"ste\": {\"kind\": \"").append(e.kind().name()).append('"');
            if (e.vmid() != 0) b.append(", \"vmid\": ").append(e.vmid());
            if (e.s1ContextPtr() != 0) b.append(", \"s1ContextPtr\": ").append(Json.word(e.s1ContextPtr()));
            if (e.ats()) b.append(", \"ats\": true");
            b.append("}}");
        }
        b.append("], \"smmus\": [");
        for (int i = 0; i < s.smmus().size(); i++) {
            Snapshot.Smmu m = s.smmus().get(i);
            if (i > 0) b.append(", ");
            b.append("{\"vmids\": [");
            boolean f2 = true;
            for (Map.Entry<Integer, Snapshot.Owner> v : new TreeMap<>(m.vmids()).entrySet()) {
                if (!f2) b.append(", ");
                f2 = false;
                Snapshot.Owner o = v.getValue();
                b.append("{\"vmid\": ").append(v.getKey()).append(", \"owner\": {\"kind\": \"").append(o.kind().name())
                        .append("\", \"ctx\": ").append(o.ctx()).append(", \"id\": ").append(o.id()).append("}}");
            }
            b.append("], \"tlb\": ").append(new TreeSet<>(m.tlb()).toString().replace(" ", "")).append('}');
        }
        return b.append("], \"kvm\": ").append(kvmJson(s.kvm())).append('}').toString();
    }

    /** The KVM part of a snapshot as the child writes it. */
    public static String kvmJson(Snapshot.Kvm k) {
        StringBuilder b = new StringBuilder("{\"vms\": [");
        boolean first = true;
        for (Map.Entry<Integer, Snapshot.Vm> e : new TreeMap<>(k.vms()).entrySet()) {
            if (!first) b.append(", ");
            first = false;
            Snapshot.Vm v = e.getValue();
            b.append("{\"vm\": ").append(e.getKey()).append(", \"generation\": ").append(v.generation())
                    .append(", \"index\": ").append(v.index()).append(", \"pins\": ").append(v.pins()).append('}');
        }
        return b.append("], \"cpuRunning\": ").append(k.cpuRunning().toString().replace(" ", ""))
                .append(", \"rollovers\": ").append(k.rollovers()).append('}').toString();
    }
}
