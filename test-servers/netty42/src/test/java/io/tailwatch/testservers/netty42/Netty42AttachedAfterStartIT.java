package io.tailwatch.testservers.netty42;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent attached to a Netty server that already runs: its classes cannot be given the fields
 * the instrumentation needs, so Netty stays unmeasured, the agent says so once and marks it, and the
 * application serves on unchanged.
 */
class Netty42AttachedAfterStartIT {
    @Test
    void aRunningNettyServerIsMarkedUnmeasuredAndServesOn() throws Exception {
        Path jdk = ForkedService.jdk("tailwatch.test.jdk17");
        try (ForkedService service = ForkedService.withoutAgent(jdk, List.of(), Netty42Service.class.getName(), "0", "2", "nio")) {
            int port = service.servicePort();
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);

                ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "host=127.0.0.1,port=0");
                assertEquals(0, attach.exit, attach.output);
                assertTrue(attach.output.contains("netty: its classes were loaded before the agent started and cannot be changed now,"
                        + " so its requests are not measured; start the JVM with -javaagent to measure them"), attach.output);

                for (int i = 0; i < 20; i++) {
                    assertEquals(200, client.get("/hello", false).status);
                }
            }
            try (RawHttpClient fresh = new RawHttpClient(port)) {
                assertEquals(200, fresh.get("/hello", true).status);
            }
            MetricsScrape scrape = MetricsScrape.of(service.metricsPort());
            assertEquals(1, scrape.value("tailwatch_agent_instrumentation_mode", Map.of("name", "netty", "mode", "unmeasured")), scrape.text);
            assertEquals(0, scrape.sum("http_server_request_duration_seconds_count"), "nothing is claimed for an unmeasured server");
            assertEquals(0, scrape.sum("tailwatch_agent_errors_total"), scrape.text);
            assertEquals(List.of(), service.stderrBesidesAgentAndAttachWarning());
            assertEquals(2, service.agentLines().size(), service.agentLines().toString());
        }
    }
}
