package io.tailwatch.testsupport;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every embedded Tomcat (9, 10.1, 11, whichever servlet API) must show beyond a servlet
 * container's tests: Tomcat closes connections after some error statuses, and a pipelined request
 * or one the client abandons is still counted once.
 */
public abstract class AbstractTomcatServerIT extends AbstractServletServerIT {
    @Override
    protected String instrumentationName() {
        return "tomcat";
    }

    /** The container turns the exception into its 500 error page. */
    @Override
    protected int statusWhenHandlerThrows() {
        return 500;
    }

    @Override
    protected boolean closesConnectionAfter(int status) {
        return tomcatClosesConnectionAfter(status);
    }

    /**
     * Tomcat ends a connection after the statuses httpd ends it after
     * ({@code Http11Processor.statusDropsConnection}); for the tests of services that run on Tomcat
     * without being Tomcat's own test (Spring MVC, Jersey).
     */
    public static boolean tomcatClosesConnectionAfter(int status) {
        return status == 400 || status == 408 || status == 411 || status == 413 || status == 414
                || status == 500 || status == 501 || status == 503;
    }

    /** A pipelined 500 ends the connection: both requests count, on one connection of two requests. */
    @Test
    public void aPipelinedErrorThatClosesTheConnectionCountsWithTheRequestsBeforeIt() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port())) {
            List<RawHttpClient.Response> responses = client.pipeline(List.of("/hello", "/error"));
            assertEquals(200, responses.get(0).status);
            assertEquals(500, responses.get(1).status);
            assertTrue(responses.get(1).closed);
        }
        MetricsScrape after = awaitDelta(before, "tailwatch_connection_requests_count", l -> true, 1);
        assertDelta(before, after, "tailwatch_connection_requests_sum", l -> true, 2);
        assertDelta(before, after, DURATION + "_count", labelsExactly(get(200)), 1);
        assertDelta(before, after, DURATION + "_count",
                labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500")), 1);
    }

    /** A client that leaves in the middle of its request body: one request, ended, on a closed connection. */
    @Test
    public void aRequestTheClientAbandonsCountsOnce() throws Exception {
        MetricsScrape before = scrape();
        try (Socket socket = new Socket("127.0.0.1", port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(100);
        }
        MetricsScrape after = awaitDelta(before, "tailwatch_connection_duration_seconds_count", l -> true, 1);
        awaitDelta(before, DURATION + "_count", l -> true, 1);
        assertDelta(before, after, "tailwatch_connection_requests_sum", l -> true, 1);
        assertEquals(0, after.sum("http_server_active_requests"), "no request is left active");
    }
}
