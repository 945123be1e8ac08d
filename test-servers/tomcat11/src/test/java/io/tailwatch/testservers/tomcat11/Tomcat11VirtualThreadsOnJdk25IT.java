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
     * Sixteen connections do not wait for two workers: each request gets a virtual thread at once.
     * Two workers would make the client's mean about 40 ms, 35 of them in the queue; here it stays
     * near the handler's 5 ms, and what queue there is (from the poller's hand-off to the virtual
     * thread's start) is the wait for a carrier thread when the cores are busy. The agent's mean is
     * at least the handler's and at most the client's. What the client sees beyond it is the time
     * before the poller sees the bytes and the client's own sixteen threads being scheduled, on two
     * cores shared with the service: from half a millisecond on an idle machine to nearly four on a
     * busy one, more than 15 % of so short a request, so the bound is 15 % or 4 ms.
     */
    @Override
    protected void assertUnderLoad(double clientMean, double agentMean, double queueMean, String what) {
        assertTrue(clientMean < 0.025, "requests were not serialised on a pool; " + what);
        assertTrue(queueMean < 0.01, "nothing waits for one of two workers; " + what);
        assertTrue(agentMean >= 0.005 && agentMean <= clientMean, "the handler's 5 ms, at most what the client felt; " + what);
        assertTrue(clientMean - agentMean <= Math.max(0.15 * clientMean, 0.004), what);
    }
}
