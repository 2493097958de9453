package dev.nestcheck.stats;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.model.ReferenceModel;
import dev.nestcheck.spec.NestingImplementation;
import dev.nestcheck.spec.Op;
import dev.nestcheck.spec.Outcome;
import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.spec.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Aggregation, rendering, and one real (tiny) measurement of a planted bug and of a correct implementation. */
class SummaryTest {

    private static Trial hit(long seed, long steps, double seconds, int length) {
        return new Trial("x", seed, Trial.Outcome.DETECTED, steps / 10, steps, Duration.ofNanos((long) (seconds * 1e9)),
                Duration.ofMillis(100), 50, false, length, "DIVERGENCE", "");
    }

    @Test
    void aggregatesOnlyDetectedRunsForTimesAndCountsLengths() {
        List<Trial> t = new ArrayList<>();
        for (int i = 1; i <= 9; i++) t.add(hit(i, i * 100L, i * 0.1, i <= 6 ? 4 : 5));
        t.add(Trial.notDetected("x", 10, Trial.Outcome.MISSED, "passed"));
        Subject s = new Subject("x", Policy.S2_PARENT, ReferenceModel::new, 5);
        SubjectSummary r = SubjectSummary.of(s, t, 0.95);
        assertThat(r.runs()).isEqualTo(10);
        assertThat(r.detected()).isEqualTo(9);
        assertThat(r.wilson().proportion()).isEqualTo(0.9);
        assertThat(r.medianSteps()).isEqualTo(500.0);
        assertThat(r.p95Steps()).isEqualTo(860.0); // h = 8 * 0.95 = 7.6: 800 + 0.6 * 100
        assertThat(r.medianSeconds()).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(r.minShrunkLength()).isEqualTo(4);
        assertThat(r.maxShrunkLength()).isEqualTo(5);
        assertThat(r.atKnownMinimum()).isEqualTo(3);
        assertThat(r.belowKnownMinimum()).isEqualTo(6);
        String md = SummaryTable.markdown(List.of(r), TimeToFailure.Config.defaults().withSeeds(10), null);
        assertThat(md).contains("| x | S2_PARENT | 9/10 | ").contains("3/9 (6 BELOW)").contains("BELOW: a counterexample");
    }

    @Test
    void aSubjectNeverDetectedHasNoTimes() {
        Subject s = new Subject("ok", Policy.ICTX, ReferenceModel::new, -1);
        SubjectSummary r = SubjectSummary.of(s, List.of(Trial.notDetected("ok", 1, Trial.Outcome.MISSED, ""),
                Trial.notDetected("ok", 2, Trial.Outcome.TIMEOUT, "")), 0.95);
        assertThat(r.detected()).isZero();
        assertThat(r.medianSeconds()).isNaN();
        assertThat(r.timeouts()).isEqualTo(1);
        String md = SummaryTable.markdown(List.of(r), TimeToFailure.Config.defaults(), "header line");
        assertThat(md).contains("header line").contains("| ok | ICTX | 0/2, 1 timeout | 0.000-");
    }

    /** The model, except that OPEN returns context number + 100: the first step of every case diverges. */
    static final class OpenOffBy100 implements NestingImplementation {
        private final ReferenceModel model;

        OpenOffBy100(Platform p) {
            model = new ReferenceModel(p);
        }

        @Override
        public Outcome execute(Op op) {
            Outcome o = model.execute(op);
            return op instanceof Op.Open ? new Outcome(o.errno(), o.value() + 100, o.entryNum(), o.issued(), o.rule()) : o;
        }

        @Override
        public Snapshot snapshot() {
            return model.snapshot();
        }
    }

    @Test
    void measuresAPlantedBugAndACorrectImplementation(@TempDir Path dir) throws Exception {
        TimeToFailure ttf = new TimeToFailure(TimeToFailure.Config.defaults().withSeeds(3)
                .withSettings(Settings.defaults().withTries(20)).withRunTimeout(Duration.ofSeconds(60)));
        SubjectSummary bug = ttf.measure(new Subject("open+100", Policy.S2_PARENT, OpenOffBy100::new, 1), null);
        assertThat(bug.detected()).isEqualTo(3);
        for (Trial t : bug.trials()) {
            assertThat(t.casesToFailure()).isGreaterThanOrEqualTo(1);
            assertThat(t.stepsToFailure()).isGreaterThanOrEqualTo(1);
            assertThat(t.timeToFailure()).isPositive();
            assertThat(t.kind()).isEqualTo("DIVERGENCE");
        }
        assertThat(bug.atKnownMinimum()).isEqualTo(3); // [open] alone
        SubjectSummary fine = ttf.measure(new Subject("model", Policy.S2_PARENT, ReferenceModel::new, -1), null);
        assertThat(fine.detected()).isZero();
        assertThat(fine.trials()).allMatch(t -> t.outcome() == Trial.Outcome.MISSED);
        Path out = dir.resolve("ttf/summary.md");
        SummaryTable.write(out, SummaryTable.markdown(List.of(bug, fine), ttf.config(), null));
        assertThat(Files.readString(out)).contains("| open+100 | S2_PARENT | 3/3 |").contains("| model | S2_PARENT | 0/3 |");
    }
}
