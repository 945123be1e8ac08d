package io.tailwatch.testservers.undertow;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Undertow's core handlers, on JDK 17. */
class UndertowCoreIT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), UndertowCoreService.class.getName(), workers, agentArgs);
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
