package io.tailwatch.testservers.springmvc;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import io.tailwatch.testsupport.RouteLabels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
 * Spring Boot 3 (Spring MVC 6) on its embedded Tomcat 10.1, JDK 17, with Tomcat's bounded worker
 * pool. The Tomcat instrumentation measures the requests; the Spring MVC one gives them the route
 * template their handler is mapped to.
 */
class SpringMvcIT extends AbstractHttpServerIT {
    /** The templates the service's handlers are mapped to: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/forward", "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}", "/vets/{vetId}");

    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), SpringMvcService.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "tomcat";
    }

    /** The exception reaches Tomcat, which answers 500 through Spring Boot's error page. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Tomcat ends a connection after the statuses httpd ends it after ({@code Http11Processor.statusDropsConnection}). */
    @Override
    protected boolean closesConnectionAfter(int status) {
        return status == 400 || status == 408 || status == 411 || status == 413 || status == 414
                || status == 500 || status == 501 || status == 503;
    }

    /** The abstract test's labels, and the route of the handler each of its paths is mapped to, if any. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(ROUTES, labels);
    }

    /**
     * Requests are labelled with the template their handler is mapped to, never with their path;
     * a request no handler matched has no route, although Spring Boot renders its 404 by an error
     * dispatch to the {@code /error} controller; a handler that threw keeps its own route through
     * that dispatch; a forward keeps the route the client asked for.
     */
    @Test
    void requestsAreLabelledWithTheirRouteTemplate() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(200, client.get("/owners/1", false).status);
            assertEquals(200, client.get("/owners/2", false).status);
            assertEquals(200, client.get("/owners/3/pets/4", false).status);
            assertEquals(200, client.get("/vets/7", false).status);
            assertEquals(200, client.get("/forward", false).status);
            assertEquals(404, client.get("/owners", false).status);
            assertEquals(404, client.get("/owners/1/unknown", false).status);
        }
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(500, client.get("/throw", false).status);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, 8);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}/pets/{petId}")), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/vets/{vetId}")), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/forward")), 1);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), 2);
        Map<String, String> thrown = routed(Map.of("http_request_method", "GET", "http_response_status_code", "500",
                "error_type", "java.lang.IllegalStateException"), "/throw");
        assertDelta(before, after, DURATION + "_count", labelsExactly(thrown), 1);

        Set<String> routes = new TreeSet<>();
        after.sum(DURATION + "_count", l -> routes.add(l.getOrDefault("http_route", "none")));
        assertTrue(ROUTES.containsAll(routes.stream().filter(r -> !r.equals("none")).toList()), "only templates: " + routes);
        assertEquals(0, after.sum(DURATION + "_count", l -> "404".equals(l.get("http_response_status_code")) && l.containsKey("http_route")),
                "a 404 has no route, not even the error page's");
        assertFalse(after.text.contains("\"/owners/1\"") || after.text.contains("/owners/3/pets/4"), "no raw path is a label");
    }

    /** Spring Boot's default: parsed path patterns ({@link SpringMvcAntPathMatcherIT} has the other mode). */
    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        service.awaitStdout("PATH MATCHING PathPatternParser");
    }

    @Test
    void theSpringMvcInstrumentationApplied() throws Exception {
        assertEquals(1, scrape().value("tailwatch_agent_instrumentation_applied", Map.of("name", "spring-webmvc")));
    }
}
