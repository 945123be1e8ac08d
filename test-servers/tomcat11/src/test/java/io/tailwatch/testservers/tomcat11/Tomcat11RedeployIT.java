package io.tailwatch.testservers.tomcat11;

import io.tailwatch.testsupport.AbstractHttpServerIT;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In Tomcat, undeploying a web application leaves no class loader pinned by the agent: a web
 * application with its own class loader (a plain servlet, and Spring MVC from its WEB-INF/lib,
 * whose classes the agent transforms in that loader) is deployed, served, undeployed and its loader
 * collected, three times over, in one Tomcat with the agent; every request is counted exactly, and
 * Tomcat's own leak detection, which warns of threads and thread-locals an application leaves
 * behind, names nothing of the agent.
 *
 * <p>Before the first deployment the agent's {@code tailwatch-prepare} thread, which transforms
 * classes ahead of the application and ends when idle, has ended: the application's loading of
 * Spring MVC then has the agent start it again from a thread that runs the application (its
 * context class loader, on JDK 17 its access control context, the application's).
 */
class Tomcat11RedeployIT {
    private static final int CYCLES = 3;
    private static final int REQUESTS = 10;

    @Test
    void undeployedApplicationsLeaveNoClassLoaderBehind() throws Exception {
        // Softly reachable objects go at the first collection: a cache that holds the application
        // softly (the JDK's own, until memory runs short) does not keep it. The opening lets
        // Tomcat's leak detection look at RMI's exported objects too.
        try (ForkedService service = ForkedService.start(ForkedService.jdk(jdk()),
                List.of("-Dwebapp.lib=" + System.getProperty("tailwatch.test.webapp.lib"), "-XX:SoftRefLRUPolicyMSPerMB=0",
                        "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED"),
                "host=127.0.0.1,port=0", List.of(),
                Tomcat11RedeployService.class.getName(), "0", "4")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            MetricsScrape start = MetricsScrape.of(metrics);
            assertEquals("GONE", admin(port, "GET", "/admin/thread-gone?name=tailwatch-prepare&ms=60000"),
                    "the agent's preparing thread ends when idle");
            MetricsScrape before = AbstractHttpServerIT.awaitDelta(metrics, start, AbstractHttpServerIT.DURATION + "_count", l -> true, 1);
            Set<String> deployments = new HashSet<>();
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                assertTrue(admin(port, "POST", "/admin/deploy").startsWith("DEPLOYED org.apache.catalina.loader."), "cycle " + cycle);
                try (RawHttpClient client = new RawHttpClient(port)) {
                    for (int i = 0; i < REQUESTS; i++) {
                        RawHttpClient.Response hello = client.get("/app/hello", false);
                        assertEquals(200, hello.status);
                        deployments.add(new String(hello.body, StandardCharsets.UTF_8));
                        RawHttpClient.Response item = client.get("/app/spring/items/" + i, false);
                        assertEquals(200, item.status);
                        assertEquals("item " + i + "\n", new String(item.body, StandardCharsets.UTF_8));
                    }
                }
                assertEquals(cycle, deployments.size(), "each deployment answers from a class loader of its own: " + deployments);
                assertEquals("UNDEPLOYED", admin(port, "POST", "/admin/undeploy"));

                // Counted exactly: the application's requests, and the service's own deploy and undeploy.
                MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, before, AbstractHttpServerIT.DURATION + "_count",
                        l -> true, 2 * REQUESTS + 2);
                assertDelta(before, after, labelsExactly(AbstractHttpServerIT.get(200)), REQUESTS);
                assertDelta(before, after, labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "200",
                        "http_route", "/items/{id}")), REQUESTS);
                assertDelta(before, after, labelsExactly(Map.of("http_request_method", "POST", "http_response_status_code", "200")), 2);

                String collected = admin(port, "GET", "/admin/collected?ms=20000");
                assertTrue(collected.startsWith("COLLECTED"), "cycle " + cycle + ": the undeployed application's class loader: "
                        + collected + "\n" + leakWarnings(service));
                before = AbstractHttpServerIT.awaitDelta(metrics, after, AbstractHttpServerIT.DURATION + "_count", l -> true, 1);
            }
            MetricsScrape last = MetricsScrape.of(metrics);
            assertEquals(0, last.sum("tailwatch_agent_errors_total"), last.samples("tailwatch_agent_errors_total").toString());
            assertEquals(0, last.sum("http_server_active_requests"));
            for (String warning : leakWarnings(service)) {
                assertTrue(!warning.contains("tailwatch"), "Tomcat's leak detection names the agent: " + warning);
            }
            System.out.println("[redeploy] " + getClass().getSimpleName() + ": " + CYCLES + " deployments collected; Tomcat's warnings: "
                    + leakWarnings(service));
            List<String> stderr = service.stderr();
            assertEquals(1, stderr.size(), "standard error holds the agent's start line and nothing else: " + stderr);
        }
    }

    /** The JDK home property the service runs on. */
    protected String jdk() {
        return "tailwatch.test.jdk17";
    }

    /** Tomcat's warnings (java.util.logging's second line of each record), with the line after each. */
    private static List<String> leakWarnings(ForkedService service) {
        List<String> out = service.stdout();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).startsWith("WARNING:") || out.get(i).startsWith("SEVERE:")) {
                warnings.add(out.get(i) + (i + 1 < out.size() ? " | " + out.get(i + 1) : ""));
            }
        }
        return warnings;
    }

    private static String admin(int port, String method, String path) throws IOException {
        try (RawHttpClient client = new RawHttpClient(port)) {
            RawHttpClient.Response r = client.send(method, path, method.equals("POST") ? new byte[0] : null, true);
            assertEquals(200, r.status, method + " " + path);
            return new String(r.body, StandardCharsets.UTF_8).trim();
        }
    }

    private static void assertDelta(MetricsScrape before, MetricsScrape after, Predicate<Map<String, String>> series, double expected) {
        AbstractHttpServerIT.assertDelta(before, after, AbstractHttpServerIT.DURATION + "_count", series, expected);
    }
}
