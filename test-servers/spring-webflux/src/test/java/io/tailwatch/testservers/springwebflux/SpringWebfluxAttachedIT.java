package io.tailwatch.testservers.springwebflux;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RouteLabels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent attached to a Spring WebFlux application on Reactor Netty that has served without it:
 * Netty's and Reactor Netty's classes are loaded, so the Netty instrumentation measures through each
 * channel's attribute, Reactor publishes the request found there to Spring WebFlux, which names
 * routes and records the exception its error handler answers.
 */
class SpringWebfluxAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), SpringWebfluxService.class.getName(), "0", "2");
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** Spring Boot's error handler answers the exception: 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.anyRouteOf(SpringWebfluxIT.ROUTES, labels);
    }
}
