package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;

/**
 * Jetty 12's core API with {@code QueuedThreadPool.setVirtualThreadsExecutor}, on JDK 25: handlers
 * run on virtual threads, one per task and unbounded, and the pool runs only Jetty's own tasks.
 */
class Jetty12VirtualThreadsOnJdk25IT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk("tailwatch.test.jdk25"), List.of(), agentArgs, List.of(),
                "io.tailwatch.testservers.jetty12.Jetty12CoreService", "0", Integer.toString(workers), "virtual");
    }

    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** No pool bounds the handlers, so none is reported: the platform pool is not theirs. */
    @Override
    protected boolean hasWorkerPool() {
        return false;
    }

    /** The JVM does not report a virtual thread's allocation. */
    @Override
    protected boolean allocationIsMeasured() {
        return false;
    }

    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        Jetty12CoreIT.awaitHandlerThread(port(), service, true);
    }
}
