package dev.nestcheck.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nestcheck.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A campaign from the command line: check --shard I/N on every shard, then merge, with JUnit XML. */
class CampaignCliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void threeShardsMergeIntoTheUnshardedRunsTotals(@TempDir Path dir) throws Exception {
        Run whole = run("check", "--seed", "11", "--tries", "60", "--no-matrix", "--report", dir.resolve("whole").toString());
        assertThat(whole.code()).as(whole.out() + whole.err()).isZero();
        for (int i = 1; i <= 3; i++) {
            Run r = run("check", "--seed", "11", "--tries", "60", "--shard", i + "/3", "--report", dir.resolve("shard-" + i).toString(),
                    "--junit-xml", dir.resolve("shard-" + i + ".xml").toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("; shard " + i + "/3");
            assertThat(dir.resolve("shard-" + i + ".xml")).exists();
        }
        // only shard 1 computed the matrix
        ObjectMapper m = new ObjectMapper();
        assertThat(m.readTree(dir.resolve("shard-1/summary.json").toFile()).has("matrix")).isTrue();
        assertThat(m.readTree(dir.resolve("shard-2/summary.json").toFile()).has("matrix")).isFalse();

        Path out = dir.resolve("merged");
        Run merge = run("merge", dir.resolve("shard-1").toString(), dir.resolve("shard-2").toString(), dir.resolve("shard-3").toString(),
                "-o", out.toString(), "--junit-xml", dir.resolve("junit.xml").toString());
        assertThat(merge.code()).as(merge.out() + merge.err()).isZero();
        JsonNode merged = m.readTree(out.resolve("summary.json").toFile());
        JsonNode unsharded = m.readTree(dir.resolve("whole/summary.json").toFile());
        assertThat(merged.path("steps").asLong()).isEqualTo(unsharded.path("steps").asLong());
        assertThat(merged.path("cases").asLong()).isEqualTo(unsharded.path("cases").asLong());
        assertThat(merged.path("result").asText()).isEqualTo("conformant");
        assertThat(merged.path("shards").path("merged").size()).isEqualTo(3);
        assertThat(merged.has("matrix")).isTrue();
        for (int p = 0; p < 4; p++)
            assertThat(merged.path("runs").get(p).path("steps").asLong()).isEqualTo(unsharded.path("runs").get(p).path("steps").asLong());
        assertThat(merged.path("coverage").path("covered").size()).isEqualTo(unsharded.path("coverage").path("covered").size());
        assertThat(Files.readString(out.resolve("summary.md"))).contains("# nestcheck campaign", "3 of 3", "## Runs", "S2_PARENT");
        String xml = Files.readString(dir.resolve("junit.xml"));
        assertThat(xml).contains("<testsuite name=\"nestcheck check optimized\" tests=\"4\" failures=\"0\" errors=\"0\"",
                "name=\"S2_PARENT\"", "name=\"KVM_PINNED\"");

        // a missing shard, or a shard of another seed, is refused
        Run partial = run("merge", dir.resolve("shard-1").toString(), dir.resolve("shard-3").toString(), "-o", dir.resolve("p").toString());
        assertThat(partial.code()).isEqualTo(2);
        assertThat(partial.err()).contains("shards missing: [2] of 3");
        Run other = run("check", "--seed", "12", "--tries", "10", "--shard", "2/3", "--report", dir.resolve("other").toString());
        assertThat(other.code()).isZero();
        Run mixed = run("merge", dir.resolve("shard-1").toString(), dir.resolve("other").toString());
        assertThat(mixed.code()).isEqualTo(2);
        assertThat(mixed.err().strip()).startsWith("nestcheck: merge: ").contains("has seed 12").doesNotContain("\n");
        Run bad = run("check", "--shard", "0/3");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("I must be 1..N");
    }

    /**
     * A shard that died before its summary (its folder empty, as a CI timeout leaves it) does not hide
     * the others: they are merged and written, the campaign is incomplete (exit 2) and its JUnit XML has
     * an error for it, so that a CI view is not green.
     */
    @Test
    void aDeadShardLeavesTheOthersMergedAndTheJunitRed(@TempDir Path dir) throws Exception {
        for (int i = 3; i >= 1; i--)
            assertThat(run("check", "--seed", "11", "--tries", "12", "--no-matrix", "--shard", i + "/3", "--report",
                    dir.resolve("shard-" + i).toString()).code()).isZero();
        Files.delete(dir.resolve("shard-2/summary.json"));
        Path out = dir.resolve("merged");
        Run merge = run("merge", dir.resolve("shard-3").toString(), dir.resolve("shard-2").toString(), dir.resolve("shard-1").toString(),
                "-o", out.toString(), "--junit-xml", dir.resolve("junit.xml").toString());
        assertThat(merge.code()).as(merge.out() + merge.err()).isEqualTo(2);
        assertThat(merge.err()).contains("shard-2: no summary.json there", "shards missing: [2] of 3 (have [1, 3])");
        JsonNode merged = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(merged.path("result").asText()).isEqualTo("incomplete");
        assertThat(merged.path("shards").path("merged").toString()).as("in shard order").isEqualTo("[1,3]");
        String xml = Files.readString(dir.resolve("junit.xml"));
        assertThat(xml).contains("tests=\"5\" failures=\"0\" errors=\"1\"", "name=\"campaign\"", "type=\"incomplete\"",
                "shards missing: [2] of 3");
    }

