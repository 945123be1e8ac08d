package io.tailwatch.agent.it;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tailwatch.testsupport.AbstractHttpServerIT.DURATION;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar tailwatch-agent.jar attach <pid>} against a JDK HTTP server that has served
 * requests without the agent: its classes are loaded, so the agent measures it without the fields
 * it would add (the clock starts at the handler), says so once, marks it in {@code /metrics}, and
 * counts every request from the attach on exactly. A JVM that refuses agents at run time, and a
 * process that is no JVM, cost the command one line and the application nothing.
 */
class DynamicAttachIT {
    private static final String SERVICE = "io.tailwatch.testservices.JdkHttpService";

    @ParameterizedTest
    @ValueSource(strings = {"tailwatch.test.jdk17", "tailwatch.test.jdk25"})
    void attachedToARunningServerItCountsEveryRequestFromThenOn(String jdkProperty) throws Exception {
        Path jdk = ForkedService.jdk(jdkProperty);
        try (ForkedService service = ForkedService.withoutAgent(jdk, List.of(), SERVICE, "0", "2")) {
            int port = service.servicePort();
            RawHttpClient before = new RawHttpClient(port);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, before.get("/hello", false).status);
            }

            ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "host=127.0.0.1,port=0");
            assertEquals(0, attach.exit, attach.output);
            assertTrue(attach.output.contains("attached to JVM " + service.pid()), attach.output);
            assertTrue(attach.output.contains("jdk-httpserver: its classes were loaded before the agent started, so its request"
                    + " clock starts when a worker thread runs the handler"), attach.output);
            assertTrue(attach.output.contains(" active on Java "), attach.output);
            int metrics = service.metricsPort();

            // The connection opened before the attach, a new keep-alive one, and one per request.
            for (int i = 0; i < 10; i++) {
                assertEquals(200, before.get("/hello", false).status);
            }
            before.close();
            try (RawHttpClient keepAlive = new RawHttpClient(port)) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, keepAlive.get("/hello", false).status);
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(500, keepAlive.get("/error", false).status);
                }
                assertEquals(204, keepAlive.get("/nobody", false).status);
                assertEquals(200, keepAlive.get("/chunked", false).status);
                RawHttpClient.Response slow = keepAlive.get("/sleep?ms=200", false);
                assertEquals(200, slow.status);
            }
            for (int i = 0; i < 10; i++) {
                try (RawHttpClient close = new RawHttpClient(port)) {
                    assertEquals(200, close.get("/hello", true).status);
                }
            }
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient thrower = new RawHttpClient(port)) {
                    thrower.get("/throw", false);
                }
            }
            AbstractHttpServerIT.runAb(port, 300, 4, false);
            AbstractHttpServerIT.runAb(port, 300, 4, true);

            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, MetricsScrape.empty(), DURATION + "_count", l -> true,
                    10 + 10 + 3 + 1 + 1 + 1 + 10 + 2 + 300 + 300);
            // /hello, /chunked and the sleep: 200; the requests before the attach are not counted.
            assertEquals(10 + 10 + 1 + 1 + 10 + 300 + 300, after.sum(DURATION + "_count", labelsExactly(get(200))), after.text);
            assertEquals(3, after.sum(DURATION + "_count", l -> "500".equals(l.get("http_response_status_code"))), after.text);
            assertEquals(1, after.sum(DURATION + "_count", l -> "204".equals(l.get("http_response_status_code"))), after.text);
            assertEquals(2, after.sum(DURATION + "_count", l -> "java.lang.IllegalStateException".equals(l.get("error_type"))),
                    after.text);
            // The clock covers the handler: the sleeping request is in a bucket of 0.2 s or more.
            double slowerThanATenth = after.sum(DURATION + "_bucket", l -> "+Inf".equals(l.get("le")) && "200".equals(l.get("http_response_status_code")))
                    - after.sum(DURATION + "_bucket", l -> "0.1".equals(l.get("le")) && "200".equals(l.get("http_response_status_code")));
            assertTrue(slowerThanATenth >= 1, after.text);
            assertEquals(0, after.sum("http_server_active_requests"), after.text);
            assertEquals(0, after.sum("tailwatch_http_server_request_queue_seconds_count"), "no queue time is claimed");
            assertEquals(1, after.value("tailwatch_agent_instrumentation_mode", Map.of("name", "jdk-httpserver", "mode", "handler_start")));
            assertEquals(1, after.sum("tailwatch_agent_info", l -> "true".equals(l.get("attached"))), after.text);
            assertEquals(0, after.sum("tailwatch_agent_errors_total"), after.text);

            ForkedService.Attach again = ForkedService.attach(jdk, service.pid(), "");
            assertEquals(0, again.exit, again.output);
            assertTrue(again.output.contains("already active in this JVM; this attach changed nothing"), again.output);

            assertEquals(List.of(), service.stderrBesidesAgentAndAttachWarning(), "the service's standard error holds the agent's lines alone");
            assertEquals(3, service.agentLines().size(), service.agentLines().toString());
        }
    }

    @Test
    void aJvmThatRefusesAgentsAtRunTimeCostsOneLineAndServesOn() throws Exception {
        Path jdk = ForkedService.jdk("tailwatch.test.jdk25");
        try (ForkedService service = ForkedService.withoutAgent(jdk, List.of("-XX:-EnableDynamicAgentLoading"), SERVICE, "0", "2")) {
            int port = service.servicePort();
            ForkedService.Attach attach = ForkedService.attach(jdk, service.pid(), "port=0");
            assertEquals(1, attach.exit, attach.output);
            assertEquals(1, attach.output.lines().count(), attach.output);
            assertTrue(attach.output.startsWith("tailwatch: JVM " + service.pid() + " did not load the agent: "), attach.output);
            assertTrue(attach.output.contains("that JVM refuses agents loaded at run time: start it with -javaagent"), attach.output);
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);
            }
            assertEquals(List.of(), service.stderr());
        }
    }

    @Test
    void aProcessThatIsNoJvmCostsOneLine() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            ForkedService.Attach attach = ForkedService.attach(ForkedService.jdk("tailwatch.test.jdk17"), sleeper.pid(), "");
            assertEquals(1, attach.exit, attach.output);
            assertEquals(1, attach.output.lines().count(), attach.output);
            assertTrue(attach.output.startsWith("tailwatch: cannot attach to JVM " + sleeper.pid()), attach.output);
        } finally {
            sleeper.destroy();
        }
    }
}
