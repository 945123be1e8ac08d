package io.tailwatch.collector.cli;

import io.tailwatch.collector.baseline.BaselineTable;
import io.tailwatch.collector.baseline.RankedTable;
import io.tailwatch.collector.render.Format;
import io.tailwatch.collector.source.AgentSource;
import io.tailwatch.collector.source.PrometheusSource;
import io.tailwatch.collector.source.Source;
import io.tailwatch.collector.table.TargetRow;

import io.tailwatch.collector.alert.AlertDispatcher;
import io.tailwatch.collector.alert.AlertEvaluator;
import io.tailwatch.collector.alert.AlertEvent;
import io.tailwatch.collector.alert.AlertRule;
import io.tailwatch.collector.web.LiveState;
import io.tailwatch.collector.web.WebServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Reads the source and prints the table: once, or again after every interval until stopped. */
final class TableRunner {

    /** Moves the cursor home and clears the screen, so that the live table redraws in place. */
    private static final String CLEAR = "\033[H\033[2J";

    private final TableOptions options;
    private final PrintStream out;
    private final PrintStream err;

    TableRunner(TableOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Two reads {@code --interval} apart, one table; 1 when a target could not be read. */
    int once(Format format) throws IOException, InterruptedException {
        List<BaselineTable> baselines = options.baselineTables();
        List<TargetRow> rows = List.of();
        if (options.prometheus != null) {
            // Prometheus keeps the history: one evaluation over the window is the whole table.
            try (Source source = source()) {
                rows = source.read();
            }
        } else if (options.hasSource()) {
            try (Source source = source()) {
                source.read();
                sleep(options.interval);
                rows = source.read();
            }
        }
        out.print(format.render(RankedTable.build(options.scenario(), baselines, rows)));
        out.flush();
        return reportErrors(rows);
    }

    /**
     * The live table, redrawn every {@code --interval} over the last {@code --window}, with the page
     * and the alerts of {@code live}; runs until interrupted.
     */
    int live(Format format, boolean clearScreen, LiveOptions live) throws IOException, InterruptedException {
        List<BaselineTable> baselines = options.baselineTables();
        List<AlertRule> rules = live.rules();
        AlertEvaluator alerts = new AlertEvaluator(rules, Clock.systemUTC());
        String sourceName = options.prometheus != null ? options.prometheus.toString()
                : String.join(", ", options.targetUris().stream().map(Object::toString).toList());
        LiveState state = new LiveState(sourceName, options.interval.toMillis() / 1000.0, options.window().toMillis() / 1000.0, rules);
        InetSocketAddress address = live.webAddress();
        try (Source source = source();
             AlertDispatcher dispatcher = new AlertDispatcher(live.sinks(), err);
             WebServer web = address == null ? null : WebServer.start(address, state::json)) {
            String page = web == null ? "" : ", page " + web.url();
            if (web != null) {
                out.println("tailwatch-collector: live page at " + web.url());
                out.flush();
            }
            source.read();
            while (!Thread.currentThread().isInterrupted()) {
                sleep(options.interval);
                List<TargetRow> rows = source.read();
                Instant now = Instant.now();
                RankedTable table = RankedTable.build(options.scenario(), baselines, rows);
                List<AlertEvent> events = alerts.evaluate(rows);
                List<AlertEvaluator.Active> active = alerts.active();
                state.update(now, table, rows, events, active);
                dispatcher.dispatch(events, active, now);
                // State changes go to the error stream, one line each, so that they stay in a log and in a
                // terminal's scrollback after the screen is redrawn.
                for (AlertEvent event : events) {
                    err.println("tailwatch-collector: " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + event.line());
                }
                err.flush();
                StringBuilder screen = new StringBuilder();
                if (clearScreen) {
                    screen.append(CLEAR);
                }
                screen.append("tailwatch-collector ").append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS))
                        .append(", every ").append(options.interval.toMillis()).append(" ms over the last ")
                        .append(options.window().toMillis() / 1000.0).append(" s")
                        .append(options.prometheus == null ? "" : " from " + options.prometheus).append(page)
                        .append(" (Ctrl-C stops)\n\n");
                screen.append(format.render(table));
                for (AlertEvaluator.Active a : active) {
                    screen.append(a.firing() ? "FIRING " : "pending ").append(a.rule().text()).append(" on ").append(a.instance())
                            .append(": ").append(a.rule().describe(a.value())).append(" since ")
                            .append(LocalTime.ofInstant(a.since(), java.time.ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS))
                            .append('\n');
                }
                if (!clearScreen) {
                    screen.append('\n');
                }
                out.print(screen);
                out.flush();
            }
        }
        return 0;
    }

    private Source source() {
        if (options.prometheus != null) {
            return new PrometheusSource(options.prometheus, options.selector, options.groupBy, options.window(), options.timeout);
        }
        return new AgentSource(options.targetUris(), options.window(), options.timeout, options.agentAccess.access());
    }

    private int reportErrors(List<TargetRow> rows) {
        int failed = 0;
        for (TargetRow row : rows) {
            if (row.error() != null) {
                err.println("tailwatch-collector: " + row.error());
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
    }
}
