package io.tailwatch.collector.cli;

import io.tailwatch.collector.render.Format;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "tailwatch-collector", mixinStandardHelpOptions = true,
        versionProvider = CollectorMain.Version.class,
        subcommands = {TableCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        description = "Scrapes tailwatch agents and shows, live, the figures of the reference tables for each, ranked among"
                + " the study's frameworks with --scenario. Without a subcommand: the live table, redrawn every --interval.")
public final class CollectorMain implements Callable<Integer> {

    @Mixin
    TableOptions options;

    @Mixin
    LiveOptions live;

    final PrintStream out;
    final PrintStream err;

    CollectorMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line with these streams; returns the exit code (2 for a usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new CollectorMain(out, err))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    // Mistakes in what the user gave (a bad scenario, an unreadable baseline file) are one line, not a trace.
                    if (e instanceof IllegalArgumentException || e instanceof IOException) {
                        commandLine.getErr().println("tailwatch-collector: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        cli.getCommandSpec().usageMessage().sortOptions(false);
        cli.getSubcommands().get("table").getCommandSpec().usageMessage().sortOptions(false);
        cli.getSubcommands().get("bench").getCommandSpec().usageMessage().sortOptions(false);
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        options.validate();
        live.validate();
        return new TableRunner(options, out, err).live(Format.MARKDOWN, System.console() != null, live);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = CollectorMain.class.getPackage().getImplementationVersion();
            return new String[] {"tailwatch-collector " + (version == null ? "(development build)" : version)};
        }
    }
}
