package dev.nestcheck.export;

import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every trace of the regression corpus exports to a C program that compiles with {@code cc -Wall
 * -Werror} (and -Wextra), and runs as a kselftest: without /dev/iommu (as on CI) it skips with
 * exit code 4 and TAP's "1..0 # SKIP".
 */
class KselftestExportTest {
    static final Path CORPUS = Paths.get("src", "test", "resources", "corpus");
    static final Path OUT = Paths.get("target", "kselftest-export");

    @TestFactory
    Stream<DynamicTest> everyCorpusTraceExportsToCThatCompilesWarningFree() {
        List<Path> traces = TraceFiles.expand(List.of(CORPUS));
        assertThat(traces).hasSizeGreaterThanOrEqualTo(10);
        return traces.stream().map(t -> DynamicTest.dynamicTest(t.getFileName().toString(), () -> {
            Trace trace = TraceCodec.read(t);
            String name = t.getFileName().toString().replace(".json", "");
            Path c = OUT.resolve(name + ".c");
            Files.createDirectories(OUT);
            Files.writeString(c, KselftestExport.export(trace, t.toString()));
            compile(c, OUT.resolve(name), List.of("-Wall", "-Werror"));
            compile(c, OUT.resolve(name + "-strict"), List.of("-Wall", "-Wextra", "-Werror", "-O2"));
            String code = Files.readString(c);
            assertThat(code).contains("TAP version 13", "IOMMU_HWPT_ALLOC", "#ifndef IOMMU_VIOMMU_ALLOC",
                    "#ifndef VFIO_DEVICE_BIND_IOMMUFD").doesNotContain("GPL");
            for (int i = 1; i <= trace.steps().size(); i++) assertThat(code).contains("/* step " + i + ": ");
        }));
    }

    @Test
    void withoutDevIommuTheReproducerSkipsAsAKselftest() throws Exception {
        Path trace = CORPUS.resolve("trace-md-example.json");
        Path c = OUT.resolve("skip-check.c");
        Files.createDirectories(OUT);
        Files.writeString(c, KselftestExport.export(TraceCodec.read(trace), trace.toString()));
        Path bin = compile(c, OUT.resolve("skip-check"), List.of("-Wall", "-Werror"));
        if (Files.exists(Paths.get("/dev/iommu"))) return;   // a machine with iommufd: the skip path is not what runs
        Process p = new ProcessBuilder(bin.toString(), "--device", "0=/dev/vfio/devices/none").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(4);
        assertThat(out).startsWith("TAP version 13\n1..0 # SKIP /dev/iommu: ");

        Process bad = new ProcessBuilder(bin.toString(), "--frobnicate").redirectErrorStream(true).start();
        String usage = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(usage).contains("usage:", "--device ID=PATH", "NESTCHECK_DEVICE_");
    }

    @Test
    void stepsWithoutAUapiEquivalentBecomeCommentsThatSayWhy() throws IOException {
        String code = KselftestExport.export(TraceCodec.read(CORPUS.resolve("kvm.json")), "kvm.json");
        assertThat(code).contains("nc_skip(", "no uapi equivalent: KVM VMs, their iommufd binding and vCPU scheduling");
        String inv = KselftestExport.export(TraceCodec.read(CORPUS.resolve("trace-md-example.json")), "x");
        assertThat(inv).contains("nc_check_full(8, r, errno, 0, 0, -1LL, c.entry_num, 1LL)",
                "SMMU commands and STEs are not observable through the uapi");
        assertThat(KselftestExport.comment("a */ b ??/ c\u00e9")).isEqualTo("a * / b ? ?/ c?");
    }

    static Path compile(Path c, Path out, List<String> flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("cc"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-o", out.toString(), c.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + msg).isZero();
        return out.toAbsolutePath();
    }
}
