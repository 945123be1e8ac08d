package io.tailwatch.collector.cli;

import io.tailwatch.collector.render.Format;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "table", mixinStandardHelpOptions = true,
        description = {
            "Prints the table of the targets' figures: QPS, average and P99 latency, error rate, KB/s, connection setup"
                + " and reuse, RSS, CPU, GC pause P99 and max, share of requests hit by a pause.",
            "With --once: two scrapes --interval apart (with --prometheus: one evaluation over --window), one table, exit"
                + " (1 if a target could not be read)."
                + " Without: the live table, as the command without subcommand."})
final class TableCommand implements Callable<Integer> {

    @Mixin
    TableOptions options;

    @Mixin
    LiveOptions live;

    @Option(names = "--once", description = "Print one table and exit.")
    boolean once;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
            description = "markdown (default), csv (the reference tables' format) or json.")
    Format format;

    @ParentCommand
    CollectorMain main;

    @Override
    public Integer call() throws Exception {
        options.validate();
        TableRunner runner = new TableRunner(options, main.out, main.err);
        if (once) {
            if (!live.alerts.isEmpty() || live.alertsFile != null || live.alertmanager != null || live.webhook != null) {
                throw new IllegalArgumentException("alerts are evaluated at each refresh of the live table: drop --once");
            }
            return runner.once(format);
        }
        live.validate();
        return runner.live(format, format == Format.MARKDOWN && System.console() != null, live);
    }
}
