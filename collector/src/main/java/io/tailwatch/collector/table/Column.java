package io.tailwatch.collector.table;

import java.util.Locale;

/**
 * The columns of the table. Keys are the reference tables' CSV headers where the study has the
 * column (their suffix is the unit), so that a table printed as CSV is itself a baseline file.
 */
public enum Column {
    QPS("qps", "QPS", Better.HIGHER, 2),
    AVG_LATENCY("avg_latency_ms", "avg ms", Better.LOWER, 3),
    P99_LATENCY("p99_latency_ms", "P99 ms", Better.LOWER, 3),
    ERROR_RATE("error_rate_pct", "errors %", Better.LOWER, 2),
    THROUGHPUT("throughput_kb_s", "KB/s", Better.HIGHER, 2),
    CONN_SETUP("conn_setup_ms", "conn setup ms", Better.LOWER, 3),
    CONN_REUSE("conn_reuse_pct", "reuse %", Better.HIGHER, 2),
    MEMORY("memory_mb", "RSS MB", Better.LOWER, 1),
    CPU("cpu_pct", "CPU %", Better.LOWER, 1),
    GC_PAUSE_P99("gc_pause_p99_ms", "GC P99 ms", Better.LOWER, 3),
    GC_PAUSE_MAX("gc_pause_max_ms", "GC max ms", Better.LOWER, 3),
    PAUSED_REQUESTS("paused_requests_pct", "paused %", Better.LOWER, 2);

    /** Which way a value ranks first. */
    public enum Better { HIGHER, LOWER }

    private final String key;
    private final String header;
    private final Better better;
    private final int decimals;

    Column(String key, String header, Better better, int decimals) {
        this.key = key;
        this.header = header;
        this.better = better;
        this.decimals = decimals;
    }

    public String key() {
        return key;
    }

    public String header() {
        return header;
    }

    public Better better() {
        return better;
    }

    /** The value as the reference tables print it; "-" when there is no figure (NaN). */
    public String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Whether {@code a} ranks strictly before {@code b} in this column. */
    public boolean isBetter(double a, double b) {
        return better == Better.HIGHER ? a > b : a < b;
    }

    public static Column byKey(String key) {
        for (Column column : values()) {
            if (column.key.equals(key)) {
                return column;
            }
        }
        return null;
    }
}
