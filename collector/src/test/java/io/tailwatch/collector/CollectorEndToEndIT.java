package io.tailwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tailwatch.collector.scrape.MetricsFetcher;
import io.tailwatch.collector.scrape.Snapshot;
import io.tailwatch.collector.table.Column;
import io.tailwatch.collector.table.TargetRow;
import io.tailwatch.collector.table.Window;
import io.tailwatch.testsupport.ForkedService;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
        // Compiled code on the request path, so that the measured runs are not mostly the JIT's.
        ab(WARMUP_REQUESTS, true);
        ab(WARMUP_REQUESTS / 2, false);
        requestsSent = WARMUP_REQUESTS + WARMUP_REQUESTS / 2;
        awaitQuiet(requestsSent);
    }

    @AfterAll
    void stopTheService() throws Exception {
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
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "table", "--once", "--format", "json", "--interval", "500ms", "--scenario", "keepalive-ab",
                "--target", metrics.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the collector did not exit");
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\nstdout:\n" + out + "\nstderr:\n" + err);
        assertEquals("", err);
        JsonNode rows = JSON.readTree(out).path("rows");
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
    }

    /**
     * Scrapes, runs ab, scrapes (the QPS window), then waits until the agent has counted every
     * request and seen every connection close, and scrapes once more (the totals and reuse window).
     */
    private TargetRow measure(int requests, boolean keepAlive) throws Exception {
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
        return all;
    }

    /** Waits until the agent has counted {@code requests} in all and no connection is open. */
    private void awaitQuiet(long requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Snapshot last = null;
        while (System.nanoTime() < deadline) {
            last = fetcher.scrape(metrics);
            if (last.sum("http_server_request_duration_seconds_count") == requests && last.sum("tailwatch_connections_open") == 0) {
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
