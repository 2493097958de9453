package dev.nestcheck.spec;

/** OBS-1: a command an operation issued to one SMMU's command queue. */
public record Issued(int smmu, Cmd cmd) {
    @Override
    public String toString() {
        return "smmu" + smmu + ":" + cmd;
    }
}
