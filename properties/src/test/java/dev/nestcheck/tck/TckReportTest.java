package dev.nestcheck.tck;

import dev.nestcheck.report.CounterexampleReport;
import dev.nestcheck.report.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The TCK as a user meets it (issue 12 items 1, 8, 15): the budget of `check`, a failure that writes
 * check's report folder and prints how to replay it, and no green test that checked nothing.
 */
@org.junit.jupiter.api.extension.ExtendWith(dev.nestcheck.cli.BrokenProviders.Armed.class)
class TckReportTest {
    /** A user's TCK class over the broken-vmid-zero implementation, by name. */
    static final class BrokenByName extends ByNameVerification {
        @Override
        protected String implementationName() {
            return "broken-vmid-zero";
        }
    }

    /** A TCK class whose budget is zero cases. */
    static final class NoCases extends NestingConformanceVerification {
        @Override
        protected dev.nestcheck.spec.NestingImplementation create(dev.nestcheck.spec.Platform platform) {
            return dev.nestcheck.conformance.Implementations.named("optimized").create(platform);
        }

        @Override
        protected int defaultTries() {
            return 0;
        }
    }

    /** A user's TCK class whose implementation hangs in its first open. */
    static final class HangsInOpen extends NestingConformanceVerification {
        @Override
        protected dev.nestcheck.spec.NestingImplementation create(dev.nestcheck.spec.Platform platform) {
            dev.nestcheck.spec.NestingImplementation real = dev.nestcheck.conformance.Implementations.named("optimized").create(platform);
            return new dev.nestcheck.spec.NestingImplementation() {
                public dev.nestcheck.spec.Outcome execute(dev.nestcheck.spec.Op op) {
                    if (op instanceof dev.nestcheck.spec.Op.Open) {
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return real.execute(op);
                }

                public dev.nestcheck.spec.Snapshot snapshot() {
                    return real.snapshot();
                }
            };
        }
    }

    @AfterEach
    void clear() {
        System.clearProperty("nestcheck.timeout");
        System.clearProperty("nestcheck.reports");
        System.clearProperty("nestcheck.seed");
        System.clearProperty("nestcheck.replay");
    }

    @Test
    void aReplayTokenRunsItsOwnPolicyAndSkipsTheOthers(@TempDir Path dir) {
        System.setProperty("nestcheck.reports", dir.toString());
        System.setProperty("nestcheck.seed", "2");
        BrokenByName tck = new BrokenByName();
        tck.findProvider();
        AssertionError found = catchThrowableOfType(AssertionError.class, tck::policy_VIOMMU_conformsToTheModel);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-Dnestcheck\\.replay=(nc1\\.[A-Za-z0-9_-]+)")
                .matcher(found.getMessage().replace("\\\n", "")); // as the shell joins a pasted command
        assertThat(m.find()).as(found.getMessage()).isTrue();
        System.clearProperty("nestcheck.seed");
        System.setProperty("nestcheck.replay", m.group(1));
        // the whole class with the token (-Dtest=Class): its own policy fails again, the others are skipped
        assertThatThrownBy(tck::policy_ICTX_conformsToTheModel)
                .isInstanceOf(org.opentest4j.TestAbortedException.class)
                .hasMessageContaining("policy VIOMMU, not ICTX");
        assertThatThrownBy(tck::policy_S2_PARENT_conformsToTheModel)
                .isInstanceOf(org.opentest4j.TestAbortedException.class);
        assertThat(catchThrowableOfType(AssertionError.class, tck::policy_VIOMMU_conformsToTheModel).getMessage())
                .contains("What differs at step");
    }

