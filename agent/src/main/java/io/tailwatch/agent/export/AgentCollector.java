package io.tailwatch.agent.export;

import io.prometheus.client.Collector;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.ConnectionRecorder;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.InstrumentationStatus;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.SlidingWindow;
import io.tailwatch.agent.recording.WorkerPools;
import io.tailwatch.agent.system.ProcFiles;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent recorded, as Prometheus metric families: the HTTP server and connection
 * metrics, read under the recording's harvest lock, and the agent's own state.
 */
final class AgentCollector extends Collector {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    private static final double[] BYTE_BUCKETS = {1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864};
    private static final double[] LIFETIME_BUCKETS = {0.001, 0.01, 0.1, 1, 10, 60, 300, 900, 3600};
    private static final double[] REQUEST_COUNT_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000};

    private final Recording recording;
    private final BucketLayout durationBuckets;
    private final BucketLayout byteBuckets = new BucketLayout(BYTE_BUCKETS, 1);
    private final BucketLayout lifetimeBuckets = new BucketLayout(LIFETIME_BUCKETS, SampleWriter.NANOS_PER_SECOND);
    private final BucketLayout requestCountBuckets = new BucketLayout(REQUEST_COUNT_BUCKETS, 1);
    private final String version;
    private final JvmEventsWriter jvmEvents;

    /** The duration buckets are the recording's own, so labels and counts always agree. */
    AgentCollector(Recording recording, String version) {
        this.recording = recording;
        long[] nanos = recording.http().series().durationBoundsNanos();
        double[] seconds = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            seconds[i] = nanos[i] / SampleWriter.NANOS_PER_SECOND;
        }
        this.durationBuckets = new BucketLayout(seconds, SampleWriter.NANOS_PER_SECOND);
        this.version = version;
        this.jvmEvents = new JvmEventsWriter(durationBuckets);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        SampleWriter out = new SampleWriter();
        out.family("tailwatch_agent_info", Type.GAUGE,
                        "The tailwatch agent: version, the JVM it runs in, and whether it was attached to the running JVM.")
                .sample("tailwatch_agent_info", List.of("version", "jvm_version", "attached"),
                        List.of(version, System.getProperty("java.runtime.version", "unknown"),
                                Boolean.toString(recording.instrumentations().isAttached())), 1);
        recording.read(r -> {
            // Connections first: their exact sums (requests per connection) are read without the
            // harvest, so a connection closed between reading the request series and reading it
            // would show requests the series do not yet show. Read in this order, every request a
            // connection counted is in the same scrape's series.
            writeConnections(out, r.connections());
            writeHttp(out, r.http());
            jvmEvents.write(out, r.jvm(), r.http().pauses());
        });
        jvmEvents.writeMemory(out);
        writePools(out, recording.pools().read());
        SampleWriter.Family applied = out.family("tailwatch_agent_instrumentation_applied", Type.GAUGE,
                "1 for each installed instrumentation that has changed a class of its library, 0 while it has found none.");
        for (Map.Entry<String, Boolean> e : recording.instrumentations().read().entrySet()) {
            applied.sample("tailwatch_agent_instrumentation_applied", List.of("name"), List.of(e.getKey()), e.getValue() ? 1 : 0);
        }
        SampleWriter.Family modes = out.family("tailwatch_agent_instrumentation_mode", Type.GAUGE,
                "1 for how each installed instrumentation measures: full, handler_start (attached after its library loaded:"
                        + " the request clock starts at the handler, without queue time) or unmeasured.");
        for (Map.Entry<String, InstrumentationStatus.Mode> e : recording.instrumentations().modes().entrySet()) {
            modes.sample("tailwatch_agent_instrumentation_mode", List.of("name", "mode"), List.of(e.getKey(), e.getValue().label), 1);
        }
        SampleWriter.Family errors = out.family("tailwatch_agent_errors", Type.COUNTER,
                "Internal errors of the agent, by component; each one left the application running.");
        for (Map.Entry<String, Long> e : AgentErrors.counts().entrySet()) {
            errors.sample("tailwatch_agent_errors_total", List.of("component"), List.of(e.getKey()), e.getValue());
        }
        return out.families();
    }

    private void writeHttp(SampleWriter out, HttpServerRecorder http) {
        List<RequestSeries> all = http.series().all();
        SampleWriter.Family duration = out.family("http_server_request_duration_seconds", Type.HISTOGRAM,
                "Duration of HTTP server requests, from the server having the request (before any wait for a worker) to the end of the response.");
        SampleWriter.Family requestSize = out.family("http_server_request_body_size_bytes", Type.SUMMARY,
                "Size of HTTP request bodies, where the request declared it (Content-Length).");
        SampleWriter.Family responseSize = out.family("http_server_response_body_size_bytes", Type.SUMMARY,
                "Size of HTTP response bodies as written by the application.");
        long recorded = 0;
        for (RequestSeries s : all) {
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            labels(s, names, values);
            long[] counts = s.duration().cumulativeCounts();
            recorded += counts[counts.length - 1];
            duration.histogram("http_server_request_duration_seconds", names, values, durationBuckets,
                    counts, s.duration().sum() / SampleWriter.NANOS_PER_SECOND);
            requestSize.sample("http_server_request_body_size_bytes_count", names, values, s.requestBodyCount());
            requestSize.sample("http_server_request_body_size_bytes_sum", names, values, s.requestBodyBytes());
            responseSize.sample("http_server_response_body_size_bytes_count", names, values, s.responseBodyCount());
            responseSize.sample("http_server_response_body_size_bytes_sum", names, values, s.responseBodyBytes());
        }
        quantiles(out, "tailwatch_http_server_request_duration_quantile_seconds",
                "Exact quantiles of HTTP server request duration over the sliding window, all requests of this instance.",
                http.durationWindow());
        // Begun less counted above, so that this gauge and the counts above agree (see HttpServerRecorder).
        out.family("http_server_active_requests", Type.GAUGE, "HTTP server requests being handled now.")
                .sample("http_server_active_requests", http.activeBeside(recorded));
        out.family("tailwatch_http_server_request_queue_seconds", Type.HISTOGRAM,
                        "Time requests waited between the server having them and a thread starting to handle them.")
                .histogram("tailwatch_http_server_request_queue_seconds", http.queue(), durationBuckets,
                        SampleWriter.NANOS_PER_SECOND);
        quantiles(out, "tailwatch_http_server_request_queue_quantile_seconds",
                "Exact quantiles of request queue time over the sliding window.", http.queueWindow());
        out.family("tailwatch_http_server_request_allocated_bytes", Type.HISTOGRAM,
                        "Bytes allocated by the thread that handled a request, while it handled it.")
                .histogram("tailwatch_http_server_request_allocated_bytes", http.allocated(), byteBuckets, 1);
        out.family("tailwatch_http_server_series_overflow", Type.COUNTER,
                        "Requests recorded in the overflow series because the label-set cap (max.series) was reached.")
                .sample("tailwatch_http_server_series_overflow_total", http.series().overflowedRequests());
    }

    private static void writePools(SampleWriter out, List<WorkerPools.Reading> pools) {
        // No pool (virtual threads, an event loop), no pool families: not even their headers.
        if (pools.isEmpty()) {
            return;
        }
        SampleWriter.Family busy = out.family("tailwatch_http_server_pool_busy_threads", Type.GAUGE,
                "Threads of a server's worker pool running a task now.");
        SampleWriter.Family max = out.family("tailwatch_http_server_pool_max_threads", Type.GAUGE,
                "Most threads a server's worker pool may have.");
        SampleWriter.Family queued = out.family("tailwatch_http_server_pool_queued_tasks", Type.GAUGE,
                "Tasks waiting in a server's worker pool queue for a thread.");
        List<String> names = List.of("server", "server_port");
        for (WorkerPools.Reading pool : pools) {
            List<String> values = List.of(pool.server, Integer.toString(pool.port));
            busy.sample("tailwatch_http_server_pool_busy_threads", names, values, pool.busy);
            max.sample("tailwatch_http_server_pool_max_threads", names, values, pool.max);
            queued.sample("tailwatch_http_server_pool_queued_tasks", names, values, pool.queued);
        }
    }

    private static void labels(RequestSeries s, List<String> names, List<String> values) {
        if (s.isOverflow()) {
            names.add("otel_metric_overflow");
            values.add("true");
            return;
        }
        names.add("http_request_method");
        values.add(s.method());
        if (s.statusCode() != null) {
            names.add("http_response_status_code");
            values.add(s.statusCode());
        }
        if (s.errorType() != null) {
            names.add("error_type");
            values.add(s.errorType());
        }
        if (s.route() != null) {
            names.add("http_route");
            values.add(s.route());
        }
    }

    private static void quantiles(SampleWriter out, String name, String help, SlidingWindow window) {
        Histogram h = window.snapshot();
        SampleWriter.Family family = out.family(name, Type.GAUGE, help);
        for (double q : QUANTILES) {
            double value = h.getTotalCount() == 0 ? Double.NaN
                    : (q >= 1.0 ? h.getMaxValue() : h.getValueAtPercentile(q * 100)) / SampleWriter.NANOS_PER_SECOND;
            family.sample(name, List.of("quantile"), List.of(BucketLayout.formatNumber(q)), value);
        }
    }

    private void writeConnections(SampleWriter out, ConnectionRecorder c) {
        out.family("tailwatch_connections_accepted", Type.COUNTER, "TCP connections the application accepted.")
                .sample("tailwatch_connections_accepted_total", c.acceptedCount());
        out.family("tailwatch_connections_open", Type.GAUGE, "Connections of instrumented servers open now.")
                .sample("tailwatch_connections_open", c.openAtHarvest());
        out.family("tailwatch_connection_setup_seconds", Type.HISTOGRAM,
                        "Time from a connection's accept to the start of its first request.")
                .histogram("tailwatch_connection_setup_seconds", c.setup(), durationBuckets, SampleWriter.NANOS_PER_SECOND);
        out.family("tailwatch_connection_duration_seconds", Type.HISTOGRAM, "Lifetime of closed connections.")
                .histogram("tailwatch_connection_duration_seconds", c.lifetime(), lifetimeBuckets, SampleWriter.NANOS_PER_SECOND);
        out.family("tailwatch_connection_requests", Type.HISTOGRAM, "Requests served per closed connection.")
                .histogram("tailwatch_connection_requests", c.requests(), requestCountBuckets, 1);
        Map<String, Long> tcp = ProcFiles.tcpExt();
        if (tcp.containsKey("ListenOverflows")) {
            out.family("tailwatch_tcp_listen_overflows", Type.COUNTER,
                            "Connections the kernel dropped because a listen queue was full (TcpExt ListenOverflows, whole network namespace).")
                    .sample("tailwatch_tcp_listen_overflows_total", tcp.get("ListenOverflows"));
        }
        if (tcp.containsKey("ListenDrops")) {
            out.family("tailwatch_tcp_listen_drops", Type.COUNTER,
                            "Connections the kernel dropped before the application accepted them (TcpExt ListenDrops, whole network namespace).")
                    .sample("tailwatch_tcp_listen_drops_total", tcp.get("ListenDrops"));
        }
    }
}
