package io.tailwatch.bench;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.export.FastGzipOutputStream;
import io.tailwatch.agent.export.MetricsExporter;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * One scrape of {@code /metrics} without the HTTP around it: harvest, collect and write the text
 * format for a recording with {@value #SERIES} HTTP label sets, plus the JVM metrics; and the same
 * gzipped, as {@code MetricsEndpoint} sends it to Prometheus.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Benchmark)
public class ScrapeBenchmark {
    static final int SERIES = 1000;
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    private static final int[] STATUSES = {200, 201, 204, 301, 400, 404, 409, 500, 503};
    private static final int REQUESTS_PER_SERIES = 20;

    private Recording recording;
    private MetricsExporter exporter;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    @Setup(Level.Trial)
    public void populate() throws IOException {
        recording = new Recording(2000, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        HttpServerRecorder http = recording.http();
        for (int i = 0; i < SERIES; i++) {
            int method = i % METHODS.length;
            int status = STATUSES[(i / METHODS.length) % STATUSES.length];
            String errorClass = "com.example.Error" + i;
            for (int r = 0; r < REQUESTS_PER_SERIES; r++) {
                // Durations from 50 us to ~1 s, spread so that histograms have many buckets filled.
                long durationNanos = 50_000L << ((i + r) % 15);
                http.recordRequest(method, status, errorClass, durationNanos + r * 1_000L, r % 2 == 0 ? -1 : 128, 512);
            }
        }
        exporter = new MetricsExporter(recording, "bench");
        out.reset();
        exporter.write(null, out);
        int series = http.series().all().size();
        if (series < SERIES || http.series().overflowedRequests() > 0) {
            throw new IllegalStateException("expected " + SERIES + " series without overflow, got " + series
                    + " and " + http.series().overflowedRequests() + " overflowed requests");
        }
        System.out.println("scrape: " + series + " series, " + out.size() + " bytes of text format");
    }

    @Benchmark
    public int scrape() throws IOException {
        out.reset();
        exporter.write(null, out);
        return out.size();
    }

    /** The same, compressed as the endpoint compresses for a scraper that accepts gzip (Prometheus does). */
    @Benchmark
    public int scrapeGzip() throws IOException {
        out.reset();
        try (GZIPOutputStream zip = new FastGzipOutputStream(out)) {
            exporter.write(null, zip);
        }
        return out.size();
    }
}