    /** As check stops: after a hang in process (a thread that cannot be stopped), the next policy fails at once. */
    @Test
    void afterAHangTheOtherPoliciesFailAtOnceInsteadOfHangingAgain(@TempDir Path dir) {
        System.setProperty("nestcheck.reports", dir.toString());
        System.setProperty("nestcheck.seed", "1");
        System.setProperty("nestcheck.timeout", "100ms");
        HangsInOpen tck = new HangsInOpen();
        assertThat(catchThrowableOfType(AssertionError.class, tck::policy_ICTX_conformsToTheModel).getMessage())
                .contains("hung in open for 100 ms");
        assertThat(catchThrowableOfType(AssertionError.class, tck::policy_S2_PARENT_conformsToTheModel).getMessage())
                .contains("policy_S2_PARENT_conformsToTheModel not run: the implementation hung in open for 100 ms under ICTX");
    }

    @Test
    void theTckRunsTheSameBudgetAsCheck() {
        assertThat(new NoCases().settings(dev.nestcheck.spec.Policy.ICTX).tries()).isZero();
        assertThat(NestingConformanceVerification.DEFAULT_TRIES).isEqualTo(1000);
        assertThat(new BrokenByName().settings(dev.nestcheck.spec.Policy.ICTX).tries()).isEqualTo(1000);
    }

    @Test
    void aFailureWritesChecksReportFolderAndSaysHowToReplayIt(@TempDir Path dir) throws Exception {
        System.setProperty("nestcheck.reports", dir.toString());
        System.setProperty("nestcheck.seed", "2");
        BrokenByName tck = new BrokenByName();
        tck.findProvider();
        AssertionError e = catchThrowableOfType(AssertionError.class, tck::policy_VIOMMU_conformsToTheModel);
        assertThat(e).isNotNull();
        String m = e.getMessage();
        assertThat(m).startsWith("VIOMMU: The implementation diverges from the model at step ").contains("\nRule")
                .contains("nestcheck TCK: BrokenByName#policy_VIOMMU_conformsToTheModel failed",
                "What differs at step", "Report: ", "Replay exactly this case:",
                "mvn test -Dtest=BrokenByName#policy_VIOMMU_conformsToTheModel", "-Dnestcheck.replay=nc1.",
                "-Dnestcheck.seed=2");
        for (String line : m.split("\n"))
            if (!line.startsWith("Report: ")) assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        Path folder = dir.resolve("BrokenByName").resolve("VIOMMU-divergence");
        assertThat(m).contains(folder.toAbsolutePath().toString());
        assertThat(folder.resolve(CounterexampleReport.MARKDOWN)).exists();
        assertThat(folder.resolve(CounterexampleReport.TRACE)).exists();
        String md = Files.readString(folder.resolve(CounterexampleReport.MARKDOWN));
        assertThat(Layout.widest(md)).isLessThanOrEqualTo(80);
        // a registered implementation: its regression test names it, in the default package
        try (var files = Files.list(folder)) {
            Path test = files.filter(p -> p.getFileName().toString().startsWith("Regression_")).findFirst().orElseThrow();
            assertThat(test.getFileName().toString()).endsWith("Test.java");
            assertThat(Files.readString(test)).contains("TraceReplay.assertConforms(TRACE, \"broken-vmid-zero\")")
                    .doesNotContain("\npackage ");
        }
    }

    @Test
    void aTckClassThatIsNotRegisteredGetsARegressionTestInItsPackage() {
        String src = CounterexampleReport.regressionTest("Regression_X_00000000Test", "{}",
                "com.example.nesting.MyNestingConformanceTest", "t", false);
        assertThat(src).contains("package com.example.nesting;",
                "TraceReplay.assertConforms(TRACE, MyNestingConformanceTest.class);");
    }

    @Test
    void aRunOfNoCaseFails() {
        assertThatThrownBy(() -> new NoCases().policy_ICTX_conformsToTheModel()).isInstanceOf(AssertionError.class)
                .satisfies(t -> assertThat(t.getMessage().toLowerCase(Locale.ROOT)).containsAnyOf("no conformance case",
                        "no valid", "nothing", "0 valid"));
    }

    @Test
    void byNameWithoutANameFailsInsteadOfSkipping() {
        assertThatThrownBy(() -> new ByNameVerification().findProvider()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dnestcheck.impl=NAME");
    }
}
