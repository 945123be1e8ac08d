package io.tailwatch.testservers.jersey;

import io.tailwatch.testsupport.AbstractAttachedServerIT;
import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RouteLabels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Jersey 3.1 on embedded Tomcat 11, JDK 17, started without the agent and attached to once it has
 * served: Tomcat measures every request from a note of its coyote requests, and Jersey, whose
 * templates can no longer be given a field, still names each one's route.
 */
class JerseyAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), JerseyService.class.getName(), "0", "4");
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

    /** Every path the test sends is a resource method's: each request must carry one of the service's templates. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.someRouteOf(JerseyIT.ROUTES, labels);
    }
}
