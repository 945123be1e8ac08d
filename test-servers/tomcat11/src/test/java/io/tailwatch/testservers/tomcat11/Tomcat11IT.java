package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Embedded Tomcat 11 (jakarta.servlet) on JDK 17, with its own bounded worker pool. */
class Tomcat11IT extends AbstractTomcatServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Tomcat11Service.class.getName(), workers, agentArgs);
    }
}
