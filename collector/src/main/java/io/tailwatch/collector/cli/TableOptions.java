package io.tailwatch.collector.cli;

import io.tailwatch.collector.baseline.BaselineTable;
import io.tailwatch.collector.baseline.Scenario;
import io.tailwatch.collector.scrape.MetricsFetcher;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What to read and what to set it beside: shared by the live table and {@code table}. */
final class TableOptions {

    @Option(names = "--target", paramLabel = "URL",
            description = "An agent's metrics endpoint, e.g. http://127.0.0.1:9464/metrics (host:port means its /metrics). Repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between scrapes (default ${DEFAULT-VALUE}); with --once, between the two scrapes the table is computed from.")
    Duration interval;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Sliding window of the live table's rates and quantiles (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Longest wait for a scrape's answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "Reference table to rank the targets among: keepalive-wrk, close-wrk, keepalive-ab or close-ab.")
    String scenario;

    @Option(names = "--baseline", paramLabel = "FILE",
            description = "A CSV in the reference tables' format (framework,qps,...) whose rows join the table. Repeatable.")
    List<Path> baselines = new ArrayList<>();

    Scenario scenario() {
        return scenario == null ? null : Scenario.byId(scenario);
    }

    List<URI> targetUris() {
        List<URI> uris = new ArrayList<>();
        for (String target : targets) {
            uris.add(MetricsFetcher.targetUri(target));
        }
        return uris;
    }

    List<BaselineTable> baselineTables() throws IOException {
        List<BaselineTable> tables = new ArrayList<>();
        for (Path file : baselines) {
            tables.add(BaselineTable.load(file));
        }
        return tables;
    }

    /** Checks what picocli cannot: throws IllegalArgumentException with a one-line message. */
    void validate() {
        scenario();
        targetUris();
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("--interval must be longer than 0");
        }
        if (window.compareTo(interval) < 0) {
            throw new IllegalArgumentException("--window (" + window.toMillis() + " ms) must be at least --interval ("
                    + interval.toMillis() + " ms)");
        }
        if (targets.isEmpty() && scenario == null && baselines.isEmpty()) {
            throw new IllegalArgumentException("nothing to show: name an agent with --target URL (or a --scenario to print its reference table)");
        }
    }
}
