package dev.nestcheck.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * PLAT-5: the platform a run is set up on, as data. SMMU ids and device ids are dense
 * (0..n-1), so implementations may index arrays by them.
 */
public record Platform(Policy policy, List<SmmuSpec> smmus, List<DeviceSpec> devices, KvmSpec kvm) {
    public Platform {
        if (policy == null) throw new IllegalArgumentException("platform: policy is required");
        smmus = List.copyOf(smmus);
        devices = List.copyOf(devices);
        kvm = kvm == null ? KvmSpec.DEFAULT : kvm;
        if (smmus.isEmpty()) throw new IllegalArgumentException("platform: at least one smmu is required");
        for (int i = 0; i < smmus.size(); i++)
            if (smmus.get(i).id() != i)
                throw new IllegalArgumentException("platform: smmu ids must be 0..n-1 in order, found " + smmus.get(i).id() + " at " + i);
        for (int i = 0; i < devices.size(); i++) {
            DeviceSpec d = devices.get(i);
            if (d.id() != i)
                throw new IllegalArgumentException("platform: device ids must be 0..n-1 in order, found " + d.id() + " at " + i);
            if (d.smmu() < 0 || d.smmu() >= smmus.size())
                throw new IllegalArgumentException("platform: device " + d.id() + " names unknown smmu " + d.smmu());
            for (int j = 0; j < i; j++)
                if (devices.get(j).smmu() == d.smmu() && devices.get(j).streamId() == d.streamId())
                    throw new IllegalArgumentException("platform: devices " + j + " and " + i
                            + " share stream ID " + d.streamId() + " on smmu " + d.smmu() + " (PLAT-2)");
        }
    }

    public SmmuSpec smmu(int id) {
        return smmus.get(id);
    }

    public DeviceSpec device(int id) {
        return devices.get(id);
    }

    public Platform withPolicy(Policy p) {
        return new Platform(p, smmus, devices, kvm);
    }

    /** One line, for reports and progress output. */
    public String describe() {
        String s = smmus.stream().map(m -> "smmu" + m.id() + "(" + m.vmidBits() + "b"
                + (m.nesting() ? "" : ",no-nesting") + (m.s2fwb() ? ",s2fwb" : "") + (m.btm() ? ",btm" : "")
                + (m.rangeInv() ? ",range-inv" : "")
                + (m.maxTlbiPages() != SmmuSpec.DEFAULT_MAX_TLBI_PAGES ? ",max-tlbi-" + m.maxTlbiPages() : "") + ")")
                .collect(Collectors.joining(" "));
        String d = devices.stream().map(x -> "dev" + x.id() + "@smmu" + x.smmu() + "/sid" + x.streamId()
                + (x.canwbs() ? ",canwbs" : "")).collect(Collectors.joining(" "));
        return policy + ": " + s + "; " + d + "; kvm " + kvm.cpus() + "cpu/" + kvm.vmidBits() + "b";
    }
}
