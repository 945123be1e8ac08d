package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractServletServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Undertow servlet (a servlet deployed on Undertow's core), on JDK 17. */
class UndertowServletIT extends AbstractServletServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), UndertowServletService.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "undertow";
    }

    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }
}
