package dev.nestcheck.spec;

import java.util.Objects;

/**
 * OBS-1: a command an operation issued to one SMMU's command queue. {@code rule} is the rule
 * that required the command (e.g. {@code VMID-5}, {@code S2INV-3}): the model always names it,
 * an implementation may leave it null. Like {@link Outcome#rule()} it is reported, never
 * compared: {@link #equals} and {@link #hashCode} look at the SMMU and the command only.
 */
public record Issued(int smmu, Cmd cmd, String rule) {
    /** A command without the rule that required it (how implementations usually issue). */
    public Issued(int smmu, Cmd cmd) {
        this(smmu, cmd, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Issued i && i.smmu == smmu && Objects.equals(i.cmd, cmd);
    }

    @Override
    public int hashCode() {
        return 31 * smmu + Objects.hashCode(cmd);
    }

    @Override
    public String toString() {
        return "smmu" + smmu + ":" + cmd;
    }
}
