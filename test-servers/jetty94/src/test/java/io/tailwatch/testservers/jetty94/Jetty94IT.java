package io.tailwatch.testservers.jetty94;

import io.tailwatch.testsupport.AbstractServletServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A servlet on Jetty 9.4 (javax.servlet) on JDK 17, with its own bounded {@code QueuedThreadPool}. */
class Jetty94IT extends AbstractServletServerIT {
    @Override
    protected ForkedService startService(int workers, String agentArgs) throws IOException {
        return ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), Jetty94Service.class.getName(), workers, agentArgs);
    }

    @Override
    protected String instrumentationName() {
        return "jetty9";
    }

    /** Jetty answers a servlet's exception with its error page, 500. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    /** Jetty 12's instrumentation, which knows classes of the same names, leaves Jetty 9.4's alone. */
    @Test
    void onlyTheJetty94InstrumentationApplies() throws Exception {
        assertEquals(0, scrape().value("tailwatch_agent_instrumentation_applied", Map.of("name", "jetty")));
    }

    /** A client that resets its connection while the servlet sleeps: the request still counts, once. */
    @Test
    void aRequestCutShortByTheClientCountsOnce() throws Exception {
        MetricsScrape before = scrape();
        try (Socket socket = new Socket("127.0.0.1", port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /sleep?ms=300 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(50);
            socket.setSoLinger(true, 0);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", l -> true, 1);
        Thread.sleep(500);
        MetricsScrape later = scrape();
        assertDelta(after, later, DURATION + "_count", l -> true, 0);
        assertEquals(0, later.sum("http_server_active_requests"), "no request is left active");
    }
}
