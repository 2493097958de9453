package dev.nestcheck.cli;

import dev.nestcheck.component.ComponentTrace;
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
import java.util.List;
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
    @Parameters(arity = "1..*", paramLabel = "TRACE.json|FOLDER", description = "Traces, or folders of traces.")
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
        List<Path> files = new ArrayList<>();
        for (Path f : TraceFiles.expand(traces)) {
            String name = f.getFileName().toString();
            if (name.equals("summary.json") && !traces.contains(f)) continue;   // report folders hold one
            if (ComponentTrace.looksLikeOne(f) && !traces.contains(f)) continue;
            files.add(f);
        }
        if (files.isEmpty()) throw new UsageError("no trace files (*.json) in " + traces);
        List<Trace> read = new ArrayList<>();
        for (Path f : files) {
            if (ComponentTrace.looksLikeOne(f))
                throw new UsageError(f + ": a component trace (" + ComponentTrace.FORMAT + "): its operations have no"
                        + " iommufd uapi equivalent to export");
            read.add(TraceCodec.read(f));
        }
        boolean folder = files.size() > 1 || (output != null && Files.isDirectory(output));
        if (files.size() > 1 && output == null)
            throw new UsageError("several traces: give -o DIR for the C files (one per trace)");
        if (files.size() > 1 && output != null && Files.exists(output) && !Files.isDirectory(output))
            throw new UsageError("several traces: -o " + output + " must be a folder");
        for (int i = 0; i < files.size(); i++) {
            String c = KselftestExport.export(read.get(i), files.get(i).toString());
            if (output == null) {
                io.out().print(c);
                io.out().flush();
                continue;
            }
            Path target = folder ? output.resolve(cName(files.get(i))) : output;
            AtomicFiles.write(target, c);
            io.err().println("wrote " + target + " (" + read.get(i).steps().size() + " steps)");
        }
        return ExitCode.CONFORMANT;
    }

    /** {@code att.json} -> {@code att.c}; a report folder's {@code trace.json} takes the folder's name. */
    static String cName(Path trace) {
        String n = trace.getFileName().toString();
        if (n.equals("trace.json") && trace.toAbsolutePath().getParent() != null)
            n = trace.toAbsolutePath().getParent().getFileName() + ".json";
        return (n.endsWith(".json") ? n.substring(0, n.length() - 5) : n).replaceAll("[^A-Za-z0-9_.-]", "_") + ".c";
    }
}
