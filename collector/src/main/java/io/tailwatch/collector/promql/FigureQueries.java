package io.tailwatch.collector.promql;

import io.tailwatch.collector.table.Column;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The table's figures as PromQL, written as the recording rules of dashboards/prometheus write
 * them (rates summed before they are divided, quantiles from buckets summed by {@code le}), so
 * that a fleet aggregates correctly: never an average of per-instance ratios or quantiles. Each
 * expression gives the column's unit.
 */
public final class FigureQueries {

    private final String matchers;
    private final String range;
    private final String by;
    private final String byLe;

    /**
     * @param selector  label matchers in braces, such as {@code {job="api"}}; {@code {}} for every series
     * @param window    the range of every rate
     * @param groupBy   a label to give one row per value of, or null for one row in all
     */
    public FigureQueries(String selector, Duration window, String groupBy) {
        this.matchers = matchers(selector);
        this.range = "[" + window.toMillis() + "ms]";
        this.by = groupBy == null ? "" : " by (" + groupBy + ")";
        this.byLe = groupBy == null ? " by (le)" : " by (le, " + groupBy + ")";
    }

    /** The matchers inside a selector's braces; rejects what is not a brace-enclosed selector. */
    static String matchers(String selector) {
        String text = selector == null ? "{}" : selector.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new IllegalArgumentException("--selector must be label matchers in braces, such as {job=\"api\"}, not " + selector);
        }
        return text.substring(1, text.length() - 1).strip();
    }

    private String series(String metric, String... extra) {
        StringBuilder all = new StringBuilder(matchers);
        for (String matcher : extra) {
            all.append(all.length() == 0 ? "" : ",").append(matcher);
        }
        return metric + "{" + all + "}";
    }

    private String sumRate(String metric, String... extra) {
        return "sum" + by + " (rate(" + series(metric, extra) + range + "))";
    }

    private String quantile(double q, String histogram) {
        return "histogram_quantile(" + q + ", sum" + byLe + " (rate(" + series(histogram + "_bucket") + range + ")))";
    }

    /** Requests counted since each instance started, summed: exact, as it reads the counters' last samples. */
    public String requestsTotal() {
        return "sum" + by + " (" + series("http_server_request_duration_seconds_count") + ")";
    }

    /** Requests within the window, as Prometheus's increase() extrapolates them to the window's edges. */
    public String requests() {
        return "sum" + by + " (increase(" + series("http_server_request_duration_seconds_count") + range + "))";
    }

    /** Restarts within the window: resets of the CPU-time counter, which every process exposes. */
    public String restarts() {
        return "sum" + by + " (resets(" + series("process_cpu_seconds_total") + range + "))";
    }

    public Map<Column, String> figures() {
        String requests = sumRate("http_server_request_duration_seconds_count");
        Map<Column, String> q = new EnumMap<>(Column.class);
        q.put(Column.QPS, requests);
        q.put(Column.AVG_LATENCY, "1000 * " + sumRate("http_server_request_duration_seconds_sum") + " / " + requests);
        q.put(Column.P99_LATENCY, "1000 * " + quantile(0.99, "http_server_request_duration_seconds"));
        // "or 0 *": 0 %, not no figure, when requests came but no error series exists (as the recording rule).
        q.put(Column.ERROR_RATE, "100 * (" + sumRate("http_server_request_duration_seconds_count", "error_type!=\"\"")
                + " or 0 * " + requests + ") / " + requests);
        q.put(Column.THROUGHPUT, sumRate("http_server_response_body_size_bytes_sum") + " / 1024");
        q.put(Column.CONN_SETUP, "1000 * " + sumRate("tailwatch_connection_setup_seconds_sum") + " / "
                + sumRate("tailwatch_connection_setup_seconds_count"));
        q.put(Column.CONN_REUSE, "100 * clamp_min(1 - " + sumRate("tailwatch_connection_requests_count") + " / "
                + sumRate("tailwatch_connection_requests_sum") + ", 0)");
        // A fleet's memory is its instances' peaks added up.
        q.put(Column.MEMORY, "sum" + by + " (max_over_time(" + series("process_resident_memory_bytes") + range + ")) / 1048576");
        q.put(Column.CPU, "100 * " + sumRate("process_cpu_seconds_total") + " / sum" + by + " (" + series("jvm_cpu_count") + ")");
        q.put(Column.GC_PAUSE_P99, "1000 * " + quantile(0.99, "tailwatch_gc_pause_seconds"));
        q.put(Column.GC_PAUSE_MAX, "1000 * max" + by + " (max_over_time(" + series("tailwatch_gc_pause_max_seconds") + range + "))");
        q.put(Column.PAUSED_REQUESTS, "100 * " + sumRate("tailwatch_http_server_requests_paused_total") + " / " + requests);
        return q;
    }
}
