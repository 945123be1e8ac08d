package io.tailwatch.testservers.jetty94;

import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** The same servlet on Jetty 9.4, on JDK 25: Jetty 9.4 is still run on current JDKs. */
class Jetty94OnJdk25IT extends Jetty94IT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk25"), Jetty94Service.class.getName(), workers, agentArgs);
    }
}
