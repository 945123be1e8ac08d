package io.tailwatch.testservers.springwebflux;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring Boot 3 (Spring WebFlux 6) on Reactor Netty, JDK 17, on the Netty Reactor Netty brings. The
 * Netty instrumentation measures the requests; the Spring WebFlux one names their routes and
 * records the exception Spring Boot's error handler answers; the Reactor one counts the wait for
 * the bounded elastic scheduler that {@code /sleep} blocks on as queue time.
 */
class SpringWebfluxIT extends AbstractHttpServerIT {
    /** The patterns of the service's mappings: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}", "/vets/{vetId}");

    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), SpringWebfluxService.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** Spring Boot's error web exception handler answers the exception with 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Event loops are no worker pool, and the application's schedulers are not registered: no pool gauges. */
    @Override
    protected boolean hasWorkerPool() {
        return false;
    }

    /** The abstract test's labels, and the route each of its paths matched, if any. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        Predicate<Map<String, String>> exactly = labelsExactly(labels);
        return l -> {
            Map<String, String> rest = new TreeMap<>(l);
            String route = rest.remove("http_route");
            return (route == null || ROUTES.contains(route)) && exactly.test(rest);
        };
    }

    private static Map<String, String> routed(Map<String, String> labels, String route) {
        Map<String, String> withRoute = new HashMap<>(labels);
        withRoute.put("http_route", route);
        return withRoute;
    }

    /**
     * Requests are labelled with the pattern their controller method or router function is mapped
     * to, never with their path; also pipelined ones, which Reactor Netty hands to the application
     * only once the previous response is written. A request no mapping matched has no route; a
     * handler that threw keeps its route and has its exception as error type.
     */
    @Test
    void requestsAreLabelledWithTheirRouteTemplate() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(200, client.get("/owners/1", false).status);
            assertEquals(200, client.get("/owners/2", false).status);
            assertEquals(200, client.get("/owners/3/pets/4", false).status);
            assertEquals(200, client.get("/vets/7", false).status);
            assertEquals(404, client.get("/owners", false).status);
            assertEquals(404, client.get("/owners/1/unknown", false).status);
            List<RawHttpClient.Response> pipelined = client.pipeline(List.of("/async", "/owners/5", "/owners/6/pets/7", "/vets/8"));
            for (RawHttpClient.Response r : pipelined) {
                assertEquals(200, r.status);
            }
        }
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(500, client.get("/throw", false).status);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, 11);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}")), 3);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}/pets/{petId}")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/vets/{vetId}")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/async")), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), 2);
        Map<String, String> thrown = routed(Map.of("http_request_method", "GET", "http_response_status_code", "500",
                "error_type", "java.lang.IllegalStateException"), "/throw");
        assertDelta(before, after, DURATION + "_count", labelsExactly(thrown), 1);

        Set<String> routes = new TreeSet<>();
        after.sum(DURATION + "_count", l -> routes.add(l.getOrDefault("http_route", "none")));
        assertTrue(ROUTES.containsAll(routes.stream().filter(r -> !r.equals("none")).toList()), "only templates: " + routes);
        assertFalse(after.text.contains("/owners/1\"") || after.text.contains("/pets/4") || after.text.contains("/vets/7"),
                "no raw path is a label");
    }

    @Test
    void theSpringWebfluxAndReactorInstrumentationsApplied() throws Exception {
        MetricsScrape scrape = scrape();
        assertEquals(1, scrape.value("tailwatch_agent_instrumentation_applied", Map.of("name", "spring-webflux")));
        assertEquals(1, scrape.value("tailwatch_agent_instrumentation_applied", Map.of("name", "reactor")));
    }
}
