package dev.nestcheck.tck.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's JVM options (issue 17): a check runs with the serial collector and the JIT options the
 * README measured, and a user's own choice, through NESTCHECK_JAVA_OPTS, JAVA_TOOL_OPTIONS or
 * JDK_JAVA_OPTIONS, wins; a collector chosen there must not collide with ours (two collectors stop the
 * JVM at start). The JVM prints the options it ran with (-XX:+PrintCommandLineFlags).
 */
class LauncherIT {
    static final String[] CHECK = {"check", "--tries", "5", "--seed", "1", "--policy", "S2_PARENT", "--no-matrix"};
    static Path launcher;

    @BeforeAll
    static void findTheLauncher() {
        launcher = Paths.get(System.getProperty("nestcheck.it.root")).toAbsolutePath().normalize().resolve("nestcheck");
    }

    @Test
    void aCheckRunsWithTheSerialCollectorAndTheMeasuredJitOptions() throws Exception {
        String out = run(Map.of("NESTCHECK_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));
        assertThat(out).contains("-XX:+UseSerialGC", "-XX:PerMethodTrapLimit=0", "-XX:FreqInlineSize=35",
                "result: conformant");
    }

    @Test
    void aCollectorChosenInNestcheckJavaOptsReplacesOurs() throws Exception {
        String out = run(Map.of("NESTCHECK_JAVA_OPTS", "-XX:+UseG1GC -XX:+PrintCommandLineFlags"));
        assertThat(out).contains("-XX:+UseG1GC", "-XX:PerMethodTrapLimit=0", "result: conformant")
                .doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void aCollectorChosenInJavaToolOptionsReplacesOurs() throws Exception {
        String out = run(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC",
                "NESTCHECK_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));
        assertThat(out).contains("-XX:+UseParallelGC", "result: conformant").doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void aJitOptionOfTheUsersWins() throws Exception {
        String out = run(Map.of("JDK_JAVA_OPTIONS", "-XX:PerMethodTrapLimit=100",
                "NESTCHECK_JAVA_OPTS", "-XX:+PrintCommandLineFlags"));
        assertThat(out).contains("-XX:PerMethodTrapLimit=100", "-XX:+UseSerialGC", "result: conformant")
                .doesNotContain("-XX:PerMethodTrapLimit=0");
    }

    static String run(Map<String, String> env) throws Exception {
        String[] cmd = new String[CHECK.length + 1];
        cmd[0] = launcher.toString();
        System.arraycopy(CHECK, 0, cmd, 1, CHECK.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", Paths.get(System.getProperty("java.home")).toString());
        for (String name : new String[] {"NESTCHECK_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH"})
            pb.environment().remove(name);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
