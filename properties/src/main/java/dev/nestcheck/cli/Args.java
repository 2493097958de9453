package dev.nestcheck.cli;

import dev.nestcheck.spec.Platform;
import dev.nestcheck.spec.Policy;
import dev.nestcheck.trace.Platforms;
import dev.nestcheck.trace.TraceCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing and lookup of the arguments shared by several commands; errors are {@link UsageError}s. */
final class Args {
    private Args() {
    }

    /** {@code all} or a comma-separated list of policy names, case-insensitive, {@code -} for {@code _}. */
    static List<Policy> policies(String arg) {
        if (arg == null || arg.isBlank() || arg.strip().equalsIgnoreCase("all")) return List.of(Policy.values());
        List<Policy> out = new ArrayList<>();
        for (String part : arg.split(",")) {
            Policy p = policy(part);
            if (!out.contains(p)) out.add(p);
        }
        return out;
    }

    /** One policy name. */
    static Policy policy(String arg) {
        String n = arg.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Policy p : Policy.values()) if (p.name().equals(n)) return p;
        throw new UsageError("unknown policy \"" + arg.strip() + "\"; valid: "
                + Arrays.stream(Policy.values()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    /**
     * A {@code --platform} argument: a preset name or a platform file (the JSON object of a
     * trace's {@code platform}, or a whole trace, whose platform is taken).
     */
    record PlatformArg(String text, boolean preset, Platform file) {
        Platform under(Policy policy) {
            return preset ? Platforms.named(text, policy) : file.withPolicy(policy);
        }

        String describe() {
            return preset ? text : "from " + text;
        }

        /** As a printed command takes it: a preset's name, or the file's absolute path. */
        String replayText() {
            return preset ? text : Paths.get(text).toAbsolutePath().normalize().toString();
        }
    }

    /** Null for null (random small platforms). */
    static PlatformArg platform(String arg) {
        if (arg == null) return null;
        String a = arg.strip();
        if (Platforms.names().contains(a)) return new PlatformArg(a, true, null);
        Path p = Paths.get(a);
        if (!Files.isRegularFile(p))
            throw new UsageError("unknown platform \"" + a + "\": neither a preset (" + String.join(", ", Platforms.names())
                    + ") nor an existing file");
        Platform platform;
        try {
            platform = TraceCodec.readPlatform(p);
        } catch (RuntimeException asPlatform) {
            try {
                platform = TraceCodec.read(p).platform();
            } catch (RuntimeException asTrace) {
                throw asPlatform;
            }
        }
        return new PlatformArg(a, false, platform);
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    static String policiesText(List<Policy> ps) {
        return ps.stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
