package dev.nestcheck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Settings#withShard}: the shards of a run together run exactly its cases. */
class ShardingTest {

    private static final int TRIES = 300;

    /** Records every case's draws (rejected cases too, before they are rejected). */
    private static Property recording(List<String> log, boolean rejectSome) {
        return tc -> {
            String c = tc.between(0, 1_000_000) + "," + tc.bits64() + "," + Scenarios.INT_LISTS.generate(tc);
            log.add(c);
            if (rejectSome) {
                tc.assume(!c.startsWith("1"));
            }
        };
    }

    private static List<String> sorted(List<String> xs) {
        List<String> out = new ArrayList<>(xs);
        out.sort(null);
        return out;
    }

    @Test
    void theShardsTogetherRunExactlyTheCasesOfTheUnshardedRun() {
        List<String> whole = new ArrayList<>();
        RunResult unsharded = Engine.run(recording(whole, false), Settings.defaults().withSeed(42).withTries(TRIES));
        assertThat(unsharded.casesRun()).isEqualTo(TRIES);
        assertThat(unsharded.caseIndexEnd()).isEqualTo(TRIES);
        for (int count : new int[] {1, 2, 3, 7}) {
            List<String> union = new ArrayList<>();
            long cases = 0;
            for (int index = 0; index < count; index++) {
                List<String> part = new ArrayList<>();
                RunResult r = Engine.run(recording(part, false),
                        Settings.defaults().withSeed(42).withTries(TRIES).withShard(index, count));
                assertThat(r.passed()).isTrue();
                assertThat(r.shard()).isEqualTo(new RunResult.Shard(index, count, TRIES));
                assertThat(r.casesRun()).isEqualTo(r.shard().casesInRange());
                cases += r.casesRun();
                union.addAll(part);
            }
            assertThat(cases).isEqualTo(TRIES);
            assertThat(sorted(union)).as("%d shards", count).isEqualTo(sorted(whole));
        }
    }

    @Test
    void shardIndexIsTheCaseIndexModuloTheCount() {
        List<String> whole = new ArrayList<>();
        Engine.run(recording(whole, false), Settings.defaults().withSeed(7).withTries(40));
        List<String> shard = new ArrayList<>();
        Engine.run(recording(shard, false), Settings.defaults().withSeed(7).withTries(40).withShard(1, 4));
        List<String> expected = new ArrayList<>();
        for (int k = 1; k < 40; k += 4) {
            expected.add(whole.get(k));
        }
        assertThat(shard).isEqualTo(expected);
    }

    @Test
    void withRejectionsTheShardsCoverTheFirstTriesCaseIndices() {
        List<String> whole = new ArrayList<>();
        RunResult unsharded = Engine.run(recording(whole, true), Settings.defaults().withSeed(11).withTries(TRIES));
        assertThat(unsharded.rejectedCases()).isPositive();
        assertThat(unsharded.casesRun()).isGreaterThan(TRIES);   // it goes on until TRIES cases are valid
        List<String> union = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            Engine.run(recording(union, true), Settings.defaults().withSeed(11).withTries(TRIES).withShard(index, 3));
        }
        assertThat(sorted(union)).isEqualTo(sorted(whole.subList(0, TRIES)));
    }

    @Test
    void aShardReportsTheCaseIndexOfItsFailure() {
        Property p = tc -> {
            if (tc.between(0, 1_000_000) % 97 == 5) {
                throw new AssertionError("bad residue");
            }
        };
        Failure whole = Engine.run(p, Settings.defaults().withSeed(3).withTries(5000)).failure().orElseThrow();
        long k = whole.caseIndex();
        assertThat(k).isEqualTo(whole.casesBeforeFailure() - 1);
        int count = 4;
        RunResult shard = Engine.run(p, Settings.defaults().withSeed(3).withTries(5000).withShard((int) (k % count), count));
        Failure f = shard.failure().orElseThrow();
        assertThat(f.caseIndex()).isEqualTo(k);
        assertThat(f.casesBeforeFailure()).isEqualTo(k / count + 1);
        assertThat(f.report()).contains("at case index " + k + " (shard " + (k % count + 1) + "/" + count + ")");
        assertThat(shard.summary()).contains("shard " + (k % count + 1) + "/4 of case indices 0..4999");
    }

    @Test
    void shardArgumentsAreChecked() {
        assertThat(Settings.parseShard("--shard", "2/8")).containsExactly(2, 8);
        assertThat(Settings.parseShard("--shard", " 0/1 ")).containsExactly(0, 1);
        assertThatThrownBy(() -> Settings.parseShard("--shard", "8/8")).hasMessageContaining("0 <= I < N");
        assertThatThrownBy(() -> Settings.parseShard("--shard", "1-4")).hasMessageStartingWith("--shard: '1-4' is not I/N");
        assertThatThrownBy(() -> Settings.defaults().withShard(4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.defaults().withShard(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Settings.defaults().withShard(0, 1).shardCount()).isEqualTo(1);
    }
}
