package io.tailwatch.testservers.springmvc;

import io.tailwatch.testsupport.ForkedService;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring Boot 3 on JDK 25 with {@code spring.threads.virtual.enabled}: Spring Boot gives Tomcat an
 * executor of virtual threads, so there is no bounded pool to read, and the JVM does not count a
 * virtual thread's allocation.
 */
class SpringMvcVirtualThreadsOnJdk25IT extends SpringMvcIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.start(ForkedService.jdk("tailwatch.test.jdk25"), List.of("-Dspring.threads.virtual.enabled=true"),
                agentArgs, List.of(), SpringMvcService.class.getName(), "0", Integer.toString(workers));
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
     * so the client's mean stays near the handler's 5 ms and what queue there is, is the wait for a
     * carrier thread. The agent's mean is at least the handler's and at most the client's; the rest
     * of what the client sees (the poller noticing the bytes, the client's own sixteen threads on
     * two cores shared with the service) is bounded as for Tomcat alone: 15 % or 4 ms.
     */
    @Override
    protected void assertUnderLoad(double clientMean, double agentMean, double queueMean, String what) {
        assertTrue(clientMean < 0.025, "requests were not serialised on a pool; " + what);
        assertTrue(queueMean < 0.01, "nothing waits for one of two workers; " + what);
        assertTrue(agentMean >= 0.005 && agentMean <= clientMean, "the handler's 5 ms, at most what the client felt; " + what);
        assertTrue(clientMean - agentMean <= Math.max(0.15 * clientMean, 0.004), what);
    }
}
