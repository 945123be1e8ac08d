package io.tailwatch.agent.export;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.config.ConfigLoader;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsExporterTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
    private static final int GET = HttpMethods.indexOf("GET");
    private static final int POST = HttpMethods.indexOf("POST");
    private static final String DURATION = "http_server_request_duration_seconds";

    private final Recording recording = new Recording(1000, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());

    private void recordSomeRequests() {
        recording.http().recordRequest(GET, 200, null, 1_500_000, -1, 100);
        recording.http().recordRequest(GET, 200, null, 2_500_000, -1, 200);   // exactly on the 0.0025 bound
        recording.http().recordRequest(POST, 503, null, 30_000_000, 64, 10);
        recording.http().recordRequest(GET, 0, "java.io.IOException", 7_000_000, -1, -1);
        recording.http().recordRequest(GET, 200, null, "/owners/{ownerId}", 4_000_000, -1, 5);
        recording.http().recordQueue(1_000);
        recording.http().recordQueue(2_000_000);
        recording.http().recordAllocation(5000);
        recording.connections().accepted();
        recording.connections().accepted();
        recording.connections().opened();
        recording.connections().firstRequest(500_000);
        recording.connections().closed(2_000_000_000L, 3);
        recording.instrumentations().installed("jdk-httpserver");
        recording.instrumentations().installed("tomcat");
        recording.instrumentations().applied("jdk-httpserver");
    }

    private static final class Written {
        final String contentType;
        final String text;
        final Exposition parsed;

        Written(String contentType, String text) {
            this.contentType = contentType;
            this.text = text;
            this.parsed = Exposition.parse(text);
        }
    }

    private Written write(String accept) throws IOException {
        return write(recording, accept);
    }

    private static Written write(Recording recording, String accept) throws IOException {
        MetricsExporter exporter = new MetricsExporter(recording, "9.9.9-test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String contentType = exporter.write(accept, out);
        return new Written(contentType, out.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(name, value);
        return m;
    }

    /** Every histogram: buckets in ascending le, cumulative, ending at +Inf equal to _count, with a _sum. */
    private static int assertHistogramsAreWellFormed(Exposition e) {
        int checked = 0;
        for (Map.Entry<String, String> type : e.types.entrySet()) {
            if (!type.getValue().equals("histogram")) {
                continue;
            }
            String family = type.getKey();
            Map<Map<String, String>, List<Exposition.Sample>> bySeries = new LinkedHashMap<>();
            for (Exposition.Sample s : e.named(family + "_bucket")) {
                assertTrue(s.labels.containsKey("le"), () -> "bucket without le: " + s);
                bySeries.computeIfAbsent(s.labelsWithout("le"), k -> new ArrayList<>()).add(s);
            }
            if (bySeries.isEmpty()) {
                // A labelled histogram with no series yet: then it has no _count or _sum either.
                assertEquals(0, e.named(family + "_count").size(), family + "_count without buckets");
                assertEquals(0, e.named(family + "_sum").size(), family + "_sum without buckets");
                continue;
            }
            assertEquals(bySeries.size(), e.named(family + "_count").size(), family + "_count per series");
            assertEquals(bySeries.size(), e.named(family + "_sum").size(), family + "_sum per series");
            for (Map.Entry<Map<String, String>, List<Exposition.Sample>> series : bySeries.entrySet()) {
                List<Exposition.Sample> buckets = series.getValue();
                double previousLe = Double.NEGATIVE_INFINITY;
                double previousCount = 0;
                for (Exposition.Sample b : buckets) {
                    double le = Exposition.number(b.labels.get("le"));
                    assertTrue(le > previousLe, () -> "le not ascending in " + family + series.getKey() + ": " + buckets);
                    assertTrue(b.value >= previousCount, () -> "buckets not cumulative in " + family + series.getKey() + ": " + buckets);
                    previousLe = le;
                    previousCount = b.value;
                }
                Exposition.Sample last = buckets.get(buckets.size() - 1);
                assertEquals("+Inf", last.labels.get("le"), family + " ends with +Inf");
                assertEquals(e.sample(family + "_count", series.getKey()).value, last.value, family + " +Inf = _count");
                assertNotNull(e.sample(family + "_sum", series.getKey()));
                checked++;
            }
        }
        return checked;
    }

    private static void assertCountersEndInTotal(Exposition e) {
        int counters = 0;
        for (Map.Entry<String, String> type : e.types.entrySet()) {
            if (type.getValue().equals("counter")) {
                counters++;
                for (Exposition.Sample s : e.ofFamily(type.getKey())) {
                    assertTrue(s.name.endsWith("_total"), () -> "counter sample without _total: " + s);
                }
            }
        }
        assertTrue(counters >= 3, "counters: " + e.types);
    }

    private static void assertEverySampleBelongsToItsFamily(Exposition e) {
        for (Exposition.Sample s : e.samples) {
            assertNotNull(s.family, () -> "sample before any # TYPE: " + s);
            String base = s.family.endsWith("_total") ? s.family.substring(0, s.family.length() - 6) : s.family;
            assertTrue(s.name.startsWith(base), () -> "sample " + s + " under # TYPE " + s.family);
        }
    }

    private static void assertRecordedValues(Exposition e) {
        Map<String, String> get200 = labels("http_request_method", "GET", "http_response_status_code", "200");
        Map<String, String> post503 = labels("http_request_method", "POST", "http_response_status_code", "503",
                "error_type", "503");
        Map<String, String> getIoException = labels("http_request_method", "GET", "error_type", "java.io.IOException");

        assertEquals(2, e.sample(DURATION + "_count", get200).value);
        assertEquals(0.004, e.sample(DURATION + "_sum", get200).value, 1e-12);
        assertEquals(0, e.sample(DURATION + "_bucket", with(get200, "le", "0.001")).value);
        assertEquals(2, e.sample(DURATION + "_bucket", with(get200, "le", "0.0025")).value);
        assertEquals(2, e.sample(DURATION + "_bucket", with(get200, "le", "+Inf")).value);

        assertEquals(1, e.sample(DURATION + "_count", post503).value);
        assertEquals(0.03, e.sample(DURATION + "_sum", post503).value, 1e-12);
        assertEquals(0, e.sample(DURATION + "_bucket", with(post503, "le", "0.025")).value);
        assertEquals(1, e.sample(DURATION + "_bucket", with(post503, "le", "0.05")).value);

        assertEquals(1, e.sample(DURATION + "_count", getIoException).value);
        assertEquals(0.007, e.sample(DURATION + "_sum", getIoException).value, 1e-12);
        Map<String, String> getOwner = labels("http_request_method", "GET", "http_response_status_code", "200",
                "http_route", "/owners/{ownerId}");
        assertEquals(1, e.sample(DURATION + "_count", getOwner).value);
        assertEquals(0.004, e.sample(DURATION + "_sum", getOwner).value, 1e-12);
        assertEquals(4, e.named(DURATION + "_count").size());

        assertEquals(2, e.sample("http_server_response_body_size_bytes_count", get200).value);
        assertEquals(300, e.sample("http_server_response_body_size_bytes_sum", get200).value);
        assertEquals(0, e.sample("http_server_request_body_size_bytes_count", get200).value);
        assertEquals(1, e.sample("http_server_request_body_size_bytes_count", post503).value);
        assertEquals(64, e.sample("http_server_request_body_size_bytes_sum", post503).value);
        assertEquals(0, e.sample("http_server_response_body_size_bytes_count", getIoException).value);

        assertEquals(2, e.sample("tailwatch_http_server_request_queue_seconds_count", Map.of()).value);
        assertEquals(0.002001, e.sample("tailwatch_http_server_request_queue_seconds_sum", Map.of()).value, 1e-12);
        assertEquals(1, e.sample("tailwatch_http_server_request_allocated_bytes_count", Map.of()).value);
        assertEquals(5000, e.sample("tailwatch_http_server_request_allocated_bytes_sum", Map.of()).value);
        assertEquals(0, e.sample("http_server_active_requests", Map.of()).value);
        assertEquals(0, e.sample("tailwatch_http_server_series_overflow_total", Map.of()).value);
        assertEquals(0.03, e.sample("tailwatch_http_server_request_duration_quantile_seconds", labels("quantile", "1")).value,
                0.03 * 0.01);

        assertEquals(2, e.sample("tailwatch_connections_accepted_total", Map.of()).value);
        assertEquals(0, e.sample("tailwatch_connections_open", Map.of()).value);
        assertEquals(1, e.sample("tailwatch_connection_setup_seconds_count", Map.of()).value);
        assertEquals(0.0005, e.sample("tailwatch_connection_setup_seconds_sum", Map.of()).value, 1e-12);
        assertEquals(2.0, e.sample("tailwatch_connection_duration_seconds_sum", Map.of()).value, 1e-12);
        assertEquals(3, e.sample("tailwatch_connection_requests_sum", Map.of()).value);
        assertEquals(0, e.sample("tailwatch_connection_requests_bucket", labels("le", "2")).value);
        assertEquals(1, e.sample("tailwatch_connection_requests_bucket", labels("le", "5")).value);

        assertEquals(1, e.sample("tailwatch_agent_instrumentation_applied", labels("name", "jdk-httpserver")).value);
        assertEquals(0, e.sample("tailwatch_agent_instrumentation_applied", labels("name", "tomcat")).value);

        Exposition.Sample info = e.named("tailwatch_agent_info").get(0);
        assertEquals("9.9.9-test", info.labels.get("version"));
        assertEquals(System.getProperty("java.runtime.version"), info.labels.get("jvm_version"));
        assertEquals(1, info.value);
    }

    @Test
    void prometheusTextFormat() throws IOException {
        recordSomeRequests();
        Written w = write(null);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", w.contentType);
        assertFalse(w.text.contains("# EOF"));
        assertEverySampleBelongsToItsFamily(w.parsed);
        assertTrue(assertHistogramsAreWellFormed(w.parsed) >= 3 + 5);
        assertCountersEndInTotal(w.parsed);
        assertRecordedValues(w.parsed);
        assertEquals("gauge", w.parsed.types.get("tailwatch_agent_info"));
        assertEquals("histogram", w.parsed.types.get(DURATION));
    }

    @Test
    void openMetricsWhenAskedFor() throws IOException {
        recordSomeRequests();
        Written w = write(OPENMETRICS);
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8", w.contentType);
        assertTrue(w.text.endsWith("# EOF\n"), () -> w.text.substring(Math.max(0, w.text.length() - 200)));
        assertEquals(1, w.parsed.lines.stream().filter(l -> l.equals("# EOF")).count());
        assertEverySampleBelongsToItsFamily(w.parsed);
        assertTrue(assertHistogramsAreWellFormed(w.parsed) >= 3 + 5);
        assertCountersEndInTotal(w.parsed);
        assertRecordedValues(w.parsed);
    }

    @Test
    void prometheusAcceptHeaderGetsTheTextFormat() throws IOException {
        Written w = write("text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals("text/plain; version=0.0.4; charset=utf-8", w.contentType);
        assertNotNull(w.parsed.named("tailwatch_agent_info").get(0));
    }

    @Test
    void emptyRecordingStillHasWellFormedHistograms() throws IOException {
        Written w = write(null);
        assertEquals(0, w.parsed.named(DURATION + "_count").size());
        assertTrue(assertHistogramsAreWellFormed(w.parsed) >= 5);
        assertEquals(1, w.parsed.named("tailwatch_agent_info").size());
        assertTrue(Double.isNaN(w.parsed.sample("tailwatch_http_server_request_duration_quantile_seconds",
                labels("quantile", "0.5")).value));
    }

    @Test
    void withoutAWorkerPoolNoPoolFamilyIsWrittenAtAll() throws IOException {
        Written w = write(null);
        assertFalse(w.text.contains("tailwatch_http_server_pool_"), "not even HELP and TYPE lines: " + w.text);
        recording.pools().register("test", 8080, new java.util.concurrent.ThreadPoolExecutor(1, 2, 1,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()));
        assertEquals(2, write(null).parsed.sample("tailwatch_http_server_pool_max_threads",
                labels("server", "test", "server_port", "8080")).value);
    }

    @Test
    void configuredBucketsAreTheLeValues() throws IOException {
        AgentConfig config = ConfigLoader.load("buckets=0.001,0.01", new Properties(), Map.of(), line -> {
            throw new AssertionError(line);
        });
        Recording configured = new Recording(1000, 60_000_000_000L, config.bucketsNanos());
        configured.http().recordRequest(GET, 200, null, 5_000_000, -1, 0);
        Written w = write(configured, null);
        List<String> les = new ArrayList<>();
        for (Exposition.Sample s : w.parsed.named(DURATION + "_bucket")) {
            les.add(s.labels.get("le"));
        }
        assertEquals(List.of("0.001", "0.01", "+Inf"), les);
        Map<String, String> get200 = labels("http_request_method", "GET", "http_response_status_code", "200");
        assertEquals(0, w.parsed.sample(DURATION + "_bucket", with(get200, "le", "0.001")).value);
        assertEquals(1, w.parsed.sample(DURATION + "_bucket", with(get200, "le", "0.01")).value);
    }

    @Test
    void overflowSeriesIsLabelledAndCounted() throws IOException {
        Recording small = new Recording(10, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());
        for (int i = 0; i < 11; i++) {
            small.http().recordRequest(GET, 200 + i, null, 1_000_000, -1, 0);
        }
        MetricsExporter exporter = new MetricsExporter(small, "x");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exporter.write(null, out);
        Exposition e = Exposition.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, e.sample(DURATION + "_count", labels("otel_metric_overflow", "true")).value);
        assertEquals(1, e.sample("tailwatch_http_server_series_overflow_total", Map.of()).value);
        assertEquals(11, e.named(DURATION + "_count").size());
        assertHistogramsAreWellFormed(e);
    }
}
