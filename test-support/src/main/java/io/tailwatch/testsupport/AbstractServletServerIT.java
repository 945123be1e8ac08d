package io.tailwatch.testsupport;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a servlet container must also show: a request that passes through several dispatches (a
 * forward, an include, the container's error page after {@code sendError}, an async dispatch) is
 * still one request, with the status the client received. The service answers, besides the paths
 * of {@link AbstractHttpServerIT}: {@code /forward} (forwards to {@code /hello}), {@code /include}
 * (includes {@code /hello}), {@code /send-error} ({@code sendError(503)}, rendered by the
 * container's error page) and {@code /async-dispatch} ({@code startAsync}, then 5 ms later, from
 * another thread, {@code AsyncContext.dispatch("/hello")}).
 */
public abstract class AbstractServletServerIT extends AbstractHttpServerIT {
    @Test
    public void everyDispatchOfARequestCountsOnce() throws Exception {
        MetricsScrape before = scrape();
        int n = 5;
        RawHttpClient client = new RawHttpClient(port());
        try {
            for (int i = 0; i < n; i++) {
                RawHttpClient.Response forward = client.get("/forward", false);
                assertEquals(200, forward.status);
                assertEquals("hello, world\n", new String(forward.body, StandardCharsets.UTF_8));
                RawHttpClient.Response include = client.get("/include", false);
                assertEquals(200, include.status);
                assertTrue(new String(include.body, StandardCharsets.UTF_8).contains("hello, world\n"));
                RawHttpClient.Response sendError = client.get("/send-error", false);
                assertEquals(503, sendError.status);
                client = continueAfter(client, sendError);
                assertEquals(200, client.get("/async-dispatch", false).status);
            }
        } finally {
            client.close();
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(get(200)), 3 * n);
        Map<String, String> error503 = Map.of("http_request_method", "GET", "http_response_status_code", "503", "error_type", "503");
        assertDelta(before, after, DURATION + "_count", series(error503), n);
        assertDelta(before, after, DURATION + "_count", l -> true, 4 * n);
        double seconds = after.sum(DURATION + "_sum", series(get(200))) - before.sum(DURATION + "_sum", series(get(200)));
        assertTrue(seconds >= n * 0.005, "the async dispatches, 5 ms each, are measured to their end: " + seconds + " s in all");
        assertEquals(0, after.sum("http_server_active_requests"), "no request is left active");
    }
}
