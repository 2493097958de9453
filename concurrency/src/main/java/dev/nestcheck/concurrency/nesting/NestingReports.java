package dev.nestcheck.concurrency.nesting;

import dev.nestcheck.concurrency.ConcurrencyFailure;
import dev.nestcheck.concurrency.report.ConcurrencyReport;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.engine.Failure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Report input for a whole-implementation concurrency counterexample. */
public final class NestingReports {
    private NestingReports() {
    }

    public static ConcurrencyReport.Input input(String name, String subject, Failure failure, NestingConcurrency.Mode mode,
                                                String replayCommand) {
        ConcurrencyFailure cf = (ConcurrencyFailure) failure.throwable();
        NestingScenario s = (NestingScenario) cf.scenario();
        List<List<String>> branches = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int t = 0; t < s.branches().size(); t++) {
            branches.add(s.branches().get(t).stream().map(Describe::op).collect(Collectors.toList()));
            titles.add("T" + t + " (cpu" + t + ")");
        }
        String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
        return new ConcurrencyReport.Input(safe, subject, mode.describe(), s.platform().describe(),
                s.prefix().stream().map(Describe::op).collect(Collectors.toList()), branches, titles, cf.finding(),
                failure.seed(), failure.replayToken(), replayCommand, regressionTest(safe, s, mode, cf.finding().summary()));
    }

    static String regressionTest(String name, NestingScenario s, NestingConcurrency.Mode mode, String finding) {
        List<String> traces = s.toTraces();
        StringBuilder args = new StringBuilder();
        for (String t : traces) args.append(args.length() == 0 ? "" : ",\n                ").append("\"\"\"\n").append(t).append("\"\"\"");
        return "import static org.assertj.core.api.Assertions.assertThat;\n\n"
                + "import dev.nestcheck.concurrency.nesting.NestingConcurrency;\n"
                + "import dev.nestcheck.concurrency.nesting.NestingScenario;\n"
                + "import org.junit.jupiter.api.Test;\n\n"
                + "/** nestcheck concurrency counterexample: " + finding.replace("*/", "* /") + " */\n"
                + "class RegressionTest_" + name + " {\n"
                + "    @Test\n"
                + "    void scenarioIsLinearizable() {\n"
                + "        NestingScenario scenario = NestingScenario.fromTraces(" + args + ");\n"
                + "        // replace with your implementation's constructor\n"
                + "        assertThat(NestingConcurrency.check(scenario, dev.nestcheck.impl.OptimizedNesting::new,\n"
                + "                NestingConcurrency.Mode." + mode.name() + ")).as(scenario.oneLine()).isEmpty();\n"
                + "    }\n"
                + "}\n";
    }
}
