package io.tailwatch.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process, against an HTTP server that answers with recorded scrapes of a real agent. */
class CollectorMainTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CollectorMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Serves the recorded scrapes in turn (the last one from then on), gzipped as the agent does when asked. */
    private String serveRecorded(String... files) throws IOException {
        AtomicInteger next = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/metrics", exchange -> {
            String file = files[Math.min(next.getAndIncrement(), files.length - 1)];
            byte[] body;
            try (InputStream in = CollectorMainTest.class.getResourceAsStream("/scrapes/" + file)) {
                body = in.readAllBytes();
            }
            boolean gzip = exchange.getRequestHeaders().getOrDefault("Accept-Encoding", List.of()).toString().contains("gzip");
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            if (gzip) {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void onceAsJsonGivesTheWindowsFiguresFromTwoScrapes() throws Exception {
        String target = serveRecorded("0-started.txt", "1-after-ab-keepalive-2000-errors-5-gc.txt");
        Result result = run("table", "--once", "--format", "json", "--interval", "200ms", "--target", target);
        assertEquals(0, result.exitCode(), result.err());
        JsonNode row = JSON.readTree(result.out()).path("rows").get(0);
        assertEquals("live", row.path("kind").asText());
        assertEquals(target, row.path("name").asText());
        assertEquals(2005, row.path("requests").asDouble());
        double window = row.path("window_seconds").asDouble();
        assertTrue(window >= 0.2, "the two scrapes are --interval apart at least: " + window);
        assertEquals(2005 / window, row.path("values").path("qps").asDouble(), 1e-6);
        assertEquals(100 * (1 - 9.0 / 2005), row.path("values").path("conn_reuse_pct").asDouble(), 1e-9);
        assertTrue(row.path("values").path("conn_setup_ms").isNumber());
        assertEquals(12, row.path("values").size(), "every column for a live row");
    }

    @Test
    void aScenarioPlacesTheTargetAmongTheReferenceRows() throws Exception {
        String target = serveRecorded("1-after-ab-keepalive-2000-errors-5-gc.txt", "2-after-ab-close-1000.txt");
        Result result = run("table", "--once", "--interval", "100ms", "--scenario", "close-ab", "--target", target);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("Scenario close-ab"), result.out());
        List<String> rows = result.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| framework")).toList();
        assertEquals(8, rows.size(), result.out());
        assertTrue(rows.get(0).startsWith("| Tokio "), result.out());
        // A thousand requests in a fraction of a second still rank last against the study's 31,511 qps and up.
        assertTrue(rows.get(7).startsWith("| " + target + " ") && rows.get(7).contains("(8/8)"), result.out());
        assertTrue(result.out().contains("1000 requests in"), result.out());
    }

    @Test
    void csvOutputIsABaselineFile(@TempDir Path dir) throws Exception {
        String target = serveRecorded("1-after-ab-keepalive-2000-errors-5-gc.txt", "2-after-ab-close-1000.txt");
        Result csv = run("table", "--once", "--format", "csv", "--interval", "100ms", "--target", target);
        assertEquals(0, csv.exitCode(), csv.err());
        assertTrue(csv.out().startsWith("framework,qps,avg_latency_ms,p99_latency_ms,error_rate_pct,"), csv.out());
        Path mine = dir.resolve("mine.csv");
        Files.writeString(mine, csv.out());
        Result ranked = run("table", "--once", "--format", "json", "--scenario", "close-ab", "--baseline", mine.toString());
        assertEquals(0, ranked.exitCode(), ranked.err());
        JsonNode rows = JSON.readTree(ranked.out()).path("rows");
        assertEquals(8, rows.size(), "seven reference rows and the saved one");
        JsonNode saved = rows.get(7);
        assertEquals("baseline", saved.path("kind").asText());
        assertEquals(target, saved.path("name").asText());
        assertEquals("0.00", String.format(java.util.Locale.ROOT, "%.2f", saved.path("values").path("conn_reuse_pct").asDouble()));
    }

    @Test
    void aScenarioAloneIsItsReferenceTable() {
        Result result = run("table", "--once", "--scenario", "keepalive-wrk", "--format", "csv");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals("framework,qps,avg_latency_ms,p99_latency_ms,memory_mb,cpu_pct,qps_rank,avg_latency_ms_rank,"
                + "p99_latency_ms_rank,memory_mb_rank,cpu_pct_rank", lines.get(0));
        // P99 behind Node, Go and Gin; RSS behind Rust std, Hyperlane, Go, Gin; CPU behind Hyperlane and Rust std.
        assertEquals("Tokio,340130.92,1.220,5.960,128.0,45.0,1/7,1/7,4/7,5/7,3/7", lines.get(1));
    }

    @Test
    void mistakesAreOneLineAndExitCode2() {
        Result unknown = run("table", "--once", "--scenario", "keepalive-foo", "--target", "127.0.0.1:1");
        assertEquals(2, unknown.exitCode());
        assertEquals("tailwatch-collector: unknown scenario 'keepalive-foo'; one of keepalive-wrk, close-wrk, keepalive-ab, close-ab",
                unknown.err().strip());
        Result nothing = run("table", "--once");
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().startsWith("tailwatch-collector: nothing to show"), nothing.err());
        Result badDuration = run("table", "--once", "--interval", "soon", "--target", "127.0.0.1:1");
        assertEquals(2, badDuration.exitCode());
        assertTrue(badDuration.err().contains("'soon' is not a duration"), badDuration.err());
        Result twoSources = run("table", "--once", "--target", "127.0.0.1:1", "--prometheus", "http://127.0.0.1:9090");
        assertEquals(2, twoSources.exitCode());
        assertTrue(twoSources.err().contains("--target and --prometheus are two sources"), twoSources.err());
        Result badSelector = run("table", "--once", "--prometheus", "http://127.0.0.1:9090", "--selector", "job=api");
        assertEquals(2, badSelector.exitCode());
        assertTrue(badSelector.err().contains("--selector must be label matchers in braces"), badSelector.err());
        Result missingFile = run("table", "--once", "--scenario", "close-ab", "--baseline", "/no/such/file.csv");
        assertEquals(2, missingFile.exitCode());
        assertEquals("tailwatch-collector: --baseline /no/such/file.csv: no such file", missingFile.err().strip());
    }

    @Test
    void anUnreachableTargetIsNamedWithWhatToCheckAndExitCode1() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result result = run("table", "--once", "--interval", "10ms", "--target", "127.0.0.1:" + port);
        assertEquals(1, result.exitCode());
        assertEquals("tailwatch-collector: http://127.0.0.1:" + port + "/metrics: connection refused; is the service running with"
                + " -javaagent:tailwatch-agent.jar, and on this port (the agent's start line names it)?", result.err().strip());
    }

    @Test
    void badAlertRulesAndWebAddressesStopTheLiveCommandBeforeItsFirstScrape() {
        Result badRule = run("--target", "127.0.0.1:1", "--alert", "p99 >> 10ms");
        assertEquals(2, badRule.exitCode());
        assertEquals(1, badRule.err().strip().lines().count(), badRule.err());
        assertTrue(badRule.err().startsWith("tailwatch-collector: alert rule 'p99 >> 10ms': expected METRIC OP VALUE"), badRule.err());
        Result badUnit = run("table", "--target", "127.0.0.1:1", "--alert", "error_rate > 5ms");
        assertEquals(2, badUnit.exitCode());
        assertTrue(badUnit.err().contains("'ms' is not a unit of error_rate_pct"), badUnit.err());
        Result badWeb = run("--target", "127.0.0.1:1", "--web", "9465");
        assertEquals(2, badWeb.exitCode());
        assertTrue(badWeb.err().contains("--web must be HOST:PORT"), badWeb.err());
        Result noRules = run("--target", "127.0.0.1:1", "--alertmanager", "http://127.0.0.1:9093");
        assertEquals(2, noRules.exitCode());
        assertTrue(noRules.err().contains("give rules with --alert"), noRules.err());
        Result once = run("table", "--once", "--target", "127.0.0.1:1", "--alert", "qps > 0");
        assertEquals(2, once.exitCode());
        assertTrue(once.err().contains("drop --once"), once.err());
    }

    @Test
    void theLiveCommandServesItsPageAndPostsFiringAlertsToTheWebhook() throws Exception {
        String target = serveRecorded("0-started.txt", "1-after-ab-keepalive-2000-errors-5-gc.txt");
        java.util.concurrent.BlockingQueue<JsonNode> posts = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        webhook.createContext("/hook", exchange -> {
            posts.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {"--target", target, "--interval", "100ms", "--web", "127.0.0.1:0", "--alert", "error_rate > 0.1%",
            "--webhook", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"};
        Thread live = new Thread(() -> {
            try {
                CollectorMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                // Interrupted below: how the live loop stops.
            }
        });
        live.start();
        try {
            // The recorded run had 5 errors in 2005 requests: 0.25 %.
            JsonNode post = posts.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(post != null, "no webhook call within 30 s; stderr: " + err);
            JsonNode alert = post.path("alerts").get(0);
            assertEquals("firing", alert.path("status").asText());
            assertEquals("error_rate > 0.1%", alert.path("rule").asText());
            assertEquals("http://" + target + "/metrics", alert.path("target").asText());
            assertEquals(100 * 5.0 / 2005, alert.path("value").asDouble(), 1e-9);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("alert firing: error_rate > 0.1% on " + target + " (value 0.25 %)"),
                    err.toString(StandardCharsets.UTF_8));

            java.util.regex.Matcher page = java.util.regex.Pattern.compile("live page at (http://\\S+/)").matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(page.find(), out.toString(StandardCharsets.UTF_8));
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            String state = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(page.group(1) + "api/state")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            JsonNode alerts = JSON.readTree(state).path("alerts");
            assertEquals("firing", alerts.path("active").get(0).path("state").asText(), state);
            assertEquals(target, alerts.path("active").get(0).path("target").asText(), state);
            for (String asset : List.of("", "app.js", "uplot/uPlot.iife.min.js", "uplot/uPlot.min.css")) {
                java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(page.group(1) + asset)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), asset);
                assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"), asset);
            }
        } finally {
            live.interrupt();
            live.join(10_000);
            webhook.stop(0);
        }
        assertFalse(live.isAlive(), "the live command stops when interrupted");
    }
}
