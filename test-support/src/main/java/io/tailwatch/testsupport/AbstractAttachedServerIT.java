package io.tailwatch.testsupport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.AbstractHttpServerIT.DURATION;
import static io.tailwatch.testsupport.AbstractHttpServerIT.HELLO;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar tailwatch-agent.jar attach <pid>} against a server that has served requests
 * without the agent, run by every server the agent measures after a dynamic attach: the server's
 * classes are loaded, so the agent measures it without the fields it would add to them (the clock
 * starts where the server runs the application), says so once, marks it in {@code /metrics}
 * ({@code tailwatch_agent_instrumentation_mode{mode="handler_start"}}) and counts every request from
 * the attach on exactly: keep-alive, {@code Connection: close}, errors, a thrown exception, a slow
 * request, an async one, and ab's runs, on a connection opened before the attach as well as on new
 * ones. The service answers the paths of {@link AbstractHttpServerIT}.
 */
public abstract class AbstractAttachedServerIT {
    /** Starts the service without the agent, on any free port, with a few workers. */
    protected abstract ForkedService startWithoutAgent(Path jdk) throws IOException;

    /** The name of the instrumentation that measures this server, as in {@code tailwatch_agent_instrumentation_mode}. */
    protected abstract String instrumentationName();

    /** The status a client receives from {@code /throw}; -1 when the server just closes the connection. */
    protected abstract int statusWhenHandlerThrows();

    /** Class name of what {@code /throw} throws. */
    protected String thrownType() {
        return "java.lang.IllegalStateException";
    }

    /** The JDK home property the service runs on. */
    protected String jdkProperty() {
        return "tailwatch.test.jdk17";
    }

    /**
     * Whether the fallback measures {@code /async} to its completion on another thread; where it
     * cannot, the server's documentation says so and the test sends no {@code /async}.
     */
    protected boolean asyncMeasuredToCompletion() {
        return true;
    }

    /** Whether the server closes the connection after a response with this status (Tomcat after a 500). */
    protected boolean closesConnectionAfter(int status) {
        return false;
    }

