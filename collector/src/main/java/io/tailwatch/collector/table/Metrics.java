package io.tailwatch.collector.table;

/** The agent's metric names the table reads (see the README's Metrics table). */
final class Metrics {
    static final String DURATION = "http_server_request_duration_seconds";
    static final String DURATION_COUNT = DURATION + "_count";
    static final String DURATION_SUM = DURATION + "_sum";
    static final String RESPONSE_BODY_SUM = "http_server_response_body_size_bytes_sum";
    static final String SETUP_COUNT = "tailwatch_connection_setup_seconds_count";
    static final String SETUP_SUM = "tailwatch_connection_setup_seconds_sum";
    static final String CONNECTION_REQUESTS_COUNT = "tailwatch_connection_requests_count";
    static final String CONNECTION_REQUESTS_SUM = "tailwatch_connection_requests_sum";
    static final String RSS = "process_resident_memory_bytes";
    static final String CPU_SECONDS = "process_cpu_seconds_total";
    static final String CPU_COUNT = "jvm_cpu_count";
    static final String GC_PAUSE = "tailwatch_gc_pause_seconds";
    static final String GC_PAUSE_MAX = "tailwatch_gc_pause_max_seconds";
    static final String PAUSED_REQUESTS = "tailwatch_http_server_requests_paused_total";

    private Metrics() {
    }
}
