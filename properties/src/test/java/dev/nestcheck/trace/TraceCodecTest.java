package dev.nestcheck.trace;

import dev.nestcheck.conformance.Describe;
import dev.nestcheck.spec.Cmd;
import dev.nestcheck.spec.DataType;
import dev.nestcheck.spec.DeviceSpec;
import dev.nestcheck.spec.Errno;
import dev.nestcheck.spec.KvmSpec;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.SmmuSpec;
import dev.nestcheck.spec.SteKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceCodecTest {

    static final Platform PLATFORM = new Platform(Policy.S2_PARENT,
            List.of(new SmmuSpec(0, 8, true, true, false), new SmmuSpec(1, 3, false, false, true)),
            List.of(new DeviceSpec(0, 0, 16, true), new DeviceSpec(1, 1, 0xFFFF_FFFFL, false)),
            new KvmSpec(2, 8));

    /** One step of every op kind, with every kind of expectation part. */
    static Trace everyOp() {
        List<Step> s = new ArrayList<>();
        s.add(new Step(new Op.Open(), Expectation.ok(1)));
        s.add(new Step(new Op.Bind(1, 0), Expectation.ok(1).withSte(Map.of(0, SteKind.ABORT, 1, SteKind.ABORT))));
        s.add(new Step(new Op.IoasAlloc(1), Expectation.ok(2).withIssued(List.of())));
        s.add(new Step(new Op.HwptAlloc(1, 1, 2, 1, DataType.NONE, null), Expectation.ok(3)));
        s.add(new Step(new Op.ViommuAlloc(1, 1, 3, "ARM_SMMUV3"), Expectation.ok(4)));
        s.add(new Step(new Op.ViommuAlloc(1, 1, 3, "some \"odd\" type\n\u00e9"), Expectation.errno(Errno.EOPNOTSUPP)));
        s.add(new Step(new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(0xbL, 0L)), Expectation.ok(5)));
        s.add(new Step(new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of()), Expectation.errno(Errno.EINVAL)));
        s.add(new Step(new Op.HwptAlloc(1, 1, 4, 0, DataType.NONE, List.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE)), null));
        s.add(new Step(new Op.HwptAlloc(-5, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fffffff, DataType.VTD_S1, null), null));
        s.add(new Step(new Op.VdeviceAlloc(1, 4, 1, 7), Expectation.ok(6)));
        s.add(new Step(new Op.VdeviceAlloc(1, 4, 1, -1L), Expectation.errno(Errno.EEXIST)));
        s.add(new Step(new Op.VdeviceAlloc(1, 4, 1, 1L << 53), null));
        s.add(new Step(new Op.Attach(1, 1, 5), Expectation.ok().withSte(Map.of(0, SteKind.NESTED))));
        s.add(new Step(new Op.Detach(1, 1), Expectation.ok().withSte(Map.of(0, SteKind.ABORT))));
        s.add(new Step(new Op.Destroy(1, 3), Expectation.errno(Errno.EBUSY)));
        s.add(new Step(new Op.Invalidate(1, 4, DataType.ARM_SMMUV3,
                List.of(new Cmd(0x0000ffff00000011L, 0), new Cmd(-1L, 0x1234L))),
                Expectation.ok().withEntryNum(2).withIssued(List.of("TLBI_NH_ASID", "OP_0xff", "CMD_SYNC"))));
        s.add(new Step(new Op.Invalidate(1, 4, DataType.NONE, List.of()), Expectation.errno(Errno.EINVAL).withEntryNum(0)));
        s.add(new Step(new Op.IoasMap(1, 2, 0, 4), Expectation.ok().withIssued(List.of())));
        s.add(new Step(new Op.IoasMap(1, 2, -1L, 1L << 53), Expectation.errno(Errno.EINVAL)));
        s.add(new Step(new Op.IoasUnmap(1, 2, 0, Op.IoasUnmap.ALL), Expectation.ok(4)));
        s.add(new Step(new Op.IoasUnmap(1, 2, (1L << 53) - 1, 1), Expectation.errno(Errno.ENOENT)));
        s.add(new Step(new Op.HwptAlloc(1, 1, 2, 0xFFFF_FFFF, DataType.NONE, null), Expectation.errno(Errno.EOPNOTSUPP)));
        s.add(new Step(new Op.HwptAlloc(1, 1, 2, 0x8000_0004, DataType.NONE, null), Expectation.errno(Errno.EOPNOTSUPP)));
        s.add(new Step(new Op.Unbind(1, 1), Expectation.ok().withIssued(List.of("TLBI_S12_VMALL", "CMD_SYNC"))));
        s.add(new Step(new Op.KvmVmCreate(), Expectation.ok(1)));
        s.add(new Step(new Op.KvmBind(1, 1), Expectation.ok()));
        s.add(new Step(new Op.VcpuLoad(1, 0), Expectation.ok()));
        s.add(new Step(new Op.VcpuPut(0), Expectation.ok()));
        s.add(new Step(new Op.KvmVmDestroy(1), Expectation.errno(Errno.EBUSY)));
        s.add(new Step(new Op.Close(1), new Expectation(new Expectation.Ok(), null,
                List.of("TLBI_S12_VMALL", "CMD_SYNC"), Map.of(1, SteKind.ABORT, 0, SteKind.ABORT))));
        s.add(new Step(new Op.Close(1), new Expectation(null, null, null, Map.of(1, SteKind.S1))));
        s.add(new Step(new Op.Close(1), new Expectation(null, null, null, null)));
        s.add(new Step(new Op.Open(), Expectation.ok(Long.MAX_VALUE)));
        s.add(new Step(new Op.Open(), Expectation.ok(-2)));
        return new Trace("every op kind: \"quotes\", \\ backslash, tab\t, newline\n, unicode \u2713", PLATFORM, s);
    }

    @Test
    void roundTripsEveryOpKind() {
        Trace t = everyOp();
        String json = TraceCodec.write(t);
        assertThat(TraceCodec.parse(json, "t.json")).isEqualTo(t);
        assertThat(TraceCodec.write(TraceCodec.parse(json, "t.json"))).isEqualTo(json);
    }

    @Test
    void roundTripsEdgeCases() {
        for (Trace t : List.of(
                new Trace(null, PLATFORM, List.of()),
                new Trace("", PLATFORM.withPolicy(Policy.KVM_PINNED), List.of(Step.of(new Op.Open()))),
                new Trace(null, new Platform(Policy.ICTX, List.of(new SmmuSpec(0, 1, false, false, false)), List.of(), null),
                        List.of(Step.of(new Op.KvmVmCreate()))),
                new Trace(null, new Platform(Policy.VIOMMU, List.of(new SmmuSpec(0, 8, true, true, false, true, 512),
                        new SmmuSpec(1, 16, true, false, true, false, 3)), List.of(), null), List.of()))) {
            assertThat(TraceCodec.parse(TraceCodec.write(t), "t.json")).isEqualTo(t);
        }
    }

    @Test
    void roundTripsRandomTraces() {
        Random r = new Random(42);
        for (int n = 0; n < 300; n++) {
            Trace t = RandomTraces.trace(r);
            String json = TraceCodec.write(t);
            Trace back = TraceCodec.parse(json, "random-" + n + ".json");
            assertThat(back).as(json).isEqualTo(t);
            assertThat(TraceCodec.write(back)).isEqualTo(json);
        }
    }

    @Test
    void roundTripsTheCorpus() throws Exception {
        for (Path f : Corpus.files()) {
            Trace t = TraceCodec.read(f);
            String json = TraceCodec.write(t);
            assertThat(TraceCodec.parse(json, f.toString())).as(f.toString()).isEqualTo(t);
            assertThat(TraceCodec.write(TraceCodec.parse(json, f.toString()))).as(f.toString()).isEqualTo(json);
        }
    }

    @Test
    void writeIsDeterministicAndPinned() {
        Trace t = new Trace("pinned", new Platform(Policy.S2_PARENT,
                List.of(new SmmuSpec(0, 8, true, true, false)), List.of(new DeviceSpec(0, 0, 16, true)), new KvmSpec(2, 8)),
                List.of(new Step(new Op.Open(), Expectation.ok(1)),
                        new Step(new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(0xbL, 0L)), Expectation.ok(5)),
                        new Step(new Op.Invalidate(1, 4, DataType.ARM_SMMUV3, List.of(new Cmd(0x0000ffff00000011L, 0))),
                                Expectation.ok().withEntryNum(1)),
                        new Step(new Op.Close(1), Expectation.ok().withIssued(List.of("TLBI_S12_VMALL", "CMD_SYNC"))
                                .withSte(Map.of(0, SteKind.ABORT))),
                        Step.of(new Op.VdeviceAlloc(1, 4, 1, -1))));
        String expected = String.join("\n",
                "{",
                "  \"format\": \"nestcheck-trace/1\",",
                "  \"description\": \"pinned\",",
                "  \"platform\": {",
                "    \"policy\": \"S2_PARENT\",",
                "    \"smmus\":   [ {\"id\": 0, \"vmidBits\": 8, \"nesting\": true, \"s2fwb\": true, \"btm\": false} ],",
                "    \"devices\": [ {\"id\": 0, \"smmu\": 0, \"streamId\": 16, \"canwbs\": true} ],",
                "    \"kvm\":     {\"cpus\": 2, \"vmidBits\": 8}",
                "  },",
                "  \"steps\": [",
                "    {\"op\": \"open\", \"expect\": {\"ok\": 1}},",
                "    {\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 4, \"flags\": 0, \"dataType\": \"ARM_SMMUV3\", "
                        + "\"data\": [\"0x000000000000000b\", \"0x0000000000000000\"], \"expect\": {\"ok\": 5}},",
                "    {\"op\": \"invalidate\", \"ctx\": 1, \"id\": 4, \"dataType\": \"ARM_SMMUV3\", "
                        + "\"commands\": [[\"0x0000ffff00000011\", \"0x0000000000000000\"]], \"expect\": {\"ok\": true, \"entryNum\": 1}},",
                "    {\"op\": \"close\", \"ctx\": 1, \"expect\": {\"ok\": true, \"issued\": [\"TLBI_S12_VMALL\", \"CMD_SYNC\"], "
                        + "\"ste\": {\"0\": \"ABORT\"}}},",
                "    {\"op\": \"vdevice_alloc\", \"ctx\": 1, \"viommu\": 4, \"dev\": 1, \"virtId\": \"0xffffffffffffffff\"}",
                "  ]",
                "}",
                "");
        assertThat(TraceCodec.write(t)).isEqualTo(expected);
        assertThat(TraceCodec.write(t)).isEqualTo(TraceCodec.write(TraceCodec.parse(expected, "p.json")));
        // an equal trace built separately writes the same bytes
        assertThat(TraceCodec.write(TraceCodec.parse(expected, "p.json"))).isEqualTo(expected);
    }

    @Test
    void multiElementListsAreOnePerLine() {
        String json = TraceCodec.write(new Trace(null, PLATFORM, List.of()));
        assertThat(json).contains("    \"smmus\":   [\n      {\"id\": 0,")
                .contains("      {\"id\": 1, \"smmu\": 1, \"streamId\": 4294967295, \"canwbs\": false}\n    ],")
                .contains("\"steps\": []\n")
                .endsWith("}\n");
    }

    @Test
    void readsTheTraceMdExample() {
        Trace t = TraceCodec.read(Corpus.dir().resolve("trace-md-example.json"));
        assertThat(t.description()).isNull();
        assertThat(t.platform().kvm()).isEqualTo(new KvmSpec(2, 8));
        assertThat(t.steps()).hasSize(9);
        assertThat(t.steps().get(3).op()).isEqualTo(new Op.HwptAlloc(1, 1, 2, 1, DataType.NONE, null));
        assertThat(t.steps().get(5).op()).isEqualTo(new Op.HwptAlloc(1, 1, 4, 0, DataType.ARM_SMMUV3, List.of(0xbL, 0L)));
        assertThat(t.steps().get(6).expect()).isEqualTo(Expectation.errno(Errno.EBUSY));
        assertThat(t.steps().get(7).op()).isEqualTo(new Op.Invalidate(1, 4, DataType.ARM_SMMUV3,
                List.of(new Cmd(0x0000ffff00000011L, 0))));
        assertThat(t.steps().get(7).expect()).isEqualTo(Expectation.ok().withEntryNum(1));
        assertThat(t.steps().get(8).expect().issued()).containsExactly("TLBI_S12_VMALL", "CMD_SYNC");
    }

    @Test
    void acceptsAnyFieldOrderAndTheDefaults() {
        String json = "{\"steps\": [{\"expect\": {\"ok\": 1}, \"op\": \"open\"},"
                + " {\"flags\": 0, \"pt\": 2, \"dev\": 1, \"ctx\": 1, \"op\": \"hwpt_alloc\"},"
                + " {\"commands\": [[1, \"0xA\"]], \"id\": 4, \"ctx\": 1, \"op\": \"invalidate\"},"
                + " {\"expect\": {\"ste\": {\"0\": \"S1\"}, \"issued\": [], \"entryNum\": 0, \"errno\": \"EIO\"}, \"commands\": [], \"id\": 4,"
                + " \"ctx\": 1, \"op\": \"invalidate\"}],"
                + " \"platform\": {\"devices\": [{\"canwbs\": false, \"streamId\": \"0x10\", \"smmu\": 0, \"id\": 0}],"
                + " \"smmus\": [{\"btm\": false, \"s2fwb\": false, \"nesting\": true, \"vmidBits\": 16, \"id\": 0}], \"policy\": \"VIOMMU\"},"
                + " \"format\": \"nestcheck-trace/1\"}";
        Trace t = TraceCodec.parse(json, "order.json");
        assertThat(t.description()).isNull();
        assertThat(t.platform().kvm()).isEqualTo(KvmSpec.DEFAULT);
        assertThat(t.platform().device(0).streamId()).isEqualTo(16);
        assertThat(t.steps().get(1).op()).isEqualTo(new Op.HwptAlloc(1, 1, 2, 0, DataType.NONE, null));
        assertThat(t.steps().get(2).op()).isEqualTo(new Op.Invalidate(1, 4, DataType.NONE, List.of(new Cmd(1, 10))));
        assertThat(t.steps().get(3).expect()).isEqualTo(
                Expectation.errno(Errno.EIO).withEntryNum(0).withIssued(List.of()).withSte(Map.of(0, SteKind.S1)));
        assertThat(TraceCodec.parse(TraceCodec.write(t), "again.json")).isEqualTo(t);
    }

    @Test
    void acceptsTheLargestPlainNumberAndSixteenHexDigits() {
        Trace t = TraceCodec.parse(base("{\"op\": \"vdevice_alloc\", \"ctx\": 1, \"viommu\": 2, \"dev\": 1, \"virtId\": 9007199254740991}"), "x");
        assertThat(((Op.VdeviceAlloc) t.steps().get(1).op()).virtId()).isEqualTo((1L << 53) - 1);
        t = TraceCodec.parse(base("{\"op\": \"vdevice_alloc\", \"ctx\": 1, \"viommu\": 2, \"dev\": 1, \"virtId\": \"0xFfFFffffFFFFFFFF\"}"), "x");
        assertThat(((Op.VdeviceAlloc) t.steps().get(1).op()).virtId()).isEqualTo(-1L);
    }

    /** A valid trace around the given steps (comma-separated JSON objects). */
    static String base(String steps) {
        return "{\n  \"format\": \"nestcheck-trace/1\",\n  \"platform\": {\n    \"policy\": \"S2_PARENT\",\n"
                + "    \"smmus\": [ {\"id\": 0, \"vmidBits\": 8, \"nesting\": true, \"s2fwb\": true, \"btm\": false} ],\n"
                + "    \"devices\": [ {\"id\": 0, \"smmu\": 0, \"streamId\": 16, \"canwbs\": true} ]\n  },\n"
                + "  \"steps\": [\n    {\"op\": \"open\"},\n    " + steps + "\n  ]\n}\n";
    }

    static Stream<Arguments> bad() {
        String ok = "{\"op\": \"open\"}";
        String plat = base("").replace(",\n    \n", "\n");
        return Stream.of(
                Arguments.of(base("{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 2, \"flag\": 1}"),
                        "bad.json: step 2 (steps[1], hwpt_alloc): unknown field \"flag\""),
                Arguments.of(base("{\"op\": \"ioas_alloc\", \"ctx\": \"1\"}"),
                        "bad.json: step 2 (steps[1], ioas_alloc): \"ctx\" must be an integer"),
                Arguments.of(base("{\"op\": \"ioas_alloc\", \"ctx\": 1.0}"),
                        "bad.json: step 2 (steps[1], ioas_alloc): \"ctx\" must be an integer"),
                Arguments.of(base("{\"op\": \"ioas_alloc\", \"ctx\": null}"),
                        "bad.json: step 2 (steps[1], ioas_alloc): \"ctx\" must be an integer"),
                Arguments.of(base("{\"op\": \"ioas_alloc\", \"ctx\": 4294967296}"),
                        "bad.json: step 2 (steps[1], ioas_alloc): \"ctx\" must be a 32-bit integer"),
                Arguments.of(base("{\"op\": \"frobnicate\", \"ctx\": 1}"), "bad.json: step 2 (steps[1]): unknown op \"frobnicate\""),
                Arguments.of(base("{\"ctx\": 1}"), "bad.json: step 2 (steps[1]): missing field \"op\""),
                Arguments.of(base("{\"op\": 3}"), "bad.json: step 2 (steps[1]): \"op\" must be a string"),
                Arguments.of(base("[1]"), "bad.json: step 2 (steps[1]): a step must be an object"),
                Arguments.of(base("{\"op\": \"close\"}"), "bad.json: step 2 (steps[1], close): missing field \"ctx\""),
                Arguments.of(base("{\"op\": \"invalidate\", \"ctx\": 1, \"id\": 2}"),
                        "bad.json: step 2 (steps[1], invalidate): missing field \"commands\""),
                Arguments.of(base(ok).replace("nestcheck-trace/1", "nestcheck-trace/2"),
                        "bad.json: \"format\" must be \"nestcheck-trace/1\", got \"nestcheck-trace/2\""),
                Arguments.of(base(ok).replace("\"format\": \"nestcheck-trace/1\",", ""), "bad.json: missing field \"format\""),
                Arguments.of(base(ok).replace("\"format\"", "\"description\": \"d\", \"extra\": 1, \"format\""),
                        "bad.json: unknown field \"extra\""),
                Arguments.of(base(ok).replace("\"description\"", "x").replace("\"format\"", "\"description\": 5, \"format\""),
                        "bad.json: \"description\" must be a string"),
                Arguments.of(hwptData("\"0xZZ\""), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(hwptData("\"0x\""), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(hwptData("\"0x0\", \"0x10000000000000000\""),
                        "bad.json: step 2 (steps[1], hwpt_alloc): \"data[1]\" must be a 64-bit value"),
                Arguments.of(hwptData("\"12\""), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(hwptData("\" 0x1\""), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(hwptData("9007199254740992"),
                        "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a number from 0 below 2^53"),
                Arguments.of(hwptData("18446744073709551615"),
                        "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a number from 0 below 2^53"),
                Arguments.of(hwptData("-1"), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a number from 0 below 2^53"),
                Arguments.of(hwptData("1.5"), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(hwptData("true"), "bad.json: step 2 (steps[1], hwpt_alloc): \"data[0]\" must be a 64-bit value"),
                Arguments.of(base("{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 2, \"flags\": 0, \"data\": \"0x1\"}"),
                        "bad.json: step 2 (steps[1], hwpt_alloc): \"data\" must be a list"),
                Arguments.of(base("{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 2, \"flags\": 0, \"dataType\": \"ARM\"}"),
                        "bad.json: step 2 (steps[1], hwpt_alloc): \"dataType\" must be one of NONE, ARM_SMMUV3, VTD_S1, got \"ARM\""),
                Arguments.of(base("{\"op\": \"invalidate\", \"ctx\": 1, \"id\": 2, \"dataType\": \"ARM_SMMUV3\", \"commands\": [[\"0x1\"]]}"),
                        "bad.json: step 2 (steps[1], invalidate): \"commands[0]\" must be a list of two 64-bit words"),
                Arguments.of(base("{\"op\": \"invalidate\", \"ctx\": 1, \"id\": 2, \"dataType\": \"ARM_SMMUV3\", \"commands\": [[1, \"x\"]]}"),
                        "bad.json: step 2 (steps[1], invalidate): \"commands[0][1]\" must be a 64-bit value"),
                Arguments.of(base("{\"op\": \"vdevice_alloc\", \"ctx\": 1, \"viommu\": 2, \"dev\": 1, \"virtId\": 9007199254740992}"),
                        "bad.json: step 2 (steps[1], vdevice_alloc): \"virtId\" must be a number from 0 below 2^53"),
                Arguments.of(base("{\"op\": \"viommu_alloc\", \"ctx\": 1, \"dev\": 1, \"hwpt\": 2, \"type\": 1}"),
                        "bad.json: step 2 (steps[1], viommu_alloc): \"type\" must be a string"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"okay\": 2}}"),
                        "bad.json: step 2 (steps[1], open): unknown field \"expect.okay\""),
                Arguments.of(base("{\"op\": \"open\", \"expect\": [1]}"), "bad.json: step 2 (steps[1], open): \"expect\" must be an object"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": false}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.ok\" must be true or a number"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": \"yes\"}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.ok\" must be a 64-bit value"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"errno\": \"EIO\"}}"),
                        "bad.json: step 2 (steps[1], open): \"expect\" has both \"ok\" and \"errno\""),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"errno\": \"EWHATEVER\"}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.errno\" must be one of ENOENT, EIO, EBADF"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"errno\": 22}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.errno\" must be a string"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"entryNum\": -1}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.entryNum\" must be >= 0"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"entryNum\": 0}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.entryNum\" is for invalidate only"),
                Arguments.of(base("{\"op\": \"close\", \"ctx\": 1, \"expect\": {\"ok\": 1}}"),
                        "bad.json: step 2 (steps[1], close): \"expect.ok\" must be true: close returns no value"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"issued\": [\"TLBI_EVERYTHING\"]}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.issued[0]\" is not an opcode name: \"TLBI_EVERYTHING\""),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"issued\": \"CMD_SYNC\"}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.issued\" must be a list"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"ste\": {\"7\": \"S1\"}}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.ste.7\": the platform has no device 7"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"ste\": {\"dev0\": \"S1\"}}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.ste.dev0\": keys must be platform device ids"),
                Arguments.of(base("{\"op\": \"open\", \"expect\": {\"ok\": 1, \"ste\": {\"0\": \"BYPASS\"}}}"),
                        "bad.json: step 2 (steps[1], open): \"expect.ste.0\" must be one of ABORT, S1, S2, NESTED, got \"BYPASS\""),
                Arguments.of(plat.replace("\"vmidBits\": 8", "\"vmidBits\": 17"),
                        "bad.json: platform: smmu 0: vmidBits must be 1..16, got 17"),
                Arguments.of(plat.replace("\"vmidBits\": 8", "\"vmidbits\": 8"),
                        "bad.json: platform: unknown field \"smmus[0].vmidbits\""),
                Arguments.of(plat.replace(", \"btm\": false", ""), "bad.json: platform: missing field \"smmus[0].btm\""),
                Arguments.of(plat.replace("\"nesting\": true", "\"nesting\": 1"),
                        "bad.json: platform: \"smmus[0].nesting\" must be true or false"),
                Arguments.of(plat.replace("\"S2_PARENT\"", "\"PER_VM\""),
                        "bad.json: platform: \"policy\" must be one of S2_PARENT, VIOMMU, ICTX, KVM_PINNED, got \"PER_VM\""),
                Arguments.of(plat.replace("\"smmu\": 0", "\"smmu\": 3"), "bad.json: platform: device 0 names unknown smmu 3"),
                Arguments.of(plat.replace("\"streamId\": 16", "\"streamId\": \"0x100000000\""),
                        "bad.json: platform: device 0: streamId must be a 32-bit value"),
                Arguments.of(plat.replace("\"streamId\": 16, \"canwbs\": true}", "\"streamId\": 16, \"canwbs\": true},"
                        + " {\"id\": 1, \"smmu\": 0, \"streamId\": 16, \"canwbs\": true}"),
                        "bad.json: platform: devices 0 and 1 share stream ID 16 on smmu 0 (PLAT-2)"),
                Arguments.of(plat.replace("\"canwbs\": true} ]", "\"canwbs\": true} ], \"kvm\": {\"cpus\": 3, \"vmidBits\": 2}"),
                        "bad.json: platform: kvm: 2^vmidBits - 1 must exceed cpus (PLAT-3)"),
                Arguments.of(plat.replace("\"canwbs\": true} ]", "\"canwbs\": true} ], \"kvm\": {\"cpus\": 1}"),
                        "bad.json: platform: missing field \"kvm.vmidBits\""),
                Arguments.of(plat.replace("\"smmus\": [ {\"id\": 0, \"vmidBits\": 8, \"nesting\": true, \"s2fwb\": true, \"btm\": false} ]",
                        "\"smmus\": []"), "bad.json: platform: at least one smmu is required"),
                Arguments.of("{\"format\": \"nestcheck-trace/1\", \"platform\": [], \"steps\": []}",
                        "bad.json: platform: \"platform\" must be an object"),
                Arguments.of(plat.replace("\"steps\": [\n    {\"op\": \"open\"}\n  ]", "\"steps\": 1"),
                        "bad.json: \"steps\" must be a list"),
                Arguments.of(base(ok).replace("\"steps\": [", "\"steps\": {").replace("\n  ]\n}", "\n  }\n}"),
                        "bad.json: malformed JSON at line"),
                Arguments.of(base(ok).replace("\"steps\": [\n    {\"op\": \"open\"},", "\"steps\": 1, \"x\": [\n    {\"op\": \"open\"},"),
                        "bad.json: unknown field \"x\""),
                Arguments.of(base(ok).replace("{\"op\": \"open\"},\n", "{\"op\": \"open\"}\n"),
                        "bad.json: malformed JSON at line 10, column"),
                Arguments.of(base("{\"op\": \"open\", \"op\": \"close\"}"), "bad.json: malformed JSON at line 10, column"),
                Arguments.of(base(ok) + "{}", "bad.json: malformed JSON"),
                Arguments.of("", "bad.json: empty file"),
                Arguments.of("[]", "bad.json: a trace must be a JSON object"),
                Arguments.of("{\"format\": \"nestcheck-trace/1\", \"platform\": {", "bad.json: malformed JSON at line 1"));
    }

    static String hwptData(String words) {
        return base("{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 2, \"flags\": 0, \"dataType\": \"ARM_SMMUV3\", \"data\": ["
                + words + "]}");
    }

    @ParameterizedTest
    @MethodSource("bad")
    void rejectsWithOneLineNamingStepAndField(String json, String expectedStart) {
        assertThatThrownBy(() -> TraceCodec.parse(json, "bad.json"))
                .isInstanceOf(TraceFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(expectedStart).doesNotContain("\n").doesNotContain("\r"));
    }

    @Test
    void theBaseOfTheBadCasesIsValid() {
        assertThat(TraceCodec.parse(base("{\"op\": \"open\"}"), "ok.json").steps()).hasSize(2);
        assertThat(TraceCodec.parse(base("").replace(",\n    \n", "\n"), "ok.json").steps()).hasSize(1);
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> TraceCodec.parse("{\n  \"format\": \"nestcheck-trace/1\",\n  \"platform\": x\n}", "m.json"))
                .hasMessageStartingWith("m.json: malformed JSON at line 3, column ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void readNamesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, base("{\"op\": \"destroy\", \"ctx\": 1, \"id\": \"2\"}"));
        assertThatThrownBy(() -> TraceCodec.read(f))
                .hasMessage(f + ": step 2 (steps[1], destroy): \"id\" must be an integer");
        assertThatThrownBy(() -> TraceCodec.read(dir.resolve("missing.json")))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage(dir.resolve("missing.json") + ": no such file");
    }

    @Test
    void platformFilesRoundTripAndAreStrict(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String name : Platforms.names())
            for (Policy p : Policy.values()) {
                Platform platform = Platforms.named(name, p);
                String json = TraceCodec.writePlatform(platform);
                assertThat(TraceCodec.parsePlatform(json, name + ".json")).isEqualTo(platform);
                Path f = dir.resolve(name + "-" + p + ".json");
                Files.writeString(f, json);
                assertThat(TraceCodec.readPlatform(f)).isEqualTo(platform);
            }
        assertThatThrownBy(() -> TraceCodec.parsePlatform("{\"policy\": \"ICTX\", \"smmus\": [], \"devices\": [], \"gpu\": 1}", "p.json"))
                .hasMessage("p.json: platform: unknown field \"gpu\"");
        assertThat(TraceCodec.parsePlatform("{\"policy\": \"ICTX\", \"smmus\": [{\"id\": 0, \"vmidBits\": 4, \"nesting\": true,"
                + " \"s2fwb\": false, \"btm\": false}], \"devices\": []}", "p.json").kvm()).isEqualTo(KvmSpec.DEFAULT);
    }

    /** TRACE.md: flags is a u32 (up to 2^32 - 1); an unknown high bit is the implementation's EOPNOTSUPP. */
    @Test
    void flagsTakeTheWholeU32Range() {
        String line = "{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": 1, \"pt\": 2, \"flags\": %s}";
        assertThat(((Op.HwptAlloc) TraceCodec.parse(base(String.format(line, "4294967295")), "t.json").steps().get(1).op()).flags())
                .isEqualTo(-1);
        assertThat(((Op.HwptAlloc) TraceCodec.parse(base(String.format(line, "2147483652")), "t.json").steps().get(1).op()).flags())
                .isEqualTo(0x8000_0004);
        assertThatThrownBy(() -> TraceCodec.parse(base(String.format(line, "4294967296")), "bad.json"))
                .hasMessage("bad.json: step 2 (steps[1], hwpt_alloc): \"flags\" must be an unsigned 32-bit integer (0 to 4294967295), got 4294967296");
        assertThatThrownBy(() -> TraceCodec.parse(base(String.format(line, "-2147483649")), "bad.json"))
                .hasMessage("bad.json: step 2 (steps[1], hwpt_alloc): \"flags\" must be an unsigned 32-bit integer (0 to 4294967295), got -2147483649");
        assertThat(TraceCodec.write(new Trace(null, PLATFORM, List.of(Step.of(new Op.HwptAlloc(1, 1, 2, -1, DataType.NONE, null))))))
                .contains("\"flags\": 4294967295");
    }

    /**
     * TRACE.md: a reader accepts every file an earlier version-1 writer wrote. Until 2026-12-05 the
     * writer wrote u32 fields with the high bit set as negative ints: flags with bit 31
     * (-2147483647 for 0x80000001) and the generator's edge IDs (-1, -2147483648).
     */
    @Test
    void u32FieldsWrittenSignedByEarlierWritersStillRead() {
        String line = "{\"op\": \"hwpt_alloc\", \"ctx\": 1, \"dev\": %s, \"pt\": 2, \"flags\": %s}";
        Op.HwptAlloc old = (Op.HwptAlloc) TraceCodec.parse(base(String.format(line, "-1", "-2147483647")), "t.json").steps().get(1).op();
        Op.HwptAlloc now = (Op.HwptAlloc) TraceCodec.parse(base(String.format(line, "4294967295", "2147483649")), "t.json").steps().get(1).op();
        assertThat(old).isEqualTo(now);
        assertThat(old.flags()).isEqualTo(0x8000_0001);
        assertThat(TraceCodec.write(new Trace(null, PLATFORM, List.of(Step.of(old)))))
                .contains("\"dev\": 4294967295, \"pt\": 2, \"flags\": 2147483649");
    }

    /** TRACE.md: object IDs are __u32 in the uapi, so they take the whole unsigned range, and are written so. */
    @Test
    void objectIdsAreU32() {
        for (String step : List.of("{\"op\": \"destroy\", \"ctx\": 1, \"id\": %s}", "{\"op\": \"unbind\", \"ctx\": 1, \"dev\": %s}",
                "{\"op\": \"attach\", \"ctx\": 1, \"dev\": 1, \"hwpt\": %s}", "{\"op\": \"detach\", \"ctx\": 1, \"dev\": %s}",
                "{\"op\": \"viommu_alloc\", \"ctx\": 1, \"dev\": 1, \"hwpt\": %s, \"type\": \"ARM_SMMUV3\"}",
                "{\"op\": \"vdevice_alloc\", \"ctx\": 1, \"viommu\": %s, \"dev\": 1, \"virtId\": 0}",
                "{\"op\": \"ioas_map\", \"ctx\": 1, \"ioas\": %s, \"iova\": 0, \"pages\": 1}",
                "{\"op\": \"invalidate\", \"ctx\": 1, \"id\": %s, \"dataType\": \"ARM_SMMUV3\", \"commands\": []}")) {
            Trace t = TraceCodec.parse(base(String.format(step, "4294967295")), "t.json");
            assertThat(TraceCodec.write(t)).contains(": 4294967295").doesNotContain("-1");
            assertThat(Describe.op(t.steps().get(1).op())).contains("=4294967295").doesNotContain("-1");
            assertThatThrownBy(() -> TraceCodec.parse(base(String.format(step, "4294967296")), "bad.json"))
                    .hasMessageContaining("must be an unsigned 32-bit integer (0 to 4294967295), got 4294967296");
        }
    }

    @Test
    void smmuFieldsOfRulesV2AreOptionalAndWrittenWhenNotTheDefault() {
        String plat = "{\"policy\": \"ICTX\", \"smmus\": [{\"id\": 0, \"vmidBits\": 4, \"nesting\": true, \"s2fwb\": false,"
                + " \"btm\": false%s}], \"devices\": []}";
        SmmuSpec v1 = TraceCodec.parsePlatform(String.format(plat, ""), "p.json").smmu(0);
        assertThat(v1.rangeInv()).isFalse();
        assertThat(v1.maxTlbiPages()).isEqualTo(512);
        SmmuSpec v2 = TraceCodec.parsePlatform(String.format(plat, ", \"rangeInv\": true, \"maxTlbiPages\": 4"), "p.json").smmu(0);
        assertThat(v2.rangeInv()).isTrue();
        assertThat(v2.maxTlbiPages()).isEqualTo(4);
        assertThatThrownBy(() -> TraceCodec.parsePlatform(String.format(plat, ", \"maxTlbiPages\": 0"), "p.json"))
                .hasMessage("p.json: platform: smmu 0: maxTlbiPages must be >= 1, got 0");
        assertThatThrownBy(() -> TraceCodec.parsePlatform(String.format(plat, ", \"rangeInv\": 1"), "p.json"))
                .hasMessage("p.json: platform: \"smmus[0].rangeInv\" must be true or false");
        assertThat(TraceCodec.writePlatform(TraceCodec.parsePlatform(String.format(plat, ""), "p.json"))).doesNotContain("rangeInv");
        assertThat(TraceCodec.writePlatform(TraceCodec.parsePlatform(String.format(plat, ", \"maxTlbiPages\": 4"), "p.json")))
                .contains("\"maxTlbiPages\": 4").doesNotContain("rangeInv");
    }

    @Test
    void ioasMapAndUnmapFields() {
        Trace t = TraceCodec.parse(base("{\"op\": \"ioas_map\", \"ctx\": 1, \"ioas\": 2, \"iova\": \"0xffffffffffffffff\", \"pages\": 3},\n    "
                + "{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 2, \"iova\": 0, \"pages\": \"0xffffffffffffffff\", \"expect\": {\"ok\": 0}}"),
                "t.json");
        assertThat(t.steps().get(1).op()).isEqualTo(new Op.IoasMap(1, 2, -1L, 3));
        assertThat(t.steps().get(2).op()).isEqualTo(new Op.IoasUnmap(1, 2, 0, Op.IoasUnmap.ALL));
        assertThatThrownBy(() -> TraceCodec.parse(base("{\"op\": \"ioas_map\", \"ctx\": 1, \"ioas\": 2, \"iova\": 0}"), "bad.json"))
                .hasMessage("bad.json: step 2 (steps[1], ioas_map): missing field \"pages\"");
        assertThatThrownBy(() -> TraceCodec.parse(base("{\"op\": \"ioas_unmap\", \"ctx\": 1, \"ioas\": 2, \"iova\": -1, \"pages\": 1}"),
                "bad.json")).hasMessageStartingWith("bad.json: step 2 (steps[1], ioas_unmap): \"iova\" must be");
    }

    @Test
    void opNamesAreTraceMds() {
        assertThat(TraceCodec.opNames()).containsExactly("open", "close", "bind", "unbind", "ioas_alloc", "hwpt_alloc",
                "viommu_alloc", "vdevice_alloc", "attach", "detach", "destroy", "invalidate", "kvm_vm_create",
                "kvm_vm_destroy", "kvm_bind", "vcpu_load", "vcpu_put", "ioas_map", "ioas_unmap");
        // every op record names itself as the codec does
        assertThat(everyOp().steps().stream().map(s -> s.op().name()).distinct().sorted().toList())
                .containsExactlyElementsOf(TraceCodec.opNames().stream().sorted().toList());
    }

    /** Random traces over every op kind and field range, for the round-trip property. */
    static final class RandomTraces {
        static Trace trace(Random r) {
            Platform p = Platforms.named(Platforms.names().get(r.nextInt(3)), Policy.values()[r.nextInt(4)]);
            int n = r.nextInt(25);
            List<Step> steps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Op op = op(r);
                steps.add(new Step(op, r.nextInt(4) == 0 ? null : expect(r, p, op)));
            }
            String d = r.nextBoolean() ? null : "random " + r.nextInt() + (r.nextBoolean() ? " \"q\" \\ \u00fc\n" : "");
            return new Trace(d, p, steps);
        }

        static int i(Random r) {
            switch (r.nextInt(6)) {
                case 0: return Integer.MIN_VALUE + r.nextInt(3);
                case 1: return Integer.MAX_VALUE - r.nextInt(3);
                case 2: return -r.nextInt(10);
                default: return r.nextInt(12);
            }
        }

        static long l(Random r) {
            switch (r.nextInt(6)) {
                case 0: return r.nextLong();
                case 1: return (1L << 53) - 1 + r.nextInt(3);
                case 2: return -1 - r.nextInt(3);
                case 3: return Long.MIN_VALUE;
                default: return r.nextInt(100);
            }
        }

        static List<Long> words(Random r) {
            int n = r.nextInt(4);
            List<Long> w = new ArrayList<>(n);
            for (int k = 0; k < n; k++) w.add(l(r));
            return w;
        }

        static Op op(Random r) {
            DataType dt = DataType.values()[r.nextInt(3)];
            switch (r.nextInt(19)) {
                case 17: return new Op.IoasMap(i(r), i(r), l(r), l(r));
                case 18: return new Op.IoasUnmap(i(r), i(r), l(r), l(r));
                case 0: return new Op.Open();
                case 1: return new Op.Close(i(r));
                case 2: return new Op.Bind(i(r), i(r));
                case 3: return new Op.Unbind(i(r), i(r));
                case 4: return new Op.IoasAlloc(i(r));
                case 5: return new Op.HwptAlloc(i(r), i(r), i(r), i(r), dt, r.nextBoolean() ? null : words(r));
                case 6: return new Op.ViommuAlloc(i(r), i(r), i(r),
                        List.of("DEFAULT", "ARM_SMMUV3", "", "x y", "\u00e9\"").get(r.nextInt(5)));
                case 7: return new Op.VdeviceAlloc(i(r), i(r), i(r), l(r));
                case 8: return new Op.Attach(i(r), i(r), i(r));
                case 9: return new Op.Detach(i(r), i(r));
                case 10: return new Op.Destroy(i(r), i(r));
                case 11: {
                    List<Cmd> c = new ArrayList<>();
                    for (int k = r.nextInt(4); k > 0; k--) c.add(new Cmd(l(r), l(r)));
                    return new Op.Invalidate(i(r), i(r), dt, c);
                }
                case 12: return new Op.KvmVmCreate();
                case 13: return new Op.KvmVmDestroy(i(r));
                case 14: return new Op.KvmBind(i(r), i(r));
                case 15: return new Op.VcpuLoad(i(r), i(r));
                default: return new Op.VcpuPut(i(r));
            }
        }

        /** Any expectation the op can have: a value only if it returns one, entryNum only for invalidate. */
        static Expectation expect(Random r, Platform p, Op op) {
            Expectation.Result res;
            switch (r.nextInt(4)) {
                case 0: res = null; break;
                case 1: res = new Expectation.Ok(); break;
                case 2: res = op.returnsValue() ? new Expectation.OkValue(l(r)) : new Expectation.Ok(); break;
                default: res = new Expectation.Fail(Errno.values()[r.nextInt(Errno.values().length)]);
            }
            Integer entryNum = r.nextBoolean() || !(op instanceof Op.Invalidate) ? null : r.nextInt(70);
            List<String> issued = null;
            if (r.nextBoolean()) {
                issued = new ArrayList<>();
                for (int k = r.nextInt(5); k > 0; k--) issued.add(new Cmd(r.nextInt(256), 0).name());
            }
            Map<Integer, SteKind> ste = null;
            if (r.nextBoolean()) {
                ste = new TreeMap<>();
                for (int k = r.nextInt(4); k > 0; k--)
                    ste.put(r.nextInt(p.devices().size()), SteKind.values()[r.nextInt(4)]);
            }
            return new Expectation(res, entryNum, issued, ste);
        }
    }

    @Test
    void writeStepIsTheLineInTheFile() {
        Trace t = everyOp();
        String json = TraceCodec.write(t);
        for (Step s : t.steps()) assertThat(json).contains("    " + TraceCodec.writeStep(s));
        assertThat(Arrays.stream(json.split("\n")).filter(l -> l.startsWith("    {\"op\"")).count()).isEqualTo(t.steps().size());
    }

    /** JSON that a strict reader refuses is said in JSON's words, not as Jackson options to enable. */
    @Test
    void malformedJsonIsSaidInTheWordsOfJson() {
        String head = "{\"format\": \"nestcheck-trace/1\", \"steps\": []";
        assertThatThrownBy(() -> TraceCodec.parse(head + "} // why", "t.json")).hasMessageEndingWith("a comment: JSON has none");
        assertThatThrownBy(() -> TraceCodec.parse(head + ", \"x\": NaN}", "t.json")).hasMessageEndingWith("NaN or Infinity: not JSON numbers");
        assertThatThrownBy(() -> TraceCodec.parse(head + "} {}", "t.json"))
                .hasMessageEndingWith("more after the end of the object: a trace is one JSON object");
        for (String bad : List.of(head + "} // why", head + ", \"x\": NaN}", head + "} {}"))
            assertThatThrownBy(() -> TraceCodec.parse(bad, "t.json")).message().doesNotContain("`", "enable", "Feature");
    }

    /** The bytes of a trace read as a file's are: a BOM or UTF-16 is detected (standard input goes this way). */
    @Test
    void bytesAreReadAsAFilesAreWithTheirEncodingDetected() throws Exception {
        String json = TraceCodec.write(everyOp());
        byte[] utf8 = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        assertThat(TraceCodec.parse(bom, "-")).isEqualTo(everyOp());
        assertThat(TraceCodec.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_16), "-")).isEqualTo(everyOp());
    }

    /** A file too large to be a trace is one line, not an OutOfMemoryError (a trace is read whole). */
    @Test
    void aFileTooLargeToBeATraceIsOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.json");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(TraceCodec.MAX_BYTES + 1);   // sparse: nothing is written
        }
        assertThatThrownBy(() -> TraceCodec.read(big)).isInstanceOf(TraceFormatException.class)
                .hasMessage(big + ": too large for a trace (268,435,457 bytes; traces are read whole, up to 256 MiB)");
        assertThat(dev.nestcheck.component.ComponentTrace.looksLikeOne(big)).isFalse();
    }

    /** Whether a file is a component trace is its top-level format's say, not its description's. */
    @Test
    void aTraceWhoseDescriptionNamesTheComponentFormatIsATrace(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path t = Files.writeString(dir.resolve("t.json"), "{\"format\": \"nestcheck-trace/1\", \"description\":"
                + " \"converted from a nestcheck-component-trace/1 file\", \"platform\": {\"policy\": \"S2_PARENT\","
                + " \"smmus\": [], \"devices\": []}, \"steps\": []}");
        assertThat(dev.nestcheck.component.ComponentTrace.looksLikeOne(t)).isFalse();
        Path c = Files.writeString(dir.resolve("c.json"), "{\"description\": \"x\", \"format\": \"nestcheck-component-trace/1\"}");
        assertThat(dev.nestcheck.component.ComponentTrace.looksLikeOne(c)).isTrue();
    }
}
