package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;

import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the agent starts inside a real JVM: where its settings come from, and that a bad setting or a
 * taken port costs one line on standard error and never the application.
 */
class AgentStartupIT {
    private static final String SERVICE = "io.tailwatch.testservices.JdkHttpService";

    @Test
    void aTakenMetricsPortCostsOneLineAndTheApplicationStillAnswers() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of(),
                     "host=127.0.0.1,port=" + taken.getLocalPort(), List.of(), SERVICE, "0", "2")) {
            int port = service.servicePort();
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);
            }
            // Nothing but the agent's one line: no stack trace of the failed bind either.
            List<String> lines = service.stderr();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("tailwatch: ") && lines.get(0).contains("metrics endpoint OFF") && lines.get(0).contains(Integer.toString(taken.getLocalPort())),
                    lines.get(0));
        }
    }

    @Test
    void badSettingsCostOneLineEachAndDefaultsApply() throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"),
                List.of("-Dtailwatch.window=forever"), "host=127.0.0.1,port=0,prot=1,max.series=-3",
                List.of("TAILWATCH_BUCKETS=0.5,0.1"), SERVICE, "0", "2")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);
            }
            List<String> lines = service.agentLines();
            assertEquals(5, lines.size(), "four complaints and the start line: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("unknown key 'prot'")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("'max.series'") && l.contains("agent arguments")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("'window'") && l.contains("system property")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("'buckets'") && l.contains("TAILWATCH_BUCKETS")), lines.toString());
            MetricsScrape scrape = MetricsScrape.of(metrics);
            assertTrue(scrape.text.contains("le=\"0.0001\""), "default buckets in use");
        }
    }

    @Test
    void agentArgumentsBeatPropertiesWhichBeatEnvironmentWhichBeatsTheFile() throws Exception {
        // Four for the agent's endpoint, four for the services themselves: a service binding port 0
        // could otherwise be given a port reserved for a later run's endpoint, just released.
        int[] ports = freePorts(8);
        Path file = Files.createTempFile("tailwatch", ".properties");
        try {
            Files.writeString(file, "host=127.0.0.1\nport=" + ports[3] + "\n");
            // All four sources name a port: the agent argument wins.
            assertEndpointOn(ports[0], List.of("-Dtailwatch.port=" + ports[1]), "port=" + ports[0] + ",config=" + file,
                    List.of("TAILWATCH_PORT=" + ports[2]), ports[4]);
            // Without the argument, the system property wins over the environment and the file.
            assertEndpointOn(ports[1], List.of("-Dtailwatch.port=" + ports[1], "-Dtailwatch.config=" + file), null,
                    List.of("TAILWATCH_PORT=" + ports[2]), ports[5]);
            // Then the environment over the file; then the file alone.
            assertEndpointOn(ports[2], List.of(), null, List.of("TAILWATCH_PORT=" + ports[2], "TAILWATCH_CONFIG=" + file), ports[6]);
            assertEndpointOn(ports[3], List.of(), "config=" + file, List.of(), ports[7]);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void assertEndpointOn(int expected, List<String> jvmOptions, String agentArgs, List<String> env,
                                         int servicePort) throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), jvmOptions, agentArgs, env,
                SERVICE, Integer.toString(servicePort), "2")) {
            assertEquals(expected, service.metricsPort(), service.agentLines().toString());
            assertEquals(1, service.agentLines().size(), service.agentLines().toString());
            MetricsScrape.of(expected);
        }
    }

    private static int[] freePorts(int n) throws Exception {
        int[] ports = new int[n];
        ServerSocket[] sockets = new ServerSocket[n];
        for (int i = 0; i < n; i++) {
            sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ports[i] = sockets[i].getLocalPort();
        }
        for (ServerSocket s : sockets) {
            s.close();
        }
        return ports;
    }
}
