package io.tailwatch.testservers.jersey;

import io.tailwatch.testsupport.AbstractRoutedServerIT;
import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Jersey 3.1 resources in Jersey's servlet container on embedded Tomcat 11, JDK 17, with Tomcat's
 * bounded worker pool. The Tomcat instrumentation measures the requests; the Jersey one gives them
 * the {@code @Path} templates of the resource method that answered.
 */
class JerseyIT extends AbstractRoutedServerIT {
    /** The templates of the service's resource methods: the only values {@code http_route} may take. */
    static final Set<String> ROUTES = Set.of("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
            "/owners/{ownerId}", "/owners/{ownerId}/pets/{petId}");

    @Override
    protected Set<String> routes() {
        return ROUTES;
    }

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

    @Override
    protected boolean closesConnectionAfter(int status) {
        return AbstractTomcatServerIT.tomcatClosesConnectionAfter(status);
    }

    /** Class and method {@code @Path} joined, also through a sub-resource locator ({@code /pets/{petId}}). */
    @Override
    protected List<Routed> routedRequests() {
        return List.of(new Routed("/owners/1", "/owners/{ownerId}"),
                new Routed("/owners/2", "/owners/{ownerId}"),
                new Routed("/owners/3/pets/4", "/owners/{ownerId}/pets/{petId}"),
                new Routed("/owners/5/pets/6", "/owners/{ownerId}/pets/{petId}"));
    }

    @Override
    protected List<String> unroutedPaths() {
        return List.of("/owners", "/owners/1/unknown", "/no/such/path");
    }

    @Override
    protected List<String> routingInstrumentations() {
        return List.of("jersey");
    }
}
