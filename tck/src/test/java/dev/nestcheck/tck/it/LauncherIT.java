package dev.nestcheck.tck.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.file.attribute.PosixFilePermissions.asFileAttribute;
import static java.nio.file.attribute.PosixFilePermissions.fromString;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's JVM options (issue 17): a check runs with the serial collector and the JIT options the
 * README measured, and a user's own choice, through NESTCHECK_JAVA_OPTS, JAVA_TOOL_OPTIONS or
 * JDK_JAVA_OPTIONS, wins; a collector chosen there must not collide with ours (two collectors stop the
 * JVM at start). The JVM prints the options it ran with (-XX:+PrintCommandLineFlags). And the
 * first run's build: without the tests, Maven's JVM with C1 alone unless the user chose a tier, seen
 * by a stand-in {@code mvn} that records how it was called.
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

    @Test
    void aMissingJarIsBuiltWithoutTheTestsByAMavenOnC1Alone(@TempDir Path dir) throws Exception {
        String calls = buildWithStandInMaven(dir, Map.of("MAVEN_OPTS", "-Xmx1g"));
        assertThat(calls).contains("MAVEN_OPTS=-XX:TieredStopAtLevel=1 -Xmx1g\n",
                "-q -B -Dmaven.test.skip=true package -pl properties -am");
    }

    @Test
    void aTierTheUserChoseForMavenWins(@TempDir Path dir) throws Exception {
        assertThat(buildWithStandInMaven(dir.resolve("maven"), Map.of("MAVEN_OPTS", "-XX:TieredStopAtLevel=4")))
                .contains("MAVEN_OPTS=-XX:TieredStopAtLevel=4\n").doesNotContain("TieredStopAtLevel=1");
        assertThat(buildWithStandInMaven(dir.resolve("tool"), Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=3")))
                .contains("MAVEN_OPTS=\n").doesNotContain("TieredStopAtLevel=1");
    }

    /**
     * The real thing, as in a fresh clone: the sources without their target folders, the launcher run
     * once, Maven from the PATH. This is what a user's first command does, and it would break if a module
     * came to need another's test classes (the build compiles none).
     */
    @Test
    void aFreshCheckoutBuildsItsCliOnItsFirstRun(@TempDir Path dir) throws Exception {
        Path root = launcher.getParent();
        Path copy = dir.resolve("checkout");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = root.relativize(f);
                boolean built = false;
                for (Path part : rel) built |= part.toString().equals("target") || part.toString().equals(".git");
                if (built || rel.toString().equals("properties/target-build.log")) continue;
                if (Files.isDirectory(f)) Files.createDirectories(copy.resolve(rel));
                else Files.copy(f, copy.resolve(rel), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        String mavenHome = System.getProperty("nestcheck.it.mavenHome");
        Map<String, String> env = mavenHome != null && Files.isExecutable(Paths.get(mavenHome, "bin", "mvn"))
                ? Map.of("PATH", Paths.get(mavenHome, "bin") + ":" + System.getenv("PATH")) : Map.of();
        Launched r = launch(copy.resolve("nestcheck"), env, "rules");
        Path log = copy.resolve("properties/target-build.log");
        assertThat(r.code()).as("%s%n%s", r.out(), Files.exists(log) ? Files.readString(log) : "").isZero();
        assertThat(r.out()).startsWith("nestcheck: building (mvn package -Dmaven.test.skip=true -pl properties -am)...\n")
                .contains("VMID-1 ");
        assertThat(copy.resolve("properties/target/nestcheck-cli.jar")).exists();
        assertThat(copy.resolve("properties/target/test-classes")).doesNotExist();
        assertThat(log).doesNotExist();

        // a test edited is not in the jar: no build (every run built again, 2.5 s, while a test was newer)
        java.nio.file.attribute.FileTime later = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 1_000);
        Files.setLastModifiedTime(copy.resolve("properties/src/test/java/dev/nestcheck/cli/MainTest.java"), later);
        assertThat(launch(copy.resolve("nestcheck"), env, "rules").out()).doesNotContain("building").contains("VMID-1 ");
        // a main source edited is: one build, even when it leaves the jar as it was, and then none
        Files.setLastModifiedTime(copy.resolve("properties/src/main/java/dev/nestcheck/cli/Main.java"), later);
        assertThat(launch(copy.resolve("nestcheck"), env, "rules").out()).startsWith("nestcheck: building");
        assertThat(launch(copy.resolve("nestcheck"), env, "rules").out()).doesNotContain("building").contains("VMID-1 ");
    }

    /** No java anywhere: one line and exit 2, not bash's "exec: java: not found" and 127. */
    @Test
    void withoutJavaTheLauncherSaysSoInOneLine(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));   // the tools the launcher uses, and no java
        for (String tool : List.of("bash", "dirname", "find", "tput", "env"))
            for (String entry : System.getenv("PATH").split(":")) {
                Path t = Paths.get(entry, tool);
                if (Files.isExecutable(t) && !Files.exists(bin.resolve(tool))) Files.createSymbolicLink(bin.resolve(tool), t);
            }
        Launched r = launch(launcher, Map.of("PATH", bin.toString(), "JAVA_HOME", dir.resolve("no-jdk").toString()), "rules");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("nestcheck: JAVA_HOME=" + dir.resolve("no-jdk") + " has no bin/java; using the java on the PATH\n"
                + "nestcheck: no java found (JAVA_HOME unset or without bin/java, none on the PATH): install a JDK 17 or later\n");
    }

    /**
     * Runs a copy of the launcher in a folder without the CLI jar, with a stand-in {@code mvn} first on
     * the PATH that records its MAVEN_OPTS and arguments and fails: the launcher must then say so in one
     * line and exit 2. Returns what the stand-in recorded.
     */
    static String buildWithStandInMaven(Path root, Map<String, String> env) throws Exception {
        Files.createDirectories(root.resolve("properties"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path calls = root.resolve("mvn-calls.txt");
        Files.copy(launcher, root.resolve("nestcheck"));
        Files.writeString(Files.createFile(bin.resolve("mvn"), asFileAttribute(fromString("rwx------"))),
                "#!/usr/bin/env bash\nprintf 'MAVEN_OPTS=%s\\n%s\\n' \"${MAVEN_OPTS:-}\" \"$*\" >> '" + calls
                        + "'\necho 'stand-in Maven: failing on purpose'\nexit 1\n");
        Map<String, String> withPath = new HashMap<>(env);
        withPath.put("PATH", bin + ":" + System.getenv("PATH"));
        Launched r = launch(root.resolve("nestcheck"), withPath, "rules");
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.out()).endsWith("nestcheck: build failed; see properties/target-build.log\n");
        assertThat(root.resolve("properties/target-build.log")).content().contains("failing on purpose");
        return Files.readString(calls);
    }

    /** A small check through the launcher, which must pass; its output. */
    static String run(Map<String, String> env) throws Exception {
        Launched r = launch(launcher, env, CHECK);
        assertThat(r.code()).as(r.out()).isZero();
        return r.out();
    }

    record Launched(int code, String out) {
    }

    /** Runs a launcher with the user's JVM and Maven options cleared, then {@code env} set. */
    static Launched launch(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeAll(
                Set.of("NESTCHECK_JAVA_OPTS", "MAVEN_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH"));
        pb.environment().put("JAVA_HOME", Paths.get(System.getProperty("java.home")).toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Launched(p.exitValue(), out);
    }
}
