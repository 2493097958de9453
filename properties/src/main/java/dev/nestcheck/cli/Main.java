package dev.nestcheck.cli;

import dev.nestcheck.engine.Settings;
import dev.nestcheck.trace.TraceFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The {@code nestcheck} command line: {@code check}, {@code replay}, {@code explore},
 * {@code matrix}, {@code impls}, {@code rules}. Exit codes: 0 conformant, 1 counterexample,
 * 2 usage or input error (one line on stderr, never a stack trace), 3 the implementation
 * crashed or hung.
 */
@Command(name = "nestcheck", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpAutoWidth = true, synopsisSubcommandLabel = "COMMAND",
        description = {"Property-based conformance suite for the ARM SMMUv3 nesting and VMID rules of Linux iommufd.",
                "Exit codes: 0 conformant, 1 counterexample, 2 usage or input error, 3 crash or hang. "
                        + "NESTCHECK_DEBUG=1 prints the stack trace of an internal error.",
                "`nestcheck help COMMAND` (or COMMAND --help) describes a command."})
public final class Main implements Callable<Integer> {
    /** {@code nestcheck --version}: the nestcheck and rules versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {dev.nestcheck.report.Versions.line()};
        }
    }

    private final Io io;

    private Main(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.console() != null);
        System.exit(code);
    }

    /**
     * Runs one command line and returns its exit code; never throws and never calls
     * {@code System.exit}. {@code terminal} enables the progress line on {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(new Io(o, e, terminal)).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new Main(io));
        cl.addSubcommand(new CheckCommand(io));
        cl.addSubcommand(new ReplayCommand(io));
        cl.addSubcommand(new ExploreCommand(io));
        cl.addSubcommand(new MatrixCommand(io));
        cl.addSubcommand(new ImplsCommand(io));
        cl.addSubcommand(new RulesCommand(io));
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.addSubcommand(new ExportCommand(io));
        cl.addSubcommand(new MergeCommand(io));
        // every command's -V/--version prints nestcheck's version, not nothing
        for (CommandLine sub : cl.getSubcommands().values())
            if (sub.getCommandSpec().versionProvider() == null) sub.getCommandSpec().versionProvider(new Version());
        cl.setOut(io.out());
        cl.setErr(io.err());
        cl.registerConverter(Duration.class, v -> {
            if (v.strip().equals("0")) return Duration.ZERO;
            try {
                return Settings.parseDuration("duration", v);
            } catch (IllegalArgumentException ex) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration (use e.g. 500ms, 30s, 2m)");
            }
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("nestcheck: " + oneLine(readable(ex.getMessage())) + " (see: " + c.getCommandSpec().qualifiedName()
                    + " --help)");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            String msg;
            if (ex instanceof UsageError || ex instanceof TraceFormatException || ex instanceof IllegalArgumentException
                    || ex instanceof UncheckedIOException) {
                msg = ex.getMessage();
            } else {
                msg = "internal error: " + ex;
                if (System.getenv("NESTCHECK_DEBUG") != null) ex.printStackTrace(c.getErr());
                else msg += " (set NESTCHECK_DEBUG=1 for the stack trace)";
            }
            c.getErr().println("nestcheck: " + oneLine(msg));
            return ExitCode.USAGE;
        });
        return cl;
    }

    /** Without a command: the usage on stderr, exit code 2. */
    @Override
    public Integer call() {
        io.err().println("nestcheck: missing command: check, replay, explore, matrix, impls, rules, export, merge or help (see: nestcheck help)");
        return ExitCode.USAGE;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    /** picocli's messages, where they speak of its internals: an option group given twice. */
    static String readable(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^Error: expected only one match but got \\[(.+?)\\]=\\{")
                .matcher(message == null ? "" : message);
        return m.find() ? "give " + m.group(1) + " once" : message;
    }
}
