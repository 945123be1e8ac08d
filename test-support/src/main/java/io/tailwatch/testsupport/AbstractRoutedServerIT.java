package io.tailwatch.testsupport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static io.tailwatch.testsupport.RouteLabels.routed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The abstract server test for a service on a routing framework (Spring MVC, Spring WebFlux,
 * Vert.x Web, JAX-RS): everything {@link AbstractHttpServerIT} checks, with {@code http_route} set
 * to the template of the route that answered, plus the routes themselves. A request is labelled with
 * its route's template, never with its path, also when pipelined; a request no route matched has no
 * route; a handler that threw keeps its route and has its exception as error type.
 */
public abstract class AbstractRoutedServerIT extends AbstractHttpServerIT {
    /** A GET of {@code path} answered 200, labelled with {@code route} (null: with none). */
    public record Routed(String path, String route) {
    }

    /** The templates the service defines: the only values {@code http_route} may take. */
    protected abstract Set<String> routes();

    /** Requests sent one after the other on one keep-alive connection, each answered 200. */
    protected abstract List<Routed> routedRequests();

    /** Requests sent pipelined on one connection, each answered 200; none by default. */
    protected List<Routed> pipelinedRequests() {
        return List.of();
    }

    /** Paths no route matches: each answered 404, without a route. */
    protected abstract List<String> unroutedPaths();

    /** The instrumentations that name the routes; each must have applied. */
    protected abstract List<String> routingInstrumentations();

    /** The abstract test's labels, and the route each of its paths matched, if any. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(routes(), labels);
    }

    @Test
    public void requestsAreLabelledWithTheirRouteTemplate() throws Exception {
        List<Routed> answered = new ArrayList<>(routedRequests());
        answered.addAll(pipelinedRequests());
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            for (Routed r : routedRequests()) {
                assertEquals(200, client.get(r.path(), false).status, r.path());
            }
            for (String path : unroutedPaths()) {
                assertEquals(404, client.get(path, false).status, path);
            }
            if (!pipelinedRequests().isEmpty()) {
                List<RawHttpClient.Response> responses = client.pipeline(pipelinedRequests().stream().map(Routed::path).toList());
                for (RawHttpClient.Response r : responses) {
                    assertEquals(200, r.status);
                }
            }
        }
        // On its own connection: some servers end the connection after a 500.
        try (RawHttpClient client = new RawHttpClient(port())) {
            assertEquals(statusWhenHandlerThrows(), client.get("/throw", false).status);
        }
        int sent = answered.size() + unroutedPaths().size() + 1;
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, sent);

        Map<String, Integer> perRoute = new LinkedHashMap<>();
        int unrouted200 = 0;
        for (Routed r : answered) {
            if (r.route() == null) {
                unrouted200++;
            } else {
                perRoute.merge(r.route(), 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> e : perRoute.entrySet()) {
            assertDelta(before, after, DURATION + "_count", labelsExactly(routed(get(200), e.getKey())), e.getValue());
        }
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(200)), unrouted200);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(404)), unroutedPaths().size());
        Map<String, String> thrown = routed(Map.of("http_request_method", "GET",
                "http_response_status_code", Integer.toString(statusWhenHandlerThrows()), "error_type", thrownType()), "/throw");
        assertDelta(before, after, DURATION + "_count", labelsExactly(thrown), 1);

        RouteLabels.assertOnlyTemplates(after, routes());
        for (Routed r : answered) {
            if (!r.path().equals(r.route())) {
                assertFalse(after.text.contains("http_route=\"" + r.path() + "\""), "the raw path " + r.path() + " is no label");
            }
        }
    }

    @Test
    public void theRoutingInstrumentationsApplied() throws Exception {
        MetricsScrape scrape = scrape();
        for (String name : routingInstrumentations()) {
            assertEquals(1, scrape.value("tailwatch_agent_instrumentation_applied", Map.of("name", name)), name);
        }
    }
}
