package dev.nestcheck.concurrency.kvm;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.report.ConcurrencyReport;
import dev.nestcheck.engine.Failure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Report input for an allocator-level counterexample. */
public final class KvmReports {
    private KvmReports() {
    }

    /**
     * @param allocator how the regression test builds the allocator under test, as Java source
     *                  (e.g. {@code GenerationalAllocatorAdapter::new})
     */
    public static ConcurrencyReport.Input input(String name, String subject, Failure failure, int invocations,
                                                String replayCommand, String allocator) {
        ConcurrencyFailure cf = (ConcurrencyFailure) failure.throwable();
        KvmScenario s = (KvmScenario) cf.scenario();
        List<List<String>> branches = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int t = 0; t < s.branches().size(); t++) {
            branches.add(s.branches().get(t).stream().map(KvmOp::toString).collect(Collectors.toList()));
            titles.add("T" + t + " (cpu" + t + ")");
        }
        return new ConcurrencyReport.Input(name, subject,
                "model checking (Lincheck), " + invocations + " interleavings per scenario",
                s.platform(), s.prefix().stream().map(KvmOp::toString).collect(Collectors.toList()), branches, titles,
                cf.finding(), failure.seed(), failure.replayToken(), replayCommand,
                regressionTest(name, s, invocations, allocator, cf.finding().summary()));
    }

    static String regressionTest(String name, KvmScenario s, int invocations, String allocator, String finding) {
        return "import static org.assertj.core.api.Assertions.assertThat;\n\n"
                + "import dev.nestcheck.concurrency.kvm.*;\n"
                + "import java.util.List;\n"
                + "import org.junit.jupiter.api.Test;\n\n"
                + "/** nestcheck concurrency counterexample: " + finding.replace("*/", "* /") + " */\n"
                + "class RegressionTest_" + name + " {\n"
                + "    @Test\n"
                + "    void scenarioIsLinearizableAndKeepsTheInvariants() {\n"
                + "        KvmScenario scenario = " + s.toJava().replace("\n", "\n        ") + ";\n"
                + "        assertThat(KvmModelChecker.check(scenario, " + allocator + ", " + invocations + "))\n"
                + "                .as(scenario.oneLine()).isEmpty();\n"
                + "    }\n"
                + "}\n";
    }
}
