package io.tailwatch.testservers.springwebflux;

import io.tailwatch.testsupport.AbstractRoutedServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Spring Boot 3 (Spring WebFlux 6) on Reactor Netty, JDK 17, on the Netty Reactor Netty brings. The
 * Netty instrumentation measures the requests; the Spring WebFlux one names their routes and
 * records the exception Spring Boot's error handler answers; the Reactor one counts the wait for
 * the bounded elastic scheduler that {@code /sleep} blocks on as queue time.
 */
class SpringWebfluxIT extends AbstractRoutedServerIT {
    /** The patterns of the service's mappings: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}", "/vets/{vetId}");

    @Override
    protected Set<String> routes() {
        return ROUTES;
    }

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

    @Override
    protected List<Routed> routedRequests() {
        return List.of(new Routed("/owners/1", "/owners/{ownerId}"),
                new Routed("/owners/2", "/owners/{ownerId}"),
                new Routed("/owners/3/pets/4", "/owners/{ownerId}/pets/{petId}"),
                new Routed("/vets/7", "/vets/{vetId}"));
    }

    /** Reactor Netty hands a pipelined request to the application only once the previous response is written. */
    @Override
    protected List<Routed> pipelinedRequests() {
        return List.of(new Routed("/async", "/async"),
                new Routed("/owners/5", "/owners/{ownerId}"),
                new Routed("/owners/6/pets/7", "/owners/{ownerId}/pets/{petId}"),
                new Routed("/vets/8", "/vets/{vetId}"));
    }

    @Override
    protected List<String> unroutedPaths() {
        return List.of("/owners", "/owners/1/unknown");
    }

    @Override
    protected List<String> routingInstrumentations() {
        return List.of("spring-webflux", "reactor");
    }
}
