package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractServerFaultsIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JDK's HTTP server under faults, on JDK 17. A handler's exception makes the server close the
 * connection; the agent ends the request at that close, with the status it had sent and the
 * exception as its {@code error_type}.
 */
class JdkHttpServerFaultsIT extends AbstractServerFaultsIT {
    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), "io.tailwatch.testservices.JdkHttpService", 8, agentArgs);
    }

    /** Closing the body stream 900 bytes short throws "insufficient bytes written", which the handler lets through. */
    @Override
    protected Predicate<Map<String, String>> abortedResponseSeries() {
        return get(200, "java.io.IOException");
    }

    @Override
    protected Predicate<Map<String, String>> clientResetResponseSeries() {
        return get(200, "java.io.IOException");
    }
}
