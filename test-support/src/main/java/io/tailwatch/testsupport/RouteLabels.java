package io.tailwatch.testsupport;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tests of a routing framework (Spring MVC, Vert.x Web, JAX-RS) check of {@code http_route}:
 * requests carry the templates their service defines, never a raw path, and a request no route
 * matched carries none.
 */
public final class RouteLabels {
    private RouteLabels() {
    }

    /**
     * For {@link AbstractHttpServerIT#series}: the series with exactly {@code labels}, with or
     * without an {@code http_route} among {@code routes}, the templates the service defines.
     */
    public static Predicate<Map<String, String>> anyRouteOf(Set<String> routes, Map<String, String> labels) {
        Predicate<Map<String, String>> exactly = labelsExactly(labels);
        return l -> {
            Map<String, String> rest = new TreeMap<>(l);
            String route = rest.remove("http_route");
            return (route == null || routes.contains(route)) && exactly.test(rest);
        };
    }

    /**
     * As {@link #anyRouteOf}, but the {@code http_route} is required: for a test whose every
     * request is one a route of the service answers.
     */
    public static Predicate<Map<String, String>> someRouteOf(Set<String> routes, Map<String, String> labels) {
        Predicate<Map<String, String>> exactly = labelsExactly(labels);
        return l -> {
            Map<String, String> rest = new TreeMap<>(l);
            String route = rest.remove("http_route");
            return route != null && routes.contains(route) && exactly.test(rest);
        };
    }

    /** {@code labels} with {@code http_route} set to {@code route}. */
    public static Map<String, String> routed(Map<String, String> labels, String route) {
        Map<String, String> withRoute = new HashMap<>(labels);
        withRoute.put("http_route", route);
        return withRoute;
    }

    /** Every {@code http_route} of the request histogram is one of {@code routes}, and no 404 has one. */
    public static void assertOnlyTemplates(MetricsScrape scrape, Set<String> routes) {
        Set<String> seen = new TreeSet<>();
        scrape.sum(AbstractHttpServerIT.DURATION + "_count", l -> l.containsKey("http_route") && seen.add(l.get("http_route")));
        assertTrue(routes.containsAll(seen), "only templates: " + seen);
        assertEquals(0, scrape.sum(AbstractHttpServerIT.DURATION + "_count",
                l -> "404".equals(l.get("http_response_status_code")) && l.containsKey("http_route")), "a 404 has no route");
    }
}
