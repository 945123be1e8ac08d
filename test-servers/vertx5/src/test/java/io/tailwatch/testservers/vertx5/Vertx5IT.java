package io.tailwatch.testservers.vertx5;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import io.tailwatch.testsupport.RouteLabels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static io.tailwatch.testsupport.RouteLabels.routed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x 5 with Vert.x Web, JDK 17, on the Netty Vert.x brings. The Netty instrumentation measures
 * the requests; the Vert.x one names their routes, records the exception of a handler that threw,
 * and counts the wait for Vert.x's worker pool ({@code /sleep} runs there) as queue time.
 */
class Vertx5IT extends AbstractHttpServerIT {
    /** The paths of the service's routes: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/:ownerId", "/owners/:ownerId/pets/:petId");

    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Vertx5Service.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** Vert.x Web catches the exception and fails the routing context: 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Event loops are no worker pool, and Vert.x's worker pool is not registered: no pool gauges. */
    @Override
    protected boolean hasWorkerPool() {
        return false;
    }

    /** The abstract test's labels, and the route each of its paths matched, if any. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(ROUTES, labels);
    }

    /**
     * Requests are labelled with the path template of the route that answered them, never with
     * their path; also pipelined ones, which Vert.x routes only once the previous response is
     * written. A regular-expression route and a request no route matched have no route; a handler
     * that threw keeps its route and has its exception as error type.
     */
    @Test
    void requestsAreLabelledWithTheirRouteTemplate() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(200, client.get("/owners/1", false).status);
            assertEquals(200, client.get("/owners/2", false).status);
            assertEquals(200, client.get("/owners/3/pets/4", false).status);
            assertEquals(200, client.get("/files/notes.txt", false).status);
            assertEquals(404, client.get("/owners", false).status);
            assertEquals(404, client.get("/owners/1/unknown", false).status);
            List<RawHttpClient.Response> pipelined = client.pipeline(List.of("/async", "/owners/5", "/owners/6/pets/7", "/owners/8"));
            for (RawHttpClient.Response r : pipelined) {
                assertEquals(200, r.status);
            }
        }
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(500, client.get("/throw", false).status);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, 11);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/:ownerId")), 4);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/:ownerId/pets/:petId")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/async")), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(200)), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), 2);
        Map<String, String> thrown = routed(Map.of("http_request_method", "GET", "http_response_status_code", "500",
                "error_type", "java.lang.IllegalStateException"), "/throw");
        assertDelta(before, after, DURATION + "_count", labelsExactly(thrown), 1);

        Set<String> routes = new TreeSet<>();
        after.sum(DURATION + "_count", l -> routes.add(l.getOrDefault("http_route", "none")));
        assertTrue(ROUTES.containsAll(routes.stream().filter(r -> !r.equals("none")).toList()), "only templates: " + routes);
        assertFalse(after.text.contains("/owners/1\"") || after.text.contains("/pets/4") || after.text.contains("notes.txt"),
                "no raw path is a label");
    }

    @Test
    void theVertxInstrumentationApplied() throws Exception {
        assertEquals(1, scrape().value("tailwatch_agent_instrumentation_applied", Map.of("name", "vertx")));
    }
}
