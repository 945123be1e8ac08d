package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/**
 * Jetty 12's ee11 servlet environment (Servlet 6.1), on JDK 17: the same servlet and checks as ee10,
 * whose servlet layer ee11 forked, so that a thrown exception is seen in its own
 * {@code ServletChannel} too.
 */
class Jetty12Ee11IT extends Jetty12Ee10IT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"),
                "io.tailwatch.testservers.jetty12.Jetty12Ee11Service", workers, agentArgs);
    }
}
