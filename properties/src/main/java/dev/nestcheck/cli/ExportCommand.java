package dev.nestcheck.cli;

import dev.nestcheck.component.ComponentTrace;
import dev.nestcheck.conformance.Describe;
import dev.nestcheck.export.KselftestExport;
import dev.nestcheck.report.AtomicFiles;
import dev.nestcheck.trace.Trace;
import dev.nestcheck.trace.TraceCodec;
import dev.nestcheck.trace.TraceFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code nestcheck export --kselftest TRACE... [-o repro.c|DIR]}: traces as C programs replaying them on a real kernel. */
@Command(name = "export", header = "Export traces as kselftest-shaped C reproducers for a real kernel.",
        sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Writes each trace as a self-contained C program that replays it through the iommufd uapi",
                "(/dev/iommu, VFIO cdev bind/attach, IOAS/HWPT/vIOMMU/vDEVICE, map/unmap, invalidate, destroy),",
                "checks every step's errno, ID and entryNum, prints TAP and exits 0 pass, 1 fail, 4 skip.",
                "One trace: -o FILE, or stdout. Several traces or a folder: -o DIR (one NAME.c per trace).",
                "Exit codes: 0 written, 2 usage or input error."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TRACE.json|FOLDER|-", description = "Traces, or folders of traces; - reads one trace from standard input.")
    List<Path> traces;

    @Option(names = "--kselftest", required = true, description = "The format: a kselftest-shaped C program (the only one so far).")
    boolean kselftest;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE|DIR", description = "Where to write: a .c file for one trace, a folder for several.")
    Path output;

    private final Io io;

    ExportCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Path dash = Path.of(Stdin.NAME);
        boolean stdin = traces.contains(dash) && !Files.exists(dash);
        List<Path> paths = new ArrayList<>(traces);
        if (stdin) paths.removeIf(dash::equals);
        Set<Path> files = new LinkedHashSet<>();   // a trace given twice (a file and its folder) is written once
        for (Path f : TraceFiles.expand(paths)) {
            String name = f.getFileName().toString();
            if (name.equals("summary.json") && !traces.contains(f)) continue;   // report folders hold one
            if (ComponentTrace.looksLikeOne(f) && !traces.contains(f)) continue;
            files.add(f.toAbsolutePath().normalize());
        }
        if (files.isEmpty() && !stdin)
            throw new UsageError("no trace files (*.json) in " + String.join(", ", traces.stream().map(Path::toString).toList()));
        List<Trace> read = new ArrayList<>();
        List<Path> given = new ArrayList<>(files);
        for (Path f : given) {
            if (ComponentTrace.looksLikeOne(f))
                throw new UsageError(f + ": a component trace (" + ComponentTrace.FORMAT + "): its operations have no"
                        + " iommufd uapi equivalent to export");
            read.add(TraceCodec.read(f));
        }
        if (stdin) {
            read.add(Stdin.trace());
            given.add(Path.of("stdin.json").toAbsolutePath());   // its C file, in a folder of several, is stdin.c
        }
        // a folder of traces gives a folder of C files, even when it holds one trace, unless -o names a C file
        boolean cFile = output != null && output.getFileName() != null && output.getFileName().toString().endsWith(".c")
                && !Files.isDirectory(output);
        if (cFile && given.size() > 1)
            throw new UsageError("several traces: -o " + output + " names one C file; give a folder for their C files");
        boolean folder = given.size() > 1 || (!cFile && traces.stream().anyMatch(Files::isDirectory))
                || (output != null && Files.isDirectory(output));
        if (given.size() > 1 && output == null)
            throw new UsageError("several traces: give -o DIR for the C files (one per trace)");
        if (folder && output != null && Files.exists(output) && !Files.isDirectory(output))
            throw new UsageError("several traces or a folder: -o " + output + " must be a folder");
        List<String> names = cNames(given);
        for (int i = 0; i < given.size(); i++) {
            String c = KselftestExport.export(read.get(i), stdin && i == given.size() - 1 ? Stdin.SOURCE : given.get(i).toString());
            if (output == null) {
                io.out().print(c);
                io.out().flush();
                continue;
            }
            Path target = folder ? output.resolve(names.get(i)) : output;
            AtomicFiles.write(target, c);
            io.err().println("wrote " + target + " (" + Describe.count(read.get(i).steps().size(), "step", "steps") + ")");
        }
        return ExitCode.CONFORMANT;
    }

    /**
     * One C file name per trace, all different: {@code att.json} -> {@code att.c}, a report folder's
     * {@code trace.json} takes the folder's name; traces that would share a name take the names of
     * their folders in front, as many as tell them apart ({@code r1/S2_PARENT-divergence/trace.json}
     * and {@code r2/...} -> {@code r1_S2_PARENT-divergence.c} and {@code r2_S2_PARENT-divergence.c}).
     */
    static List<String> cNames(List<Path> traces) {
        List<List<String>> parts = new ArrayList<>();   // per trace: its base name, then its folders, innermost first
        for (Path t : traces) {
            List<String> p = new ArrayList<>();
            Path abs = t.toAbsolutePath().normalize();
            String n = abs.getFileName().toString();
            if (n.equals("trace.json") && abs.getParent() != null && abs.getParent().getFileName() != null) {
                n = abs.getParent().getFileName().toString();
                abs = abs.getParent();
            } else if (n.endsWith(".json")) {
                n = n.substring(0, n.length() - 5);
            }
            p.add(n);
            for (Path d = abs.getParent(); d != null && d.getFileName() != null; d = d.getParent())
                p.add(d.getFileName().toString());
            parts.add(p);
        }
        int[] depth = new int[traces.size()];
        List<String> names = new ArrayList<>();
        for (boolean clash = true; clash; ) {
            names.clear();
            for (int i = 0; i < traces.size(); i++) {
                List<String> p = parts.get(i);
                List<String> used = new ArrayList<>(p.subList(0, Math.min(p.size(), depth[i] + 1)));
                java.util.Collections.reverse(used);
                names.add(String.join("_", used).replaceAll("[^A-Za-z0-9_.-]", "_"));
            }
            clash = false;
            Map<String, List<Integer>> byName = new HashMap<>();
            for (int i = 0; i < names.size(); i++) byName.computeIfAbsent(names.get(i), k -> new ArrayList<>()).add(i);
            for (List<Integer> same : byName.values()) {
                if (same.size() < 2) continue;
                for (int i : same) {
                    if (depth[i] + 1 < parts.get(i).size()) {
                        depth[i]++;
                        clash = true;
                    }
                }
            }
        }
        // the same name after every folder (a path and another that differs only in characters replaced by _)
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String n : names) {
            int k = seen.merge(n, 1, Integer::sum);
            out.add(k == 1 ? n + ".c" : n + "-" + k + ".c");
        }
        return out;
    }
}
