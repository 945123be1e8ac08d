package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.AbstractServerFaultsIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.Map;
import java.util.function.Predicate;

/** Embedded Tomcat 11 under faults, on JDK 17. */
class Tomcat11FaultsIT extends AbstractServerFaultsIT {
    @Override
    protected ForkedService startService(String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Tomcat11Service.class.getName(), 8, agentArgs);
    }

    /** The servlet throws after committing 100 bytes; Tomcat's ErrorReportValve closes the connection. */
    @Override
    protected Predicate<Map<String, String>> abortedResponseSeries() {
        return get(200, "java.io.IOException");
    }

    /**
     * The servlet's write throws Tomcat's ClientAbortException, which it lets through; Tomcat 11
     * takes it for the client's error (a BadRequestException, answered 400 were the response not
     * committed), which gives no {@code error_type}: the request counts as the 200 it was sending.
     */
    @Override
    protected Predicate<Map<String, String>> clientResetResponseSeries() {
        return get(200, null);
    }
}
