package io.tailwatch.testservers.springmvc;

import io.tailwatch.testsupport.AbstractRoutedServerIT;
import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Spring Boot 3 (Spring MVC 6) on its embedded Tomcat 10.1, JDK 17, with Tomcat's bounded worker
 * pool. The Tomcat instrumentation measures the requests; the Spring MVC one gives them the route
 * template their handler is mapped to.
 */
class SpringMvcIT extends AbstractRoutedServerIT {
    /** The templates the service's handlers are mapped to: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/forward", "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}", "/vets/{vetId}");

    @Override
    protected Set<String> routes() {
        return ROUTES;
    }

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

    @Override
    protected boolean closesConnectionAfter(int status) {
        return AbstractTomcatServerIT.tomcatClosesConnectionAfter(status);
    }

    /** A forward keeps the route the client asked for. */
    @Override
    protected List<Routed> routedRequests() {
        return List.of(new Routed("/owners/1", "/owners/{ownerId}"),
                new Routed("/owners/2", "/owners/{ownerId}"),
                new Routed("/owners/3/pets/4", "/owners/{ownerId}/pets/{petId}"),
                new Routed("/vets/7", "/vets/{vetId}"),
                new Routed("/forward", "/forward"));
    }

    /** Spring Boot renders a 404 by an error dispatch to its {@code /error} controller: still no route. */
    @Override
    protected List<String> unroutedPaths() {
        return List.of("/owners", "/owners/1/unknown");
    }

    /** Spring Boot's default: parsed path patterns ({@link SpringMvcAntPathMatcherIT} has the other mode). */
    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        service.awaitStdout("PATH MATCHING PathPatternParser");
    }

    @Override
    protected List<String> routingInstrumentations() {
        return List.of("spring-webmvc");
    }
}
