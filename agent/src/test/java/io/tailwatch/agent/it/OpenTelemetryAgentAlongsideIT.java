package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenTelemetry Java agent as a second {@code -javaagent}, before and after tailwatch, on the
 * JDK's HTTP server (which both instrument): OpenTelemetry with traces and logs off and its
 * Prometheus exporter on. Both agents count every request exactly, the application answers, and
 * neither prints an exception.
 *
 * <p>OpenTelemetry's Prometheus exporter is itself a JDK HTTP server in the application's JVM:
 * tailwatch, which measures every such server but its own endpoint, counts its scrapes as requests
 * too (GET 200), and the test counts on that.
 */
class OpenTelemetryAgentAlongsideIT {
    private static final int REQUESTS = 20;
    private static final Predicate<Map<String, String>> OTEL_GET_200 =
            l -> "GET".equals(l.get("http_request_method")) && "200".equals(l.get("http_response_status_code"));

    @Test
    void tailwatchFirstThenOpenTelemetry() throws Exception {
        run(false);
    }

    @Test
    void openTelemetryFirstThenTailwatch() throws Exception {
        run(true);
    }

    private static void run(boolean openTelemetryFirst) throws Exception {
        Path otelAgent = Path.of(System.getProperty("tailwatch.test.otel.agent", "(tailwatch.test.otel.agent not set)"));
        assertTrue(Files.isRegularFile(otelAgent), "the OpenTelemetry agent, copied by the build: " + otelAgent);
        int otelPort = freePort();
        List<String> otel = List.of("-javaagent:" + otelAgent);
        List<String> environment = List.of("OTEL_TRACES_EXPORTER=none", "OTEL_LOGS_EXPORTER=none",
                "OTEL_METRICS_EXPORTER=prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1",
                "OTEL_EXPORTER_PROMETHEUS_PORT=" + otelPort,
                // Exemplars would carry span ids longer than Prometheus allows, and OpenTelemetry warns at each scrape.
                "OTEL_METRICS_EXEMPLAR_FILTER=always_off",
                "OTEL_SERVICE_NAME=tailwatch-alongside-test");
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"),
                openTelemetryFirst ? otel : List.of(), "host=127.0.0.1,port=0", openTelemetryFirst ? List.of() : otel,
                environment, "io.tailwatch.testservices.JdkHttpService", "0", "4")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            MetricsScrape start = MetricsScrape.of(metrics);
            MetricsScrape otelBefore = awaitOpenTelemetryExporter(otelPort);
            // The one scrape that OpenTelemetry's exporter answered, counted by tailwatch.
            MetricsScrape before = AbstractHttpServerIT.awaitDelta(metrics, start, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(AbstractHttpServerIT.get(200)), 1);

            try (RawHttpClient client = new RawHttpClient(port)) {
                for (int i = 0; i < REQUESTS; i++) {
                    RawHttpClient.Response r = client.get("/hello", false);
                    assertEquals(200, r.status);
                    assertEquals(AbstractHttpServerIT.HELLO.length, r.body.length);
                }
            }

            // OpenTelemetry records a request as its handler returns, a moment after the client has the response.
            int otelScrapes = 0;
            double otelCounted;
            MetricsScrape otelAfter;
            long deadline = System.nanoTime() + 20_000_000_000L;
            do {
                otelAfter = MetricsScrape.of(otelPort);
                otelScrapes++;
                otelCounted = otelAfter.sum(AbstractHttpServerIT.DURATION + "_count", OTEL_GET_200)
                        - otelBefore.sum(AbstractHttpServerIT.DURATION + "_count", OTEL_GET_200);
            } while (otelCounted < REQUESTS && System.nanoTime() < deadline && sleep());
            assertEquals(REQUESTS, otelCounted, "OpenTelemetry's count: " + otelAfter.samples(AbstractHttpServerIT.DURATION + "_count"));

            // tailwatch: the application's requests and OpenTelemetry's scrapes, exactly.
            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, before, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(AbstractHttpServerIT.get(200)), REQUESTS + otelScrapes);
            assertEquals(after.sum(AbstractHttpServerIT.DURATION + "_count"), after.sum(AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(AbstractHttpServerIT.get(200))), "no other series: " + after.samples(AbstractHttpServerIT.DURATION + "_count"));
            assertEquals(1, after.value("tailwatch_agent_instrumentation_applied", Map.of("name", "jdk-httpserver")));
            assertEquals(0, after.sum("tailwatch_agent_errors_total"), after.samples("tailwatch_agent_errors_total").toString());
            assertEquals(0, after.sum("http_server_active_requests"));

            assertStandardErrorHoldsNoFailure(service);
        }
    }

    /**
     * The agent's one start line, OpenTelemetry's INFO lines, and the JVM's warning that class data
     * sharing is limited once an agent appends to the boot class path (OpenTelemetry alone causes
     * it); nothing else: no WARN, no ERROR, no exception from either agent.
     */
    private static void assertStandardErrorHoldsNoFailure(ForkedService service) {
        List<String> unexpected = new ArrayList<>();
        int tailwatch = 0;
        for (String line : service.stderr()) {
            if (line.startsWith("tailwatch: ")) {
                tailwatch++;
                assertTrue(line.contains(" active on Java ") && line.contains("jdk-httpserver"), line);
            } else if (!line.matches("\\[otel\\.javaagent [^\\]]*\\] \\[[^\\]]*\\] INFO .*")
                    && !line.equals("OpenJDK 64-Bit Server VM warning: Sharing is only supported for boot loader classes"
                    + " because bootstrap classpath has been appended")) {
                unexpected.add(line);
            }
        }
        assertEquals(1, tailwatch, service.stderr().toString());
        assertEquals(List.of(), unexpected, "standard error: " + service.stderr());
    }

    /** Scrapes OpenTelemetry's exporter until it answers; it starts a few seconds after the application. */
    private static MetricsScrape awaitOpenTelemetryExporter(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                return MetricsScrape.of(port);
            } catch (IOException | AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    fail("OpenTelemetry's Prometheus exporter never answered on port " + port + ": " + notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static boolean sleep() {
        ForkedService.sleep(50);
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
