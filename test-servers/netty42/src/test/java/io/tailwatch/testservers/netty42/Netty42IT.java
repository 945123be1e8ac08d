package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;

/** Netty 4.2 on the NIO transport, JDK 17. Subclasses change the transport or the JDK. */
class Netty42IT extends AbstractHttpServerIT {
    /** The JDK home property the service runs on. */
    protected String jdk() {
        return "tailwatch.test.jdk17";
    }

    /** The service's transport argument. */
    protected String transport() {
        return "nio";
    }

    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk(jdk()), List.of(), agentArgs, List.of(), Netty42Service.class.getName(),
                "0", Integer.toString(workers), transport());
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
