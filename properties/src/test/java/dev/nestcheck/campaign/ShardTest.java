package dev.nestcheck.campaign;

import dev.nestcheck.conformance.Conformance;
import dev.nestcheck.conformance.ConformanceProperty;
import dev.nestcheck.conformance.Implementations;
import dev.nestcheck.engine.Settings;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shards 1..N of a run together run exactly the cases of the unsharded run with the same seed:
 * every case is recorded as its platform and the operations the implementation executed, and the
 * multisets are compared.
 */
class ShardTest {
    /** Records each case (one implementation per case) as its platform and operations. */
    static final class Recorder implements Function<Platform, NestingImplementation> {
        final List<List<String>> cases = Collections.synchronizedList(new ArrayList<>());

        @Override
        public NestingImplementation apply(Platform p) {
            NestingImplementation d = Implementations.named("optimized").create(p);
            List<String> ops = Collections.synchronizedList(new ArrayList<>());
            ops.add(p.describe());
            cases.add(ops);
            return new NestingImplementation() {
                public Outcome execute(Op op) {
                    ops.add(op.toString());
                    return d.execute(op);
                }

                public Snapshot snapshot() {
                    return d.snapshot();
                }
            };
        }

        Map<String, Integer> multiset() {
            Map<String, Integer> m = new TreeMap<>();
            for (List<String> c : cases) m.merge(String.join(" | ", c), 1, Integer::sum);
            return m;
        }
    }

    @ParameterizedTest
    @CsvSource({"S2_PARENT, 200, 3", "KVM_PINNED, 101, 4", "ICTX, 7, 10"})
    void shardsOneToNTogetherRunExactlyTheCasesOfTheUnshardedRun(Policy policy, int tries, int n) {
        Settings settings = Settings.defaults().withSeed(20261124).withTries(tries);
        Recorder whole = new Recorder();
        Conformance.Result all = Conformance.run(new ConformanceProperty(whole, policy, null, null, ConformanceProperty.DEFAULT_MAX_STEPS),
                settings);
        assertThat(all.passed()).isTrue();
        assertThat(all.run().rejectedCases() + all.run().overruns()).as("every case valid, the premise of exact sharding").isZero();
        assertThat(whole.cases).hasSize(tries);

        Recorder shards = new Recorder();
        long steps = 0, cases = 0;
        for (int i = 1; i <= n; i++) {
            Shard s = new Shard(i, n);
            Conformance.Result r = Conformance.run(new ConformanceProperty(shards, policy, null, null,
                    ConformanceProperty.DEFAULT_MAX_STEPS), settings.withShard(s.index0(), s.count()));
            assertThat(r.passed()).isTrue();
            steps += r.steps();
            cases += r.run().validCases();
        }
        assertThat(cases).isEqualTo(tries);
        assertThat(steps).isEqualTo(all.steps());
        assertThat(shards.multiset()).isEqualTo(whole.multiset());
    }
}
