package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server the agent has no instrumentation for runs unchanged: its connections are still counted
 * at the accept path, no request metric is invented, and the agent says which instrumentations
 * found nothing to apply to.
 */
class UnknownServerIT {
    @Test
    void anUnknownServerRunsUnchangedAndOnlyItsAcceptsAreCounted() throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of(),
                "host=127.0.0.1,port=0", List.of(), "io.tailwatch.testservices.PlainSocketHttpService", "0")) {
            int port = service.servicePort();
            MetricsScrape before = MetricsScrape.of(service.metricsPort());
            for (int c = 0; c < 2; c++) {
                try (RawHttpClient client = new RawHttpClient(port)) {
                    for (int i = 0; i < 10; i++) {
                        RawHttpClient.Response r = client.get("/hello", false);
                        assertEquals(200, r.status);
                        assertEquals("hello, world\n", new String(r.body, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
            MetricsScrape after = MetricsScrape.of(service.metricsPort());
            assertEquals(2, after.sum("tailwatch_connections_accepted_total") - before.sum("tailwatch_connections_accepted_total"));
            assertFalse(after.text.contains("http_server_request_duration_seconds_count{"), "no request series for an unknown server");
            assertEquals(0, after.value("tailwatch_agent_instrumentation_applied", Map.of("name", "jdk-httpserver")));
            assertEquals(1, after.value("tailwatch_agent_instrumentation_applied", Map.of("name", "tcp-accept")));
            List<String> stderr = service.stderr();
            assertEquals(1, stderr.size(), stderr.toString());
            assertTrue(stderr.get(0).contains("instrumenting tcp-accept, jdk-httpserver"), stderr.get(0));
        }
    }
}
