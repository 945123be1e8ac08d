package io.tailwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tailwatch.collector.promql.PrometheusClient;
import io.tailwatch.collector.scrape.MetricsFetcher;
import io.tailwatch.collector.scrape.Sample;
import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.source.PrometheusSource;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.Figures;
import io.tailwatch.collector.table.TargetRow;
import io.tailwatch.collector.table.Window;
import io.tailwatch.testsupport.ForkedService;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The collector reading a real agent: the JDK HTTP test service with the built agent jar in its own
 * JVM, loaded by {@code ab} with a known request count, with keep-alive ({@code -k}) and without
 * (one connection per request). The collector's own code scrapes it before and after each run, as
 * {@code table --once} does; last, the built jar itself runs {@code table --once --format json}.
 *
 * <p>QPS: ab divides its requests by its own run, from its first connection to its last response.
 * The collector divides the requests it counted by the time between its two scrapes, which holds
 * ab's run and also ab's start and exit and half of each scrape's round trip. So the collector's QPS
 * is at most ab's (plus 1 %: ab prints its time to the millisecond) and at least ab's scaled by the
 * share of ab's run in the interval the test measured around both scrapes. Both bounds come from
 * the run itself, not from a guess of how fast this machine is, so a slow or busy machine changes
 * the figures and not the verdict.
 *
 * <p>Debian's {@code prometheus} scrapes the agent every second meanwhile, and each run is read
 * again through {@code --prometheus}'s code, evaluated 1 ms after the first sample taken once the
 * agent had counted the whole run, over a window reaching 1 ms before the last sample taken before
 * the run. The request total is exact. Prometheus's {@code increase()} extrapolates the growth
 * between the first and last samples of the window to its edges (less at the start for a counter
 * that would go below zero), so it lies between the growth and the growth x window / (time
 * between the two samples): 2 ms in about 2 s, the bound asserted. Ratios of two rates (mean and
 * P99 latency, reuse, connection setup) may be extrapolated differently above and below the
 * division, by as much again, and must equal within that what the collector computed from its own
 * scrapes around the same run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorEndToEndIT {

    private static final int CONCURRENCY = 4;
    private static final int KEEPALIVE_REQUESTS = 20_000;
    private static final int CLOSE_REQUESTS = 5_000;
    private static final int WARMUP_REQUESTS = 2_000;
    private static final double HELLO_BYTES = "hello, world\n".length();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsFetcher fetcher = new MetricsFetcher(Duration.ofSeconds(10));
    private PrometheusServer prometheus;
    private PrometheusClient prometheusApi;
    /** When the agent was last seen with every request counted and no connection open. */
    private Instant quietSince;
    private final List<String> figures = new ArrayList<>();
    private ForkedService service;
    private int servicePort;
    private URI metrics;
    private long requestsSent;

    record AbRun(int requests, double seconds, double requestsPerSecond, String output) {
    }

    @BeforeAll
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void startTheServiceAndWarmItUp() throws Exception {
        service = ForkedService.service(Path.of(System.getProperty("java.home")), "io.tailwatch.testservices.JdkHttpService",
                CONCURRENCY, "host=127.0.0.1,port=0");
        servicePort = service.servicePort();
        metrics = URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics");
        Path dir = Path.of(System.getProperty("tailwatch.collector.e2e.dir", "target/collector-e2e"));
        prometheus = PrometheusServer.start(dir, service.metricsPort());
        prometheusApi = new PrometheusClient(URI.create(prometheus.url), Duration.ofSeconds(10));
        // Compiled code on the request path, so that the measured runs are not mostly the JIT's.
        ab(WARMUP_REQUESTS, true);
        ab(WARMUP_REQUESTS / 2, false);
        requestsSent = WARMUP_REQUESTS + WARMUP_REQUESTS / 2;
        awaitQuiet(requestsSent);
    }

    @AfterAll
    void stopTheService() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (service != null) {
            service.close();
        }
        System.out.println("CollectorEndToEndIT figures:\n  " + String.join("\n  ", figures));
    }

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void keepAlive() throws Exception {
        TargetRow row = measure(KEEPALIVE_REQUESTS, true);
        // ab -k opens one connection per concurrent slot, and sometimes one more per slot.
        double reuse = row.figures().get(Column.CONN_REUSE);
        double lowest = 100 * (1 - 2.0 * CONCURRENCY / KEEPALIVE_REQUESTS);
        assertTrue(reuse >= lowest && reuse < 100, "keep-alive reuse " + reuse + " %, expected in [" + lowest + ", 100)");
    }

    @Test
    @Order(2)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void connectionClose() throws Exception {
        TargetRow row = measure(CLOSE_REQUESTS, false);
        assertEquals(0.0, row.figures().get(Column.CONN_REUSE), "one request per connection");
    }

    @Test
    @Order(3)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theJarPrintsTheTableAsJson() throws Exception {
        Path jar = Path.of(System.getProperty("tailwatch.collector.jar", "target/tailwatch-collector.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: mvn package -pl collector builds it");
        JsonNode table = runJar(jar, "table", "--once", "--format", "json", "--interval", "500ms", "--scenario", "keepalive-ab",
                "--target", metrics.toString());
        String out = table.toString();
        JsonNode rows = table.path("rows");
        assertEquals(8, rows.size(), "the study's seven frameworks and the service: " + out);
        JsonNode live = null;
        for (JsonNode row : rows) {
            if (row.path("kind").asText().equals("live")) {
                live = row;
            }
        }
        assertTrue(live != null, out);
        assertEquals(metrics.toString(), live.path("target").asText());
        assertEquals((double) requestsSent, live.path("requests_total").asDouble(), "every request ab sent, as the agent counted them");
        assertEquals(0.0, live.path("requests").asDouble(), "nothing ran while the jar scraped");
        assertEquals(0.0, live.path("values").path("qps").asDouble());
        assertTrue(live.path("values").path("memory_mb").asDouble() > 0, out);
        assertTrue(live.path("ranks").path("qps").asText().endsWith("/8"), out);
        figures.add("jar: table --once --format json --scenario keepalive-ab: requests_total " + live.path("requests_total").asLong()
                + ", RSS " + live.path("values").path("memory_mb").asDouble() + " MB");

        JsonNode fleet = runJar(jar, "table", "--once", "--format", "json", "--prometheus", prometheus.url,
                "--selector", "{job=\"" + PrometheusServer.JOB + "\"}", "--window", "30s").path("rows").get(0);
        assertEquals("live", fleet.path("kind").asText(), fleet.toString());
        assertEquals((double) requestsSent, fleet.path("requests_total").asDouble(), "the request total through Prometheus");
        assertEquals(30.0, fleet.path("window_seconds").asDouble());
    }

    /**
     * {@code bench} in-process for both clients, a few seconds each: the client's and the agent's rows of
     * the scenario's table. The agent's window lies between its scrapes around the client's run. It
     * misses at most one request per connection whose response the client had before the server
     * recorded it (see {@link #measure}); and a client stopped by its clock counts no request still in
     * flight, which the server may have answered: at most one per connection again. So the two counts
     * differ by at most the connections, either way.
     */
    @Test
    @Order(4)
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void benchShowsTheClientsAndTheAgentsFiguresAmongTheReferenceRows() throws Exception {
        for (String scenario : List.of("keepalive-ab", "close-wrk")) {
            Snapshot before = fetcher.scrape(metrics);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = io.tailwatch.collector.cli.CollectorMain.run(new String[] {"bench", "--url",
                "http://127.0.0.1:" + servicePort + "/hello", "--agent", metrics.toString(), "--scenario", scenario, "--duration", "2s",
                "--connections", Integer.toString(CONCURRENCY), "--threads", "2", "--format", "json"},
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            String stderr = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, scenario + ": " + stderr);
            assertTrue(stderr.contains("bench: 1 of 2 s, agent: "), "progress while it runs: " + stderr);
            JsonNode table = JSON.readTree(out.toString(StandardCharsets.UTF_8));
            assertEquals(scenario, table.path("scenario").asText());
            assertEquals(9, table.path("rows").size(), "the study's seven frameworks, the client and the agent");
            JsonNode client = null;
            JsonNode agent = null;
            for (JsonNode row : table.path("rows")) {
                if (row.path("name").asText().startsWith("client: ")) {
                    client = row;
                } else if (row.path("name").asText().startsWith("agent: ")) {
                    agent = row;
                }
            }
            assertTrue(client != null && agent != null, table.toString());
            assertTrue(client.path("requests_total").isNull(), "a load client has no total since a service start: " + client);
            double clientRequests = client.path("requests").asDouble();
            double agentRequests = agent.path("requests").asDouble();
            assertTrue(clientRequests > 0 && Math.abs(agentRequests - clientRequests) <= CONCURRENCY,
                    scenario + ": client " + clientRequests + " requests, agent " + agentRequests);
            // The agent saw no error (below); the client may count one per connection slot that the server
            // never saw: a connect the busy loopback refused or a reconnect that took longer than wrk's
            // timeout, under Connection: close (once in a CI run: 1 in 24 000). It says which on stderr.
            double clientErrors = client.path("values").path("error_rate_pct").asDouble() * clientRequests / 100;
            assertTrue(clientErrors <= CONCURRENCY, scenario + ": client errors " + clientErrors + "; " + stderr);
            if (clientErrors > 0) {
                assertTrue(stderr.contains("reported "), "the client's error line on stderr: " + stderr);
            }
            // The agent's only errors are requests the client abandoned when its clock stopped, closing
            // their connections before the response: on the JDK server the response's write fails
            // (status 200, error_type java.io.IOException), or the request ends without a status
            // (error_type _OTHER). At most one per connection; once in a CI run, 1 in 33 000.
            double agentErrors = agent.path("values").path("error_rate_pct").asDouble() * agentRequests / 100;
            assertTrue(Math.round(agentErrors) <= CONCURRENCY, scenario + ": agent errors " + agentErrors);
            assertTrue(client.path("ranks").path("qps").asText().endsWith("/9"), table.toString());
            // The requests the client left in flight count too: take the agent's total.
            requestsSent = awaitNoConnectionOpen();
            awaitQuiet(requestsSent);
            Snapshot after = fetcher.scrape(metrics);
            Predicate<Sample> clientLeft = sample -> sample.label("http_response_status_code").isEmpty()
                    || sample.label("error_type").equals("java.io.IOException");
            Predicate<Sample> otherError = sample -> !sample.label("error_type").isEmpty() && !clientLeft.test(sample);
            assertEquals(0.0, after.sum("http_server_request_duration_seconds_count", otherError)
                    - before.sum("http_server_request_duration_seconds_count", otherError), scenario + ": a request failed");
            double abandoned = after.sum("http_server_request_duration_seconds_count", clientLeft)
                    - before.sum("http_server_request_duration_seconds_count", clientLeft);
            assertTrue(abandoned <= CONCURRENCY, scenario + ": " + abandoned + " requests whose client left");
            figures.add(String.format(Locale.ROOT, "bench %s -c %d 2s: client %.0f requests, %.2f req/s, P99 %.3f ms | agent %.0f requests,"
                            + " %.2f req/s, P99 %.3f ms, reuse %.2f %%", scenario, CONCURRENCY, clientRequests,
                    client.path("values").path("qps").asDouble(), client.path("values").path("p99_latency_ms").asDouble(), agentRequests,
                    agent.path("values").path("qps").asDouble(), agent.path("values").path("p99_latency_ms").asDouble(),
                    agent.path("values").path("conn_reuse_pct").asDouble()));
        }
    }

    private static JsonNode runJar(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the collector did not exit");
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\nstdout:\n" + out + "\nstderr:\n" + err);
        assertEquals("", err);
        return JSON.readTree(out);
    }

    /**
     * Scrapes, runs ab, scrapes (the QPS window), then waits until the agent has counted every
     * request and seen every connection close, and scrapes once more (the totals and reuse window).
     */
    private TargetRow measure(int requests, boolean keepAlive) throws Exception {
        Instant sampleBefore = awaitPrometheusSampleAfter(quietSince);
        long bracketStart = System.nanoTime();
        Snapshot before = fetcher.scrape(metrics);
        AbRun ab = ab(requests, keepAlive);
        Snapshot after = fetcher.scrape(metrics);
        double bracket = (System.nanoTime() - bracketStart) / 1e9;
        requestsSent += requests;
        awaitQuiet(requestsSent);
        Snapshot quiet = fetcher.scrape(metrics);

        TargetRow run = TargetRow.of(metrics.toString(), new Window(List.of(before, after)));
        TargetRow all = TargetRow.of(metrics.toString(), new Window(List.of(before, after, quiet)));
        String mode = keepAlive ? "keep-alive" : "Connection: close";

        assertEquals(requests, all.requests(), mode + ": requests the collector counted against ab's");
        assertEquals(0, all.restarts());
        // When ab exits it has every response, but the server thread that wrote the last of them may
        // not have recorded it yet: at most one per connection.
        assertTrue(run.requests() <= requests && run.requests() >= requests - CONCURRENCY,
                mode + ": " + run.requests() + " requests in the window around ab's run of " + requests);

        double qps = run.figures().get(Column.QPS);
        assertEquals(run.requests() / run.windowSeconds(), qps, 1e-9 * qps);
        double highest = ab.requestsPerSecond() * 1.01;
        double lowest = ab.requestsPerSecond() * (ab.seconds() / bracket) * (run.requests() / requests);
        assertTrue(qps <= highest && qps >= lowest, String.format(Locale.ROOT,
                "%s: collector %.2f req/s over %.3f s; ab %.2f req/s over %.3f s; expected in [%.2f, %.2f]",
                mode, qps, run.windowSeconds(), ab.requestsPerSecond(), ab.seconds(), lowest, highest));

        assertEquals(0.0, all.figures().get(Column.ERROR_RATE), mode + ": every /hello answered 200");
        assertEquals(requests * HELLO_BYTES / all.windowSeconds() / 1024, all.figures().get(Column.THROUGHPUT), 1e-6,
                mode + ": KB/s is the bodies' bytes over the window");
        assertTrue(all.figures().get(Column.CONN_SETUP) > 0, mode + ": connection setup time");
        assertTrue(all.figures().get(Column.AVG_LATENCY) > 0 && all.figures().get(Column.P99_LATENCY) >= all.figures().get(Column.AVG_LATENCY) / 10,
                mode + ": latency figures");
        assertTrue(all.figures().get(Column.MEMORY) > 0 && all.figures().get(Column.CPU) > 0, mode + ": RSS and CPU");

        figures.add(String.format(Locale.ROOT,
                "%s: ab -n %d -c %d%s: %d complete, %.2f req/s over %.3f s | collector: %.0f requests in its window of"
                        + " %.3f s, %.2f req/s (%.3f of ab's), %.0f in all after the closes; avg %.3f ms, P99 %.3f ms,"
                        + " reuse %.4f %%, conn setup %.3f ms, errors %.2f %%, %.2f KB/s, CPU %.1f %%, RSS %.1f MB",
                mode, requests, CONCURRENCY, keepAlive ? " -k" : "", ab.requests(), ab.requestsPerSecond(), ab.seconds(),
                run.requests(), run.windowSeconds(), qps, qps / ab.requestsPerSecond(), all.requests(),
                run.figures().get(Column.AVG_LATENCY), run.figures().get(Column.P99_LATENCY), all.figures().get(Column.CONN_REUSE),
                all.figures().get(Column.CONN_SETUP), all.figures().get(Column.ERROR_RATE), run.figures().get(Column.THROUGHPUT),
                run.figures().get(Column.CPU), run.figures().get(Column.MEMORY)));
        throughPrometheus(mode, requests, sampleBefore, all);
        return all;
    }

    /** The same run read through --prometheus's code: see the class comment for the bounds. */
    private void throughPrometheus(String mode, int requests, Instant sampleBefore, TargetRow direct) throws Exception {
        Instant sampleAfter = awaitPrometheusSampleAfter(quietSince);
        Instant at = sampleAfter.plusMillis(1);
        Duration window = Duration.between(sampleBefore, at).plusMillis(1);
        double sampled = Duration.between(sampleBefore, sampleAfter).toMillis();
        double extrapolation = window.toMillis() / sampled;
        String selector = "{job=\"" + PrometheusServer.JOB + "\"}";
        List<TargetRow> rows;
        try (PrometheusSource source = new PrometheusSource(URI.create(prometheus.url), selector, null, window,
                Duration.ofSeconds(10), at)) {
            rows = source.read();
        }
        assertEquals(1, rows.size(), rows.toString());
        TargetRow row = rows.get(0);
        assertEquals(null, row.error(), mode + " through Prometheus");
        assertEquals((double) requestsSent, row.requestsTotal(), mode + ": the request total through Prometheus");
        assertTrue(row.requests() >= requests * (1 - 1e-9) && row.requests() <= requests * extrapolation * (1 + 1e-9),
                String.format(Locale.ROOT, "%s: increase() over %d ms, samples %.0f ms apart, gave %.2f requests, ab sent %d",
                        mode, window.toMillis(), sampled, row.requests(), requests));
        Figures f = row.figures();
        assertEquals(row.requests(), f.get(Column.QPS) * window.toMillis() / 1000.0, 1e-6 * row.requests(), mode + ": rate x range");
        for (Column column : List.of(Column.AVG_LATENCY, Column.P99_LATENCY, Column.CONN_SETUP)) {
            double expected = direct.figures().get(column);
            assertEquals(expected, f.get(column), expected * (extrapolation - 1) * 1.001,
                    mode + ": " + column.key() + " through PromQL and the collector");
        }
        // Reuse is 100 x (1 - connections/requests): its error is the ratio's, times 100 x connections/requests.
        assertEquals(direct.figures().get(Column.CONN_REUSE), f.get(Column.CONN_REUSE), 100 * (extrapolation - 1) * 1.001,
                mode + ": reuse");
        assertEquals(0.0, f.get(Column.ERROR_RATE), mode + ": errors through PromQL");
        assertEquals(HELLO_BYTES, f.get(Column.THROUGHPUT) * 1024 / f.get(Column.QPS), HELLO_BYTES * (extrapolation - 1) * 1.001,
                mode + ": bytes per request");
        assertTrue(f.get(Column.MEMORY) > 0 && f.get(Column.CPU) > 0, mode + ": RSS and CPU through PromQL " + f);
        figures.add(String.format(Locale.ROOT,
                "%s through Prometheus (window %d ms): %.0f requests in all, increase %.2f, %.2f req/s,"
                        + " avg %.3f ms, P99 %.3f ms, reuse %.4f %%, conn setup %.3f ms",
                mode, window.toMillis(), row.requestsTotal(), row.requests(), f.get(Column.QPS), f.get(Column.AVG_LATENCY),
                f.get(Column.P99_LATENCY), f.get(Column.CONN_REUSE), f.get(Column.CONN_SETUP)));
    }

    /** Waits for Prometheus to have scraped the agent after {@code instant}; returns that sample's time. */
    private Instant awaitPrometheusSampleAfter(Instant instant) throws Exception {
        // The selector itself: timestamp() of an expression such as "up == 1" is the evaluation time, not the sample's.
        String query = "timestamp(up{job=\"" + PrometheusServer.JOB + "\"})";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Double seconds = prometheusApi.query(query, null, null).get("");
            if (seconds != null) {
                Instant sample = Instant.ofEpochMilli(Math.round(seconds * 1000));
                if (sample.isAfter(instant)) {
                    return sample;
                }
            }
            Thread.sleep(100);
        }
        fail("Prometheus did not scrape the agent after " + instant + " within 20 s:\n" + prometheus.log());
        return null;
    }

    /** Waits until no connection is open; returns the requests the agent has counted then. */
    private long awaitNoConnectionOpen() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Snapshot now = fetcher.scrape(metrics);
            if (now.sum("tailwatch_connections_open") == 0) {
                return (long) now.sum("http_server_request_duration_seconds_count");
            }
            Thread.sleep(50);
        }
        fail("connections still open 20 s after bench; service stderr " + service.stderr());
        return 0;
    }

    /** Waits until the agent has counted {@code requests} in all and no connection is open. */
    private void awaitQuiet(long requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Snapshot last = null;
        while (System.nanoTime() < deadline) {
            last = fetcher.scrape(metrics);
            if (last.sum("http_server_request_duration_seconds_count") == requests && last.sum("tailwatch_connections_open") == 0) {
                quietSince = Instant.now();
                return;
            }
            Thread.sleep(50);
        }
        fail("the agent did not count " + requests + " requests with no connection open within 20 s: count "
                + (last == null ? "?" : last.sum("http_server_request_duration_seconds_count")) + ", open "
                + (last == null ? "?" : last.sum("tailwatch_connections_open")) + "; service stderr " + service.stderr());
    }

    private AbRun ab(int requests, boolean keepAlive) throws Exception {
        List<String> command = new ArrayList<>(List.of("ab", "-q", "-n", Integer.toString(requests), "-c", Integer.toString(CONCURRENCY)));
        if (keepAlive) {
            command.add("-k");
        }
        command.add("http://127.0.0.1:" + servicePort + "/hello");
        Process ab;
        try {
            ab = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot run ab: install apache2-utils (scripts/install-tools does)", e);
        }
        String output = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ab.waitFor(), output);
        int complete = Integer.parseInt(group("Complete requests:\\s+(\\d+)", output));
        assertEquals(requests, complete, output);
        assertEquals(0, Integer.parseInt(group("Failed requests:\\s+(\\d+)", output)), output);
        if (keepAlive) {
            assertEquals(requests, Integer.parseInt(group("Keep-Alive requests:\\s+(\\d+)", output)), output);
        }
        return new AbRun(complete, Double.parseDouble(group("Time taken for tests:\\s+([0-9.]+) seconds", output)),
                Double.parseDouble(group("Requests per second:\\s+([0-9.]+)", output)), output);
    }

    private static String group(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            fail("no " + regex + " in ab's output:\n" + text);
        }
        return m.group(1);
    }
}
