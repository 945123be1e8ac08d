package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.AbstractHttpServerIT;

import java.io.IOException;

/** The JDK's own HTTP server, on JDK 17. */
class JdkHttpServerOnJdk17IT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), "io.tailwatch.testservices.JdkHttpService", workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "jdk-httpserver";
    }

    @Override
    protected int statusWhenHandlerThrows() {
        return -1;
    }

    /** The agent's own /metrics server must not initialise the JDK server's configuration before the application. */
    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        service.awaitStdout("SERVERCONFIG_LOADED_BEFORE_MAIN false");
    }
}