    /** As {@link AbstractHttpServerIT#series}: the series that hold the requests expected under {@code labels}. */
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return labelsExactly(labels);
    }

    @Test
    public void attachedToARunningServerItCountsEveryRequestFromThenOn() throws Exception {
        Path jdk = ForkedService.jdk(jdkProperty());
        try (ForkedService service = startWithoutAgent(jdk)) {
            int port = service.servicePort();
            RawHttpClient before = new RawHttpClient(port);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, before.get("/hello", false).status);
            }

            ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "host=127.0.0.1,port=0");
            assertEquals(0, attach.exit, attach.output);
            assertTrue(attach.output.contains("attached to JVM " + service.pid()), attach.output);
            assertTrue(attach.output.contains(instrumentationName() + ": its classes were loaded before the agent started, so its request"
                    + " clock starts "), attach.output);
            assertTrue(attach.output.contains(" active on Java "), attach.output);
            int metrics = service.metricsPort();

            int ok = 0;
            // The connection opened before the attach, a new keep-alive one, and one per request.
            for (int i = 0; i < 10; i++) {
                assertEquals(200, before.get("/hello", false).status);
                ok++;
            }
            before.close();
            int errors = 3;
            try (RawHttpClient keepAlive = new RawHttpClient(port)) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, keepAlive.get("/hello", false).status);
                    ok++;
                }
                assertEquals(204, keepAlive.get("/nobody", false).status);
                RawHttpClient.Response chunked = keepAlive.get("/chunked", false);
                assertEquals(3 * HELLO.length, chunked.body.length);
                ok++;
                assertEquals(200, keepAlive.get("/sleep?ms=300", false).status);
                ok++;
            }
            RawHttpClient errorClient = new RawHttpClient(port);
            try {
                for (int i = 0; i < errors; i++) {
                    RawHttpClient.Response r = errorClient.get("/error", false);
                    assertEquals(500, r.status);
                    if (r.closed && closesConnectionAfter(500)) {
                        errorClient.close();
                        errorClient = new RawHttpClient(port);
                    }
                }
            } finally {
                errorClient.close();
            }
            int async = asyncMeasuredToCompletion() ? 10 : 0;
            try (RawHttpClient asyncClient = new RawHttpClient(port)) {
                for (int i = 0; i < async; i++) {
                    RawHttpClient.Response r = asyncClient.get("/async", false);
                    assertEquals(200, r.status);
                    ok++;
                }
            }
            for (int i = 0; i < 10; i++) {
                try (RawHttpClient close = new RawHttpClient(port)) {
                    assertEquals(200, close.get("/hello", true).status);
                    ok++;
                }
            }
            int thrown = 2;
            for (int i = 0; i < thrown; i++) {
                try (RawHttpClient thrower = new RawHttpClient(port)) {
                    assertEquals(statusWhenHandlerThrows(), thrower.get("/throw", false).status);
                }
            }
            AbstractHttpServerIT.runAb(port, 300, 4, false);
            AbstractHttpServerIT.runAb(port, 300, 4, true);
            ok += 600;

            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, MetricsScrape.empty(), DURATION + "_count", l -> true,
                    ok + 1 + errors + thrown);
            // The requests before the attach are not counted.
            assertEquals(ok, after.sum(DURATION + "_count", series(get(200))), after.text);
            assertEquals(1, after.sum(DURATION + "_count", series(get(204))), after.text);
            assertEquals(errors, after.sum(DURATION + "_count", series(Map.of("http_request_method", "GET",
                    "http_response_status_code", "500", "error_type", "500"))), after.text);
            Map<String, String> failed = new HashMap<>(Map.of("http_request_method", "GET", "error_type", thrownType()));
            if (statusWhenHandlerThrows() > 0) {
                failed.put("http_response_status_code", Integer.toString(statusWhenHandlerThrows()));
            }
            assertEquals(thrown, after.sum(DURATION + "_count", series(failed)), after.text);
            // The clock covers the handler: the sleeping request is past the 0.25 s bucket.
            Predicate<Map<String, String>> okSeries = series(get(200));
            double slowerThanAQuarter = after.sum(DURATION + "_bucket", l -> "+Inf".equals(l.get("le")) && okSeries.test(l))
                    - after.sum(DURATION + "_bucket", l -> "0.25".equals(l.get("le")) && okSeries.test(l));
            assertEquals(1, slowerThanAQuarter, after.text);
            if (async > 0) {
                // Each /async response completes 5 ms after its handler returned, on another thread.
                assertTrue(after.sum(DURATION + "_sum", okSeries) >= 0.3 + async * 0.005, after.text);
            }
            assertEquals(0, after.sum("http_server_active_requests"), after.text);
            assertEquals(0, after.sum("tailwatch_http_server_request_queue_seconds_count"), "no queue time is claimed");
            assertEquals(1, after.value("tailwatch_agent_instrumentation_mode",
                    Map.of("name", instrumentationName(), "mode", "handler_start")), after.text);
            assertEquals(1, after.sum("tailwatch_agent_info", l -> "true".equals(l.get("attached"))), after.text);
            assertEquals(0, after.sum("tailwatch_agent_errors_total"), after.text);

            ForkedService.Attach again = ForkedService.attach(jdk, service.pid(), "");
            assertEquals(0, again.exit, again.output);
            assertTrue(again.output.contains("already active in this JVM; this attach changed nothing"), again.output);

            assertEquals(List.of(), service.stderrBesidesAgentAndAttachWarning(),
                    "the service's standard error holds the agent's lines alone");
            assertEquals(1, service.agentLines().stream().filter(l -> l.contains(instrumentationName() + ": its classes were loaded"))
                    .count(), "said once: " + service.agentLines());
        }
    }
}
