package io.tailwatch.testservers.jetty12;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.AbstractHttpServerIT.DURATION;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks of the Jetty services beyond the abstract server test's, run by each Jetty IT. */
final class Jetty12Checks {
    /** The IT's scrape of its shared service. */
    interface Scraper {
        MetricsScrape scrape() throws IOException, InterruptedException;
    }

    private Jetty12Checks() {
    }

    /** A client that resets its connection while the handler sleeps: the request still counts, once. */
    static void aRequestCutShortByTheClientCountsOnce(int port, Scraper metrics) throws Exception {
        MetricsScrape before = metrics.scrape();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /sleep?ms=300 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(50);
            socket.setSoLinger(true, 0);
        }
        MetricsScrape after = awaitDelta(metrics, before, DURATION + "_count", l -> true, 1);
        Thread.sleep(500);
        MetricsScrape later = metrics.scrape();
        AbstractHttpServerIT.assertDelta(after, later, DURATION + "_count", l -> true, 0);
        assertEquals(0, later.sum("http_server_active_requests"), "no request is left active");
    }

    /** The page Jetty writes for a path no handler takes is not the application's response body. */
    static void theNotFoundPageIsNotAResponseBody(int port, Scraper metrics) throws Exception {
        MetricsScrape before = metrics.scrape();
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(404, client.get("/no/such/path", false).status);
        }
        Map<String, String> notFound = AbstractHttpServerIT.get(404);
        MetricsScrape after = awaitDelta(metrics, before, DURATION + "_count", labelsExactly(notFound), 1);
        AbstractHttpServerIT.assertDelta(before, after, "http_server_response_body_size_bytes_count", labelsExactly(notFound), 0);
    }

    private static MetricsScrape awaitDelta(Scraper metrics, MetricsScrape before, String name,
                                            Predicate<Map<String, String>> filter, double expected) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            MetricsScrape now = metrics.scrape();
            double delta = now.sum(name, filter) - before.sum(name, filter);
            if (delta == expected) {
                return now;
            }
            if (delta > expected || System.nanoTime() > deadline) {
                fail(name + " increased by " + delta + ", expected " + expected + "\n" + now.text);
            }
            Thread.sleep(50);
        }
    }
}
