package io.tailwatch.collector.source;

import io.tailwatch.collector.promql.FigureQueries;
import io.tailwatch.collector.promql.PrometheusClient;
import io.tailwatch.collector.scrape.ScrapeException;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import io.tailwatch.collector.table.TargetRow;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Prometheus server that scrapes the agents: every figure is a PromQL expression over the
 * window, evaluated by Prometheus, one row for all matching series or one per value of a label.
 */
public final class PrometheusSource implements Source {

    private final PrometheusClient client;
    private final FigureQueries queries;
    private final String selector;
    private final String groupBy;
    private final Duration window;
    private final Instant at;

    public PrometheusSource(URI prometheus, String selector, String groupBy, Duration window, Duration timeout) {
        this(prometheus, selector, groupBy, window, timeout, null);
    }

    /** @param at the instant every read evaluates the window up to; null for the server's now */
    public PrometheusSource(URI prometheus, String selector, String groupBy, Duration window, Duration timeout, Instant at) {
        this.at = at;
        this.client = new PrometheusClient(prometheus, timeout);
        this.queries = new FigureQueries(selector, window, groupBy);
        this.selector = selector == null ? "{}" : selector.strip();
        this.groupBy = groupBy;
        this.window = window;
    }

    @Override
    public List<TargetRow> read() {
        try {
            Map<String, Double> totals = client.query(queries.requestsTotal(), groupBy, at);
            if (totals.isEmpty()) {
                return List.of(TargetRow.failed(selector, client.base() + ": no http_server_request_duration_seconds_count"
                        + selector + " in Prometheus; does it scrape the agents, and does the selector match them?"));
            }
            Map<String, Double> requests = client.query(queries.requests(), groupBy, at);
            Map<String, Double> restarts = client.query(queries.restarts(), groupBy, at);
            Map<Column, Map<String, Double>> byColumn = new EnumMap<>(Column.class);
            for (Map.Entry<Column, String> figure : queries.figures().entrySet()) {
                byColumn.put(figure.getKey(), client.query(figure.getValue(), groupBy, at));
            }
            List<TargetRow> rows = new ArrayList<>();
            for (String group : totals.keySet()) {
                Map<Column, Double> values = new LinkedHashMap<>();
                byColumn.forEach((column, results) -> values.put(column, finite(results.get(group))));
                String name = groupBy == null ? selector : groupBy + "=" + group;
                rows.add(new TargetRow(name, window.toMillis() / 1000.0, requests.getOrDefault(group, Double.NaN),
                        totals.get(group), (int) Math.round(restarts.getOrDefault(group, 0.0)), new Figures(values), null));
            }
            return rows;
        } catch (ScrapeException e) {
            return List.of(TargetRow.failed(selector, e.getMessage()));
        }
    }

    /** A division by a zero rate gives ±Inf or NaN in PromQL; both mean no figure here. */
    private static double finite(Double value) {
        return value == null || value.isInfinite() ? Double.NaN : value;
    }
}
