package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractServletServerIT;
import io.tailwatch.testsupport.ForkedService;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/** Jetty 12's ee10 servlet environment (a servlet in a {@code ServletContextHandler}), on JDK 17. */
class Jetty12Ee10IT extends AbstractServletServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"),
                "io.tailwatch.testservers.jetty12.Jetty12Ee10Service", workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "jetty";
    }

    /** The servlet layer answers a servlet's exception with its error page, 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Test
    void aRequestCutShortByTheClientCountsOnce() throws Exception {
        Jetty12Checks.aRequestCutShortByTheClientCountsOnce(port(), this::scrape);
    }
}
