package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Jetty 12's core API (a {@code Handler.Abstract}) on a pool of platform threads, on JDK 17. */
class Jetty12CoreIT extends AbstractHttpServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"),
                "io.tailwatch.testservers.jetty12.Jetty12CoreService", workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "jetty";
    }

    /** Jetty fails the request's callback with what the handler threw and answers 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Handlers run on the pool's platform threads. */
    @Override
    protected void assertStartedUnchanged(ForkedService service) {
        awaitHandlerThread(port(), service, false);
    }

    static void awaitHandlerThread(int port, ForkedService service, boolean virtual) {
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(200, client.get("/hello", false).status);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        service.awaitStdout("FIRST_HANDLER_THREAD virtual=" + virtual);
    }

    /** Jetty 9.4's instrumentation, which knows classes of the same names, leaves Jetty 12's alone. */
    @Test
    void onlyTheJetty12InstrumentationApplies() throws Exception {
        assertEquals(0, scrape().value("tailwatch_agent_instrumentation_applied", Map.of("name", "jetty9")));
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