    /** Nothing is called conformant unless cases ran: a shard that got no case says "not run", and JUnit skips. */
    @Test
    void aPolicyThatRanNoCaseIsNotConformant(@TempDir Path dir) throws Exception {
        Run r = run("check", "--seed", "1", "--tries", "1", "--shard", "2/3", "--no-matrix", "--report", dir.resolve("s").toString(),
                "--junit-xml", dir.resolve("j.xml").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.out()).contains("S2_PARENT   not run         no case ran within the budget", "result: nothing was checked")
                .doesNotContain("conformant");
        assertThat(new ObjectMapper().readTree(dir.resolve("s/summary.json").toFile()).path("result").asText()).isEqualTo("not run");
        assertThat(Files.readString(dir.resolve("j.xml"))).contains("tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"4\"",
                "<skipped message=\"not run: no case ran within the budget\"/>");
        // the campaign of those shards did check: shard 1 ran the one case of each policy
        for (int i : new int[] {1, 3})
            run("check", "--seed", "1", "--tries", "1", "--shard", i + "/3", "--no-matrix", "--report", dir.resolve("s" + i).toString());
        Run merge = run("merge", dir.resolve("s1").toString(), dir.resolve("s").toString(), dir.resolve("s3").toString(),
                "-o", dir.resolve("m").toString(), "--junit-xml", dir.resolve("m.xml").toString());
        assertThat(merge.code()).as(merge.out() + merge.err()).isZero();
        JsonNode merged = new ObjectMapper().readTree(dir.resolve("m/summary.json").toFile());
        assertThat(merged.path("result").asText()).isEqualTo("conformant");
        assertThat(merged.path("runs").get(0).path("result").asText()).isEqualTo("conformant");
        assertThat(merged.path("runs").get(0).path("counterexamples").size()).isZero();
        assertThat(Files.readString(dir.resolve("m.xml"))).contains("failures=\"0\" errors=\"0\" skipped=\"0\"");
    }

    /** A rule another policy's stays n/a (null) through a merge, as in each shard's summary. */
    @Test
    void aMergeKeepsRulesOfOtherPoliciesNotApplicable(@TempDir Path dir) throws Exception {
        for (int i = 1; i <= 2; i++)
            assertThat(run("check", "--seed", "3", "--tries", "10", "--policy", "S2_PARENT", "--shard", i + "/2", "--report",
                    dir.resolve("s" + i).toString()).code()).isZero();
        assertThat(run("merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(), "-o", dir.resolve("m").toString()).code())
                .isZero();
        JsonNode cov = new ObjectMapper().readTree(dir.resolve("m/summary.json").toFile()).path("coverage");
        assertThat(cov.path("casesPerRule").path("KVM-6").path("S2_PARENT").isNull()).isTrue();
        assertThat(cov.path("notReached").toString()).doesNotContain("KVM-6");
        assertThat(Files.readString(dir.resolve("m/summary.md"))).containsPattern("(?m)^    KVM-6 +n/a$");
    }

    /** Shards that ran different --policy sets are parts of two campaigns, not one (it merged as conformant). */
    @Test
    void shardsOfOtherPoliciesAreNotOneCampaign(@TempDir Path dir) {
        assertThat(run("check", "--seed", "1", "--tries", "8", "--policy", "ICTX", "--shard", "1/2", "--report",
                dir.resolve("a").toString()).code()).isZero();
        assertThat(run("check", "--seed", "1", "--tries", "8", "--policy", "KVM_PINNED", "--shard", "2/2", "--report",
                dir.resolve("b").toString()).code()).isZero();
        Run merge = run("merge", dir.resolve("a").toString(), dir.resolve("b").toString(), "-o", dir.resolve("m").toString());
        assertThat(merge.code()).isEqualTo(2);
        assertThat(merge.err().strip()).contains("ran [KVM_PINNED]", "ran [ICTX]", "not shards of one campaign").doesNotContain("\n");
    }

    @Test
    void aCounterexampleOfAShardIsListedWithItsReportInTheMergeAndTheJunitXml(@TempDir Path dir) throws Exception {
        dev.nestcheck.cli.BrokenProviders.armed = true;
        try {
            for (int i = 1; i <= 2; i++) {
                Run r = run("check", "--impl", "broken-vmid-zero", "--policy", "S2_PARENT", "--seed", "5", "--tries", "40",
                        "--shard", i + "/2", "--report", dir.resolve("s" + i).toString());
                assertThat(r.code()).as(r.out() + r.err()).isIn(0, 1);
            }
        } finally {
            dev.nestcheck.cli.BrokenProviders.armed = false;
        }
        Path out = dir.resolve("m");
        Run merge = run("merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(), "-o", out.toString(), "--junit-xml",
                dir.resolve("j.xml").toString());
        assertThat(merge.code()).as(merge.out() + merge.err()).isEqualTo(1);
        JsonNode merged = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode cx = merged.path("runs").get(0).path("counterexamples").get(0);
        assertThat(cx.path("report").asText()).startsWith("../s");
        assertThat(out.resolve(cx.path("report").asText()).resolve("counterexample.md")).exists();
        assertThat(out.resolve(cx.path("report").asText()).resolve("repro.c")).exists();
        assertThat(Files.readString(dir.resolve("j.xml"))).contains("failures=\"1\"", "<failure message=", "## Minimal sequence");
        // seed 5: both shards fail and shrink to the same minimal case, which the merge lists once
        JsonNode cxs = merged.path("runs").get(0).path("counterexamples");
        assertThat(cxs).hasSize(1);
        assertThat(cx.path("shard").asInt()).isEqualTo(1);
        assertThat(cx.path("alsoInShards").toString()).isEqualTo("[2]");
        assertThat(Files.readString(out.resolve("summary.md"))).contains("S2_PARENT, shard 1 (the same case in shard 2): ");
    }
}
