package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.AbstractHttpServerIT;

import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JDK server without {@code setExecutor}: its default executor runs every exchange on the
 * dispatcher thread itself, so there is no queue and no pool to read, and requests still count.
 */
class JdkHttpServerWithoutExecutorIT {
    @Test
    void requestsOnTheDispatcherThreadAreCountedWithoutQueueOrPool() throws Exception {
        try (ForkedService service = ForkedService.service(ForkedService.jdk("tailwatch.test.jdk17"), "io.tailwatch.testservices.JdkHttpService", 0,
                "host=127.0.0.1,port=0")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            MetricsScrape before = MetricsScrape.of(metrics);
            try (RawHttpClient client = new RawHttpClient(port)) {
                for (int i = 0; i < 50; i++) {
                    assertEquals(200, client.get("/hello", false).status);
                }
                assertEquals(500, client.get("/error", false).status);
            }
            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, before, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(AbstractHttpServerIT.get(200)), 50);
            AbstractHttpServerIT.assertDelta(before, after, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500")), 1);
            double queueSeconds = after.sum("tailwatch_http_server_request_queue_seconds_sum")
                    - before.sum("tailwatch_http_server_request_queue_seconds_sum");
            assertTrue(queueSeconds / 51 < 0.001, "mean queue time on the dispatcher " + queueSeconds / 51 + " s");
            assertEquals(0, after.sum("tailwatch_http_server_pool_max_threads"), "no ThreadPoolExecutor, no pool series");
            assertEquals(1, service.stderr().size(), service.stderr().toString());
        }
    }
}
