package dev.nestcheck.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule IDs of the catalogue (RULES.md, v2) with one-line titles, in catalogue order. A
 * built-in copy is compiled in, because the catalogue lives outside the repository and cannot
 * be bundled as a resource without a build change; {@link #parse} reads a RULES.md file when
 * one is at hand, so {@code nestcheck rules} follows the catalogue when it changes.
 */
public final class RuleCatalogue {
    /**
     * A rule: its ID, its section (the part before the dash), a one-line title, and {@code pending}:
     * null when the suite implements the rule, else what is missing.
     */
    public record Rule(String id, String section, String title, String pending) {
        public Rule(String id, String section, String title) {
            this(id, section, title, null);
        }

        /** Whether the model and the suite implement this rule as the catalogue states it. */
        public boolean implemented() {
            return pending == null;
        }

        /** Whether the rule is not implemented at all (as opposed to implemented in its v1 form). */
        public boolean absent() {
            return NOT_YET.equals(pending);
        }
    }

    /** Marks a rule of the catalogue that the model and the suite do not implement yet. */
    static final String NOT_YET = "not implemented yet";

    /**
     * The catalogue v2 in its order: ID, one-line title, and for rules the suite does not (fully)
     * implement yet, what is missing. Such rules are listed by {@code nestcheck rules} with that note,
     * and coverage requirements and the "rules covered" count leave them out.
     */
    private static final String[][] BUILT_IN = {
        {"PLAT-1", "SMMU instance: id, vmidBits 1..16, nesting, s2fwb, btm, rangeInv, maxTlbiPages"},
        {"PLAT-6", "IOVAs are page numbers in [0, 2^20); a mapping is a run of whole pages"},
        {"PLAT-2", "Device: id, its SMMU, its physical stream ID (unique per SMMU), canwbs"},
        {"PLAT-3", "KVM: cpus >= 1 and kvmVmidBits, with 2^kvmVmidBits - 1 > cpus"},
        {"PLAT-4", "VMID policy, one per run: S2_PARENT, VIOMMU, ICTX, KVM_PINNED"},
        {"PLAT-5", "A platform is data (serialisable); a run names it; reports print it"},
        {"OBJ-0", "Contexts and KVM VMs are numbered 1, 2, ... in opening order, never reused"},
        {"OBJ-1", "Per-context object ID space: lowest free ID from 1; failed allocation consumes none; closed context -> EBADF"},
        {"OBJ-2", "References pin their targets (HWPT_PAGING->IOAS, VIOMMU->parent, NESTED->vIOMMU, VDEVICE, attachments)"},
        {"OBJ-3", "DESTROY: unknown/tombstoned -> ENOENT; DEVICE or referenced -> EBUSY; else removed"},
        {"OBJ-4", "A lookup finding an object of the wrong type -> ENOENT unless a rule says otherwise"},
        {"OBJ-5", "BIND: one context per device (EBUSY); UNBIND detaches, tombstones its VDEVICE, frees the DEVICE"},
        {"OBJ-6", "IOAS_ALLOC always succeeds; its mappings follow section MAP"},
        {"OBJ-7", "CLOSE unbinds every device and destroys every object, leaves first, with every consequence"},
        {"HWPT-1", "HWPT_ALLOC checks: dataType/data, dev, pt, then by the kind of pt"},
        {"HWPT-2", "HWPT_ALLOC on an IOAS: stage-1 domain, or NEST_PARENT stage-2 domain with the VMID rules"},
        {"VIOMMU-1", "VIOMMU_ALLOC checks: type, dev, nesting/canwbs/s2fwb, hwpt, nest parent, same SMMU, VMID"},
        {"VIOMMU-2", "The vIOMMU belongs to dev's SMMU and references its parent"},
        {"NEST-1", "HWPT_ALLOC on a vIOMMU: same SMMU, flags 0 or FAULT_ID, 16-byte ARM_SMMUV3 vSTE, valid vSTE"},
        {"NEST-2", "vSTE validation: V clear -> abort; reserved bits, Config 0/4/5, EATS 0/1 -> else EIO"},
        {"NEST-3", "The nested HWPT references its vIOMMU (not the parent directly)"},
        {"VDEV-1", "VDEVICE_ALLOC checks: viommu, dev, same SMMU, one VDEVICE per device, virtId unique per vIOMMU"},
        {"VDEV-2", "After DESTROY of a VDEVICE the device may get a new one"},
        {"ATT-1", "ATTACH attaches or replaces; dev/hwpt unknown -> ENOENT; not a HWPT -> EINVAL"},
        {"ATT-2", "HWPT_PAGING of another SMMU -> EINVAL"},
        {"ATT-3", "HWPT_NESTED: vIOMMU on another SMMU -> EINVAL; translate without VDEVICE -> ENOENT"},
        {"ATT-4", "Replacing onto the hwpt already attached succeeds and changes nothing"},
        {"ATT-5", "A failed attach or replace leaves the old attachment exactly as it was"},
        {"ATT-6", "DETACH blocks the device; detach when not attached succeeds (model decision)"},
        {"STE-1", "Unbound, detached or blocked: ABORT, VMID 0"},
        {"STE-2", "Attached to a stage-1 paging domain: S1, VMID 0"},
        {"STE-3", "Attached to a nest parent directly: S2 with the parent's VMID"},
        {"STE-4", "Attached to a nested domain: ABORT, S2 or NESTED with the vIOMMU's VMID"},
        {"STE-5", "S2/NESTED STEs never carry VMID 0; S1 and ABORT always do"},
        {"VMID-1", "Per-SMMU pool [1, 2^vmidBits - 1]; VMID 0 reserved"},
        {"VMID-2", "Which free VMID is chosen is not contract: compared up to per-SMMU renaming"},
        {"VMID-3", "No free VMID when one is needed -> ENOSPC, nothing created"},
        {"VMID-4", "Who owns a VMID, by policy (S2_PARENT, VIOMMU, ICTX, KVM_PINNED)"},
        {"VMID-5", "Released with its owner, after TLBI_S12_VMALL + CMD_SYNC"},
        {"VMID-6", "ICTX and KVM_PINNED: a second nest parent of a context on one SMMU -> EBUSY"},
        {"VMID-7", "KVM_PINNED: needs a bound VM (EINVAL), vmidBits >= kvmVmidBits (EOPNOTSUPP), pin (ENOSPC)"},
        {"VMID-8", "Order of the VMID checks at HWPT_ALLOC(NEST_PARENT) and VIOMMU_ALLOC"},
        {"KVM-1", "KVM VMIDs are (generation, index); index 0 never given; a new VM has none"},
        {"KVM-2", "VCPU_LOAD keeps a current VMID or gets a new one; VCPU_PUT runs nothing"},
        {"KVM-3", "New VMID: keep a reserved/pinned/free old index, else next-fit, else rollover"},
        {"KVM-4", "Rollover: generation + 1, in-use = running/reserved + pinned, one flush"},
        {"KVM-5", "PIN/UNPIN: refcounted, capped at 2^kvmVmidBits - cpus - 2"},
        {"KVM-6", "A pinned index never changes and is never given to another VM"},
        {"KVM-7", "KVM_VM_DESTROY: unknown -> ENOENT; bound -> EBUSY; else CPUs stop running it"},
        {"KVM-8", "KVM_BIND: one VM per context and one context per VM (EBUSY)"},
        {"INV-1", "INVALIDATE checks and entryNum: id, kind, dataType, commands"},
        {"INV-2", "Guest command conversion: TLBI VMID replaced, SID looked up, others EIO"},
        {"INV-3", "Batches of at most 63 with CMD_SYNC; first failure stops with entryNum = i"},
        {"MAP-1", "IOAS_MAP at a fixed IOVA: one area; ENOENT, EINVAL (empty, outside 2^20), EEXIST; no command"},
        {"MAP-2", "IOAS_UNMAP removes whole areas in IOVA order; a cut area -> ENOENT; invalidates per S2INV"},
        {"MAP-3", "IOASes start empty; destroying one with mappings is allowed when unreferenced; nothing issued"},
        {"S2INV-1", "A nest parent's invalidation set: S2_VMID, S2_VMID_S1_CLEAR, ATS_FULL from what is attached"},
        {"S2INV-2", "Unmap invalidation per area and parent: S2 TLBIs, then NH_ALL, then ATC_INV, each batch synced"},
        {"S2INV-3", "Last user of a VMID on a parent: TLBI_S12_VMALL (or TLBI_NH_ALL) + CMD_SYNC at that operation"},
        {"S2INV-4", "ATS disabled or replaced: ATC_INV(all) + CMD_SYNC after the STE change; enabled: before it"},
        {"S2INV-5", "CLOSE unbinds by increasing DEVICE ID, each with its S2INV-3/4 commands"},
        {"TLB-1", "Abstract TLB: a VMID joins when an S2 or NESTED STE with it is installed"},
        {"TLB-2", "TLBI_S12_VMALL(v)+SYNC removes v; TLBI_NSNH_ALL+SYNC removes all"},
        {"TLB-3", "A VMID handed to a new owner is never in that SMMU's TLB set"},
        {"TLB-4", "Page-level TLB and ATC entries per VMID and device, removed only by the matching invalidation"},
        {"REQ-VCMDQ", "All NESTED/S2 STEs of one context on one SMMU carry one VMID"},
        {"REQ-BTM", "Every such STE carries its context's VM's pinned KVM VMID index"},
        {"REQ-ECONOMY", "At most one VMID per context per SMMU"},
        {"REQ-NOKVM", "A full nesting setup succeeds with no KVM VM bound"},
        {"REQ-UNMAP1", "An unmap invalidates stage 2 under at most one VMID per context per SMMU"},
        {"OBS-1", "Each operation returns an outcome and the TLB-maintenance commands it issued"},
        {"OBS-2", "A snapshot of contexts, devices, SMMU VMIDs and TLB sets, KVM state"},
        {"OBS-3", "Conformance: outcomes exact, commands batch by batch and snapshots up to VMID renaming, invariants hold"},
        {"OBS-4", "The snapshot also shows IOAS areas and the TLB-4 entries that may still be cached"},
        {"G-1", "STE VMIDs within [1, 2^vmidBits - 1] for S2/NESTED, 0 otherwise"},
        {"G-2", "On one SMMU, STEs of different contexts never share a VMID"},
        {"G-3", "On one SMMU, STEs sharing a VMID use the same stage-2 parent"},
        {"G-4", "TLB-3 holds"},
        {"G-5", "KVM_PINNED: REQ-BTM holds and the VM is pinned while an STE uses it"},
        {"G-6", "KVM: CPUs running different VMs run different indices; no index 0; pins stable"},
        {"G-7", "No leak: after every context closes, pools full, STEs ABORT, nothing pinned"},
        {"G-8", "Reference counts: nothing referenced is gone"},
        {"G-9", "No stale translation: no TLB or ATC entry outlives the unmap of its page"},
        {"G-10", "Order: every host ATC_INV follows a CMD_SYNC that completes the operation's earlier TLBIs"},
    };

    private static final Pattern RULE_LINE = Pattern.compile(
            "^-\\s+([A-Z][A-Z0-9]{0,7}-(?:\\d+|[A-Z][A-Z0-9]*)):?\\s+(.*)$");
    private static final int TITLE_MAX = 100;

    private final List<Rule> rules;
    private final String source;

    private RuleCatalogue(List<Rule> rules, String source) {
        this.rules = Collections.unmodifiableList(rules);
        this.source = source;
    }

    /** The compiled-in copy of the catalogue, v2. */
    public static RuleCatalogue builtIn() {
        List<Rule> rules = new ArrayList<>();
        for (String[] r : BUILT_IN) rules.add(new Rule(r[0], section(r[0]), r[1], r.length > 2 ? r[2] : null));
        return new RuleCatalogue(rules, "built-in copy of the rule catalogue v2");
    }

    /**
     * Reads the rule list of a RULES.md: every bullet that starts with a rule ID ({@code - ID text}),
     * the title being the first sentence of the text, shortened to one line.
     *
     * @return empty if the file cannot be read or names no rules
     */
    public static Optional<RuleCatalogue> parse(Path rulesMd) {
        List<String> lines;
        try {
            lines = Files.readAllLines(rulesMd, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = RULE_LINE.matcher(lines.get(i));
            if (!m.matches()) continue;
            String id = m.group(1);
            StringBuilder text = new StringBuilder(m.group(2).strip());
            // a bullet's text continues on indented lines (not on nested lists or tables)
            for (int j = i + 1; j < lines.size(); j++) {
                String next = lines.get(j);
                String s = next.strip();
                if (!next.startsWith("  ") || s.isEmpty() || s.startsWith("|") || s.startsWith("-")
                        || Character.isDigit(s.charAt(0))) break;
                text.append(' ').append(s);
            }
            rules.putIfAbsent(id, new Rule(id, section(id), title(text.toString())));
        }
        if (rules.isEmpty()) return Optional.empty();
        return Optional.of(new RuleCatalogue(new ArrayList<>(rules.values()), rulesMd.toString()));
    }

    /**
     * The catalogue from the first of {@code candidates} that parses, else the built-in copy. The
     * file decides which rules exist and in which order; the built-in titles, written as one-line
     * summaries, are kept for the rules they know, and the file's first sentence is used for the
     * others.
     */
    public static RuleCatalogue find(List<Path> candidates) {
        RuleCatalogue builtIn = builtIn();
        for (Path p : candidates) {
            if (p != null && Files.isRegularFile(p)) {
                Optional<RuleCatalogue> c = parse(p);
                if (c.isPresent()) {
                    List<Rule> merged = new ArrayList<>();
                    for (Rule r : c.get().rules())
                        merged.add(builtIn.rule(r.id()).orElse(r));
                    return new RuleCatalogue(merged, p.normalize() + " (one-line titles from the built-in table)");
                }
            }
        }
        return builtIn;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Where the titles come from: a path or "built-in copy ...". */
    public String source() {
        return source;
    }

    public List<String> ids() {
        List<String> ids = new ArrayList<>(rules.size());
        for (Rule r : rules) ids.add(r.id());
        return ids;
    }

    public Optional<Rule> rule(String id) {
        for (Rule r : rules) if (r.id().equals(id)) return Optional.of(r);
        return Optional.empty();
    }

    /** {@code PLAT}, {@code OBJ}, ..., {@code REQ}, {@code G}. */
    static String section(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? id : id.substring(0, dash);
    }

    /** The first sentence of a rule's text, Markdown code marks removed, on one line, at most 100 characters. */
    static String title(String text) {
        String t = text.replace("`", "").replaceAll("\\s+", " ").strip();
        int end = t.indexOf(". ");
        if (end > 0) t = t.substring(0, end);
        if (t.endsWith(".")) t = t.substring(0, t.length() - 1);
        if (t.length() > TITLE_MAX) {
            int cut = t.lastIndexOf(' ', TITLE_MAX - 4);
            t = t.substring(0, cut > 40 ? cut : TITLE_MAX - 4).replaceAll("[,;:(]$", "") + " ...";
        }
        return t;
    }
}
