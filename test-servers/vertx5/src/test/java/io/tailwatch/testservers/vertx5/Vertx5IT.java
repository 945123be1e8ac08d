package io.tailwatch.testservers.vertx5;

import io.tailwatch.testsupport.AbstractRoutedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Vert.x 5 with Vert.x Web, JDK 17, on the Netty Vert.x brings. The Netty instrumentation measures
 * the requests; the Vert.x one names their routes, records the exception of a handler that threw,
 * and counts the wait for Vert.x's worker pool ({@code /sleep} runs there) as queue time.
 */
class Vertx5IT extends AbstractRoutedServerIT {
    /** The paths of the service's routes: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/:ownerId", "/owners/:ownerId/pets/:petId");

    @Override
    protected Set<String> routes() {
        return ROUTES;
    }

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

    /** {@code /files/...} is a regular-expression route, which has no template: no route. */
    @Override
    protected List<Routed> routedRequests() {
        return List.of(new Routed("/owners/1", "/owners/:ownerId"),
                new Routed("/owners/2", "/owners/:ownerId"),
                new Routed("/owners/3/pets/4", "/owners/:ownerId/pets/:petId"),
                new Routed("/files/notes.txt", null));
    }

    /** Vert.x routes a pipelined request only once the previous response is written. */
    @Override
    protected List<Routed> pipelinedRequests() {
        return List.of(new Routed("/async", "/async"),
                new Routed("/owners/5", "/owners/:ownerId"),
                new Routed("/owners/6/pets/7", "/owners/:ownerId/pets/:petId"),
                new Routed("/owners/8", "/owners/:ownerId"));
    }

    @Override
    protected List<String> unroutedPaths() {
        return List.of("/owners", "/owners/1/unknown");
    }

    @Override
    protected List<String> routingInstrumentations() {
        return List.of("vertx");
    }
}
