package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tailwatch.testsupport.AbstractHttpServerIT.assertDelta;
import static io.tailwatch.testsupport.AbstractHttpServerIT.awaitDelta;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler on the event loop itself (WORKERS 0), as in Vert.x and Reactor Netty: the handler
 * starts as the decoder passes the request on, so each request has one queue sample near zero and
 * one allocation sample, measured around that pass. The abstract server test does not fit this
 * service: its latency test needs a worker pool that {@code /sleep} can saturate.
 */
class Netty42OnEventLoopIT {
    private static final String DURATION = "http_server_request_duration_seconds";

    @Test
    void requestsHandledOnTheEventLoopAreCountedOnceWithTheirQueueAndAllocation() throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of(),
                "host=127.0.0.1,port=0", List.of(), Netty42Service.class.getName(), "0", "0", "nio")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            // The queue runs from the event loop's wake-up to the handler, Netty's read path
            // included: 14 ms for the first request of a fresh JVM. Served, and its connection
            // closed and counted, before the measure.
            MetricsScrape start = MetricsScrape.of(metrics);
            try (RawHttpClient warmUp = new RawHttpClient(port)) {
                for (int i = 0; i < 100; i++) {
                    assertEquals(200, warmUp.get("/hello", false).status);
                }
            }
            MetricsScrape before = awaitDelta(metrics, start, "tailwatch_connection_requests_count", l -> true, 1);

            List<RawHttpClient> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                clients.add(new RawHttpClient(port));
            }
            for (int i = 0; i < 20; i++) {
                for (RawHttpClient client : clients) {
                    assertEquals(200, client.get("/hello", false).status);
                }
            }
            try (RawHttpClient client = new RawHttpClient(port)) {
                for (int round = 0; round < 3; round++) {
                    List<RawHttpClient.Response> responses = client.pipeline(List.of("/hello", "/error", "/hello", "/error"));
                    for (int i = 0; i < responses.size(); i++) {
                        assertEquals(i % 2 == 0 ? 200 : 500, responses.get(i).status);
                    }
                }
                for (int i = 0; i < 5; i++) {
                    assertEquals(200, client.get("/async", false).status);
                    assertEquals(500, client.get("/throw", false).status);
                }
            }
            int hello = 40 + 6 + 5;
            int all = hello + 6 + 5;
            MetricsScrape after = awaitDelta(metrics, before, DURATION + "_count", labelsExactly(get(200)), hello);
            assertDelta(before, after, DURATION + "_count", labelsExactly(
                    Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500")), 6);
            assertDelta(before, after, DURATION + "_count", labelsExactly(Map.of("http_request_method", "GET",
                    "http_response_status_code", "500", "error_type", "java.lang.IllegalStateException")), 5);
            assertDelta(before, after, "tailwatch_http_server_request_queue_seconds_count", l -> true, all);
            awaitDelta(metrics, before, "tailwatch_http_server_request_allocated_bytes_count", l -> true, all);
            double queue = after.sum("tailwatch_http_server_request_queue_seconds_sum") - before.sum("tailwatch_http_server_request_queue_seconds_sum");
            assertTrue(queue / all < 0.001, "a request passed on at once waits for nothing: mean queue " + queue / all + " s");
            assertEquals(0, after.sum("http_server_active_requests"));

            for (RawHttpClient client : clients) {
                client.close();
            }
            MetricsScrape closed = awaitDelta(metrics, before, "tailwatch_connection_requests_count", l -> true, 3);
            assertDelta(before, closed, "tailwatch_connection_requests_sum", l -> true, all);
            assertDelta(before, closed, "tailwatch_connections_accepted_total", l -> true, 3);
            assertEquals(1, service.stderr().size(), service.stderr().toString());
        }
    }
}
