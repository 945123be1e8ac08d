package io.tailwatch.testservers.tomcat9;

import io.tailwatch.testsupport.AbstractTomcatServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Embedded Tomcat 9 (javax.servlet) on JDK 17, with its own bounded worker pool. */
class Tomcat9IT extends AbstractTomcatServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Tomcat9Service.class.getName(), workers, agentArgs);
    }
}
