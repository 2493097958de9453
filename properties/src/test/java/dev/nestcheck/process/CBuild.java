package dev.nestcheck.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles C sources with the system's {@code cc}, warnings as errors, into {@code target/}. */
public final class CBuild {
    /** The example's sources, relative to the properties module (Surefire's working directory). */
    public static final Path EXAMPLE = Paths.get("..", "examples", "c-kvm-allocator");
    public static final List<String> FLAGS = List.of("-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2");

    private CBuild() {
    }

    /** The C allocator of the example, built into target/c-kvm-allocator/NAME; {@code bug} null for the correct one. */
    public static Path kvmAllocator(String bug) {
        String name = bug == null ? "kvm-allocator" : "kvm-allocator-" + bug.toLowerCase().replace('_', '-');
        return compile(Paths.get("target", "c-kvm-allocator", name), bug == null ? List.of() : List.of("-DBUG=" + bug),
                EXAMPLE.resolve("nestcheck_protocol.c"), EXAMPLE.resolve("kvm_vmid.c"), EXAMPLE.resolve("kvm_component.c"));
    }

    /** Compiles the sources into {@code out}; fails with the compiler's messages. */
    public static Path compile(Path out, List<String> extraFlags, Path... sources) {
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            List<String> cmd = new ArrayList<>(List.of("cc"));
            cmd.addAll(FLAGS);
            cmd.addAll(extraFlags);
            cmd.add("-o");
            cmd.add(out.toString());
            for (Path s : sources) cmd.add(s.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("cc did not finish: " + cmd);
            if (p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " failed:\n" + output);
            return out.toAbsolutePath();
        } catch (IOException e) {
            throw new AssertionError("cannot run cc (the build needs a C compiler, see README): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
