package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.AbstractServletServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Embedded Tomcat 11 (jakarta.servlet) on JDK 17, with its own bounded worker pool. */
class Tomcat11IT extends AbstractServletServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Tomcat11Service.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "tomcat";
    }

    /** The container turns the exception into its 500 error page. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Tomcat ends a connection after the statuses httpd ends it after ({@code Http11Processor.statusDropsConnection}). */
    @Override
    protected boolean closesConnectionAfter(int status) {
        return status == 400 || status == 408 || status == 411 || status == 413 || status == 414
                || status == 500 || status == 501 || status == 503;
    }
}
