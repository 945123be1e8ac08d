package io.tailwatch.testservers.springmvc;

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
 * Spring Boot 3 (Spring MVC 6) on its embedded Tomcat 10.1, JDK 17, started without the agent and
 * attached to once it has served: Tomcat measures every request from a note of its coyote
 * requests, and Spring MVC, whose mappings were created before the attach, still names each one's route.
 */
class SpringMvcAttachedIT extends AbstractAttachedServerIT {
    @Override
    protected ForkedService startWithoutAgent(Path jdk) throws IOException {
        return ForkedService.withoutAgent(jdk, List.of(), SpringMvcService.class.getName(), "0", "4");
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

    /** Every path the test sends is a handler's: each request must carry one of the service's templates. */
    @Override
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return RouteLabels.someRouteOf(SpringMvcIT.ROUTES, labels);
    }
}
