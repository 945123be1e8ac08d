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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What to read and what to set it beside: shared by the live table and {@code table}. */
final class TableOptions {

    @Option(names = "--target", paramLabel = "URL",
            description = "An agent's metrics endpoint, e.g. http://127.0.0.1:9464/metrics (host:port means its /metrics). Repeatable.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between scrapes (default ${DEFAULT-VALUE}); with --once, between the two scrapes the table is computed from.")
    Duration interval;

    @Option(names = "--prometheus", paramLabel = "URL",
            description = "A Prometheus server that scrapes the agents, e.g. http://127.0.0.1:9090: every figure is then PromQL"
                    + " over the window, aggregated over the series --selector matches. Instead of --target.")
    URI prometheus;

    @Option(names = "--selector", paramLabel = "MATCHERS", defaultValue = "{}",
            description = "With --prometheus: the series to read, as label matchers, e.g. '{job=\"api\"}' (default: all).")
    String selector;

    @Option(names = "--by", paramLabel = "LABEL",
            description = "With --prometheus: one row per value of this label (e.g. instance) instead of one for all.")
    String groupBy;

    @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Window of the rates and quantiles: the live table's sliding window (default 10s), or the range"
                    + " of the PromQL rates with --prometheus (default 1m: at least four of Prometheus's usual 15 s scrapes).")
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

    @Mixin
    AgentAccessOptions agentAccess = new AgentAccessOptions();

    static final Duration AGENT_WINDOW = Duration.ofSeconds(10);
    static final Duration PROMETHEUS_WINDOW = Duration.ofMinutes(1);

    Duration window() {
        return window != null ? window : prometheus != null ? PROMETHEUS_WINDOW : AGENT_WINDOW;
    }

    boolean hasSource() {
        return !targets.isEmpty() || prometheus != null;
    }

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
        return baselineTablesOf(baselines);
    }

    static List<BaselineTable> baselineTablesOf(List<Path> files) {
        List<BaselineTable> tables = new ArrayList<>();
        for (Path file : files) {
            try {
                tables.add(BaselineTable.load(file));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("--baseline " + file + ": no such file");
            } catch (IOException e) {
                throw new IllegalArgumentException("--baseline " + file + ": cannot read it: " + e.getMessage());
            }
        }
        return tables;
    }

    /** Checks what picocli cannot: throws IllegalArgumentException with a one-line message. */
    void validate() {
        scenario();
        targetUris();
        agentAccess.access();
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("--interval must be longer than 0");
        }
        if (prometheus == null && window().compareTo(interval) < 0) {
            throw new IllegalArgumentException("--window (" + window().toMillis() + " ms) must be at least --interval ("
                    + interval.toMillis() + " ms)");
        }
        if (prometheus != null && !targets.isEmpty()) {
            throw new IllegalArgumentException("--target and --prometheus are two sources: name one of them");
        }
        if (prometheus != null) {
            if (prometheus.getHost() == null || !(prometheus.getScheme().equals("http") || prometheus.getScheme().equals("https"))) {
                throw new IllegalArgumentException("--prometheus must be an http(s) URL such as http://127.0.0.1:9090, not " + prometheus);
            }
            new io.tailwatch.collector.promql.FigureQueries(selector, window(), groupBy);
        }
        if (!hasSource() && scenario == null && baselines.isEmpty()) {
            throw new IllegalArgumentException("nothing to show: name an agent with --target URL or a server with --prometheus URL"
                    + " (or a --scenario to print its reference table)");
        }
    }
}
