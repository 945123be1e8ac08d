package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embedded Tomcat 11 on JDK 25 with {@code useVirtualThreads}: every request runs on a virtual thread
 * of its own, so there is no bounded pool to read, and the JVM does not count a virtual thread's
 * allocation.
 */
class Tomcat11VirtualThreadsOnJdk25IT extends Tomcat11IT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk("tailwatch.test.jdk25"), List.of("-Dtomcat.virtualThreads=true"), agentArgs,
                List.of(), Tomcat11Service.class.getName(), "0", Integer.toString(workers));
    }

    @Override
    protected boolean hasWorkerPool() {
        return false;
    }

    @Override
    protected boolean allocationIsMeasured() {
        return false;
    }

    /**
     * Sixteen connections do not wait for two workers: each request gets a virtual thread at once,
     * so the client's mean stays near the handler's 5 ms (two workers would make it about 40 ms), and
     * the queue (from the poller's hand-off to the virtual thread's start) is a small part of it.
     */
    @Override
    protected void assertQueueUnderLoad(double clientMean, double queueMean, String what) {
        assertTrue(clientMean < 0.02, "requests were not serialised on a pool; " + what);
        assertTrue(queueMean < 0.25 * clientMean, "nothing waits for a worker; " + what);
    }
}
