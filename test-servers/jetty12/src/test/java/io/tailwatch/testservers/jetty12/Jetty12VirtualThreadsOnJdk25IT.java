package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
    protected String instrumentationName() {
        return "jetty";
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

    /**
     * Each handler runs on a virtual thread of its own: sixteen connections do not queue for two
     * workers, and the agent's mean is the handler's 5 ms plus what Jetty adds, at most the client's.
     */
    @Override
    protected void assertUnderLoad(double clientMean, double agentMean, double queueMean, String what) {
        assertTrue(clientMean < 0.025, "requests were not serialised on a pool; " + what);
        assertTrue(queueMean < 0.01, "nothing waits for one of two workers; " + what);
        assertTrue(agentMean >= 0.005 && agentMean <= clientMean, "the handler's 5 ms, at most what the client felt; " + what);
        assertTrue(clientMean - agentMean <= Math.max(0.15 * clientMean, 0.004), what);
    }

    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        Jetty12CoreIT.awaitHandlerThread(port(), service, true);
    }

    @Test
    void aRequestCutShortByTheClientCountsOnce() throws Exception {
        Jetty12Checks.aRequestCutShortByTheClientCountsOnce(port(), this::scrape);
    }

    @Test
    void theNotFoundPageIsNotAResponseBody() throws Exception {
        Jetty12Checks.theNotFoundPageIsNotAResponseBody(port(), this::scrape);
    }
}
