package io.tailwatch.testservers.jersey;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import io.tailwatch.testsupport.RouteLabels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static io.tailwatch.testsupport.RouteLabels.routed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Jersey 3.1 resources in Jersey's servlet container on embedded Tomcat 11, JDK 17, with Tomcat's
 * bounded worker pool. The Tomcat instrumentation measures the requests; the Jersey one gives them
 * the {@code @Path} templates of the resource method that answered.
 */
class JerseyIT extends AbstractHttpServerIT {
    /** The templates of the service's resource methods: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}");

    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), JerseyService.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "tomcat";
    }

    /** Jersey hands an exception no mapper answers to the servlet container, whose error page is a 500. */
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

    /** The abstract test's labels, and the route of the resource method each of its paths is, if any. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(ROUTES, labels);
    }

    /**
     * Requests are labelled with the templates of the resource that answered, class {@code @Path}
     * and method {@code @Path} joined, also through a sub-resource locator, never with their path;
     * a request no resource method matched has no route; one whose method threw keeps its route.
     */
    @Test
    void requestsAreLabelledWithTheirRouteTemplate() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(200, client.get("/owners/1", false).status);
            assertEquals(200, client.get("/owners/2", false).status);
            assertEquals(200, client.get("/owners/3/pets/4", false).status);
            assertEquals(200, client.get("/owners/5/pets/6", false).status);
            assertEquals(404, client.get("/owners", false).status);
            assertEquals(404, client.get("/owners/1/unknown", false).status);
            assertEquals(404, client.get("/no/such/path", false).status);
        }
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(500, client.get("/throw", false).status);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, 8);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), "/owners/{ownerId}/pets/{petId}")), 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), 3);
        Map<String, String> thrown = routed(Map.of("http_request_method", "GET", "http_response_status_code", "500",
                "error_type", "java.lang.IllegalStateException"), "/throw");
        assertDelta(before, after, DURATION + "_count", labelsExactly(thrown), 1);

        RouteLabels.assertOnlyTemplates(after, ROUTES);
        assertFalse(after.text.contains("/owners/1\"") || after.text.contains("/pets/4"), "no raw path is a label");
    }

    @Test
    void theJerseyInstrumentationApplied() throws Exception {
        assertEquals(1, scrape().value("tailwatch_agent_instrumentation_applied", Map.of("name", "jersey")));
    }
}
