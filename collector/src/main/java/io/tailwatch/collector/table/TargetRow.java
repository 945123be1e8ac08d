package io.tailwatch.collector.table;

import io.tailwatch.collector.scrape.Snapshot;

import java.util.EnumMap;
import java.util.Map;

/**
 * One target's row: the reference tables' figures over the window, and what they were computed
 * from. Every ratio follows the recording rule of {@code dashboards/prometheus} that gives the same
 * column (see {@code dashboards/baselines/README.md}), with the window in place of their 1 minute.
 *
 * @param requests      requests that ended within the window
 * @param requestsTotal requests the target has counted since it started (newest snapshot)
 * @param restarts      restarts of the target seen within the window
 * @param error         why the target has no figures (it could not be scraped), or null
 */
public record TargetRow(String target, double windowSeconds, double requests, double requestsTotal, int restarts,
                        Figures figures, String error) {

    private static final double MB = 1024.0 * 1024.0;

    public static TargetRow failed(String target, String error) {
        return new TargetRow(target, 0, Double.NaN, Double.NaN, 0, new Figures(Map.of()), error);
    }

    public static TargetRow of(String target, Window window) {
        Map<Column, Double> values = new EnumMap<>(Column.class);
        double seconds = window.seconds();
        double requests = window.increase(Metrics.DURATION_COUNT);
        double errors = window.increase(Metrics.DURATION_COUNT, s -> !s.label("error_type").isEmpty());

        values.put(Column.QPS, perSecond(requests, seconds));
        values.put(Column.AVG_LATENCY, 1000 * ratio(window.increase(Metrics.DURATION_SUM), requests));
        values.put(Column.P99_LATENCY, 1000 * BucketQuantile.quantile(0.99, window.bucketIncrease(Metrics.DURATION)));
        values.put(Column.ERROR_RATE, 100 * ratio(errors, requests));
        values.put(Column.THROUGHPUT, perSecond(window.increase(Metrics.RESPONSE_BODY_SUM), seconds) / 1024);
        values.put(Column.CONN_SETUP, 1000 * ratio(window.increase(Metrics.SETUP_SUM), window.increase(Metrics.SETUP_COUNT)));
        // 1 - connections / requests they carried, of the connections that closed within the window:
        // a keep-alive connection still open counts once it closes. A connection closed without a
        // request (ab opens up to one per concurrent slot more than it needs) would take it below 0,
        // which no reuse can be: the histogram has no bucket to tell such connections apart, so 0.
        values.put(Column.CONN_REUSE, Math.max(0, 100 * (1 - ratio(window.increase(Metrics.CONNECTION_REQUESTS_COUNT),
                window.increase(Metrics.CONNECTION_REQUESTS_SUM)))));
        values.put(Column.MEMORY, window.maxOverTime(Metrics.RSS) / MB);
        // From the CPU-time counter rather than jvm_cpu_recent_utilization_ratio: that gauge covers the
        // time since whoever read it last, which is another scraper's interval when Prometheus scrapes too.
        Snapshot newest = window.newest();
        double cores = newest == null ? Double.NaN : newest.max(Metrics.CPU_COUNT);
        values.put(Column.CPU, window.measures(Metrics.CPU_SECONDS)
                ? 100 * perSecond(window.increase(Metrics.CPU_SECONDS), seconds) / cores : Double.NaN);
        values.put(Column.GC_PAUSE_P99, 1000 * BucketQuantile.quantile(0.99, window.bucketIncrease(Metrics.GC_PAUSE)));
        values.put(Column.GC_PAUSE_MAX, 1000 * window.maxOverTime(Metrics.GC_PAUSE_MAX));
        values.put(Column.PAUSED_REQUESTS, window.measures(Metrics.PAUSED_REQUESTS)
                ? 100 * ratio(window.increase(Metrics.PAUSED_REQUESTS), requests) : Double.NaN);

        double total = newest == null ? Double.NaN : newest.sum(Metrics.DURATION_COUNT);
        return new TargetRow(target, seconds, requests, total, window.restarts(), new Figures(values), null);
    }

    /** NaN, not infinity or 0, for a window without the denominator: no figure rather than a wrong one. */
    private static double ratio(double numerator, double denominator) {
        return denominator > 0 ? numerator / denominator : Double.NaN;
    }

    private static double perSecond(double increase, double seconds) {
        return seconds > 0 ? increase / seconds : Double.NaN;
    }
}
