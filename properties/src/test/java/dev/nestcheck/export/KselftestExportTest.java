package dev.nestcheck.export;

import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

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
            assertThat(code).contains("TAP version 13", "#define IOMMU_HWPT_ALLOC", "struct iommu_viommu_alloc {",
                    "#define VFIO_DEVICE_BIND_IOMMUFD").doesNotContain("GPL", "#include <linux/iommufd.h>", "#include <linux/vfio.h>");
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

        Process help = new ProcessBuilder(bin.toString(), "--help").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).as("--help is not a failure").isZero();
        assertThat(helpText).as("on stdout").startsWith("usage:").doesNotContain("TAP version");
    }

    @Test
    void stepsWithoutAUapiEquivalentBecomeCommentsThatSayWhy() throws IOException {
        String code = KselftestExport.export(TraceCodec.read(CORPUS.resolve("kvm.json")), "kvm.json");
        assertThat(code).contains("nc_skip(", "no uapi equivalent: KVM VMs, their iommufd binding and vCPU scheduling");
        String inv = KselftestExport.export(TraceCodec.read(CORPUS.resolve("trace-md-example.json")), "x");
        assertThat(inv).contains("nc_check_full(8, r, errno, 0, NC_EXPECT_OK, 0, c.entry_num, 1LL)",
                "SMMU commands and STEs are not observable through the uapi");
        assertThat(KselftestExport.comment("a */ b ??/ c\u00e9")).isEqualTo("a * / b ? ?/ c?");
    }

    /**
     * An installed header older than a field the program sets (Linux 6.6's iommu_hwpt_alloc ended
     * at __reserved: no data_type, data_len, data_uptr) does not break the build: the program
     * carries the uapi it uses and includes neither iommufd.h nor vfio.h. The stand-ins below are
     * in the include path ahead of the system's.
     */
    @Test
    void buildsAgainstOlderInstalledHeaders(@TempDir Path dir) throws Exception {
        Path linux = Files.createDirectories(dir.resolve("include").resolve("linux"));
        Files.writeString(linux.resolve("iommufd.h"), String.join("\n",
                "#include <linux/types.h>", "#include <linux/ioctl.h>", "#define IOMMUFD_TYPE (';')",
                "struct iommu_hwpt_alloc { __u32 size; __u32 flags; __u32 dev_id; __u32 pt_id; __u32 out_hwpt_id; __u32 __reserved; };",
                "#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, 0x89)", ""));
        Files.writeString(linux.resolve("vfio.h"), "#error the reproducer must not need the installed vfio.h\n");
        Path trace = CORPUS.resolve("trace-md-example.json");
        Path c = dir.resolve("old-headers.c");
        Files.writeString(c, KselftestExport.export(TraceCodec.read(trace), trace.toString()));
        compile(c, dir.resolve("old-headers"), List.of("-Wall", "-Werror", "-I" + dir.resolve("include")));
    }

    /**
     * IOVAs and page counts are u64 page numbers in a trace and bytes in the uapi: a range past
     * 2^52 pages does not fit in 64 bits of bytes. Every mapping lies below PLAT-6's 2^20 pages,
     * so an unmap is cut there (finding the same areas); a map past it, and an unmap that wraps
     * around, change nothing in the model and are skipped; iova 0 with 2^64 - 1 pages stays the
     * kernel's unmap-all (length U64_MAX, set by the runtime). Expected values and IDs are unsigned.
     */
    @Test
    void pageRangesBeyondTheByteSpaceAreCutOrSkipped(@TempDir Path dir) throws Exception {
        String platform = Files.readString(CORPUS.resolve("trace-md-example.json"));
        platform = platform.substring(platform.indexOf("\"platform\""), platform.indexOf("\"steps\""));
        String json = "{\"format\": \"nestcheck-trace/1\", " + platform + "\"steps\": [\n"
                + "{\"op\": \"open\", \"expect\": {\"ok\": 1}},\n"
                + "{\"op\": \"ioas_alloc\", \"ctx\": 1, \"expect\": {\"ok\": 1}},\n"
                + "{\"op\": \"ioas_map\", \"ctx\": 1, \"ioas\": 1, \"iova\": 0, \"pages\": 1, \"expect\": {\"ok\": true}},\n"
                + "{\"op\": \"ioas_map\", \"ctx\": 1, \"ioas\": 1, \"iova\": 1048575, \"pages\": 2, \"expect\": {\"errno\": \"EINVAL\"}},\n"
                + "{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 1, \"iova\": 1, \"pages\": \"0xffffffffffffffff\", \"expect\": {\"errno\": \"ENOENT\"}},\n"
                + "{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 1, \"iova\": 2, \"pages\": \"0xffffffffffffffff\", \"expect\": {\"errno\": \"EINVAL\"}},\n"
                + "{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 1, \"iova\": 0, \"pages\": \"0x10000000000000\", \"expect\": {\"ok\": 1}},\n"
                + "{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 1, \"iova\": 0, \"pages\": \"0xffffffffffffffff\", \"expect\": {\"ok\": 0}},\n"
                + "{\"op\": \"destroy\", \"ctx\": 1, \"id\": 4294967295, \"expect\": {\"errno\": \"ENOENT\"}},\n"
                + "{\"op\": \"ioas_alloc\", \"ctx\": 1, \"expect\": {\"ok\": \"0xffffffffffffffff\"}}\n"
                + "]}\n";
        String code = KselftestExport.export(TraceCodec.parse(json, "ranges.json"), "ranges.json");
        assertThat(code).contains(
                "nc_ioas_map(3, 1, 1u, 0x0ULL, 0x1ULL, NC_EXPECT_OK, 0);",
                "nc_skip(4, \"no faithful uapi equivalent: the run leaves the IOVA space of RULES.md PLAT-6",
                "/* pages 0x1..0xffffffffffffffff cut to 0x1..0x100000: no mapping lies past page 2^20 (PLAT-6) */",
                "nc_ioas_unmap(5, 1, 1u, 0x1ULL, 0x100000ULL, ENOENT, 0);",
                "nc_skip(6, \"no uapi equivalent: the range wraps around the 64-bit page space",
                "nc_ioas_unmap(7, 1, 1u, 0x0ULL, 0x100001ULL, NC_EXPECT_VALUE, 1ULL);",
                "nc_ioas_unmap(8, 1, 1u, 0x0ULL, 0xffffffffffffffffULL, NC_EXPECT_VALUE, 0ULL);",
                ".id = nc_id(1, 4294967295u)",
                "NC_EXPECT_VALUE, 18446744073709551615ULL);",
                "/* step 10: ioas_alloc ctx=1 -> expect ok 18446744073709551615 */");
        Path c = dir.resolve("ranges.c");
        Files.writeString(c, code);
        compile(c, dir.resolve("ranges"), List.of("-Wall", "-Wextra", "-Werror"));
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
