package io.tailwatch.testservers.netty41;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;

/** Netty 4.1 on the NIO transport, JDK 17. */
class Netty41IT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Netty41Service.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "netty";
    }

    /** The service answers a handler's exception from exceptionCaught, as Netty applications do. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** An event loop is no worker pool; the handler's executor group is the application's own. */
    @Override
    protected boolean hasWorkerPool() {
        return false;
    }
}
