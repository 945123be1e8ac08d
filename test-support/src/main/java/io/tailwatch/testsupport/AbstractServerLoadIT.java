package io.tailwatch.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load on an instrumented server in its own JVM with the real agent jar: ten thousand keep-alive
 * connections held at once, and a sustained flood of short connections ({@code Connection: close},
 * as the reference study's {@code ab} runs without {@code -k}). The agent must count every request
 * and connection exactly, keep its endpoint answering, and hold per-connection state only while a
 * connection is open: its heap (the agent's own objects in a class histogram of the service's JVM,
 * see {@link AgentHeap}) grows by a bounded number of bytes per open connection and returns to where
 * it was once they close. The same service is then loaded without the agent, and the live heap a
 * held connection adds with the agent and without are compared: that bounds the agent's whole cost,
 * including any of the server's objects it keeps alive, which a histogram of its own classes misses.
 *
 * <p>One service JVM serves both tests; each compares scrapes and histograms taken around its own
 * load. Figures are printed on standard output ({@code LOAD ...} lines) for the record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractServerLoadIT {
    public static final String COUNT = "http_server_request_duration_seconds_count";
    public static final String ACCEPTED = "tailwatch_connections_accepted_total";
    public static final String OPEN = "tailwatch_connections_open";
    public static final String CONNECTION_REQUESTS = "tailwatch_connection_requests";
    protected static final int HELD = 10_000;
    /** Unanswered requests at once while opening: well under the services' accept backlog of 1024. */
    private static final int WINDOW = 200;
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(120);
    /**
     * Per-connection objects that may outlive their connection for a while: the server's own
     * last references to a closed connection (a worker's last task, the selector's last key) keep one
     * reachable until the next connection replaces it.
     */
    private static final int LINGERING = 2;

    private ForkedService service;
    private int port;
    private int metricsPort;

    /** The home of the JDK the service runs on, whose {@code jcmd} reads its heap. */
    protected abstract Path jdk();

    /** The service's main class; its arguments are {@link #serviceArgs()}. */
    protected abstract String mainClass();

    /** The service's arguments: a free port and its threads. */
    protected abstract List<String> serviceArgs();

    /**
     * JVM options for the service, which must let it keep {@link #HELD} idle keep-alive connections
     * open (see {@link #jdkServerHoldingOptions()}).
     */
    protected abstract List<String> serviceJvmOptions();

    /**
     * The agent's classes of which one instance exists per open connection of this server, and
     * none once it closed: the per-connection state whose release the test checks.
     */
    protected abstract List<String> perConnectionClasses();

    /** The most bytes of the agent's own objects ({@link AgentHeap#agentBytes()}) one idle keep-alive connection may hold. */
    protected abstract long maxAgentBytesPerConnection();

    /**
     * The most bytes one idle keep-alive connection may add to the service's live heap with the agent
     * beyond what it adds without: the agent's objects and anything of the server's it keeps alive.
     */
    protected abstract long maxHeapBytesPerConnection();

    /** A path answered 200 with a small {@code Content-Length} body. */
    protected String helloPath() {
        return "/hello";
    }

    @BeforeAll
    void start() throws Exception {
        service = ForkedService.start(jdk(), serviceJvmOptions(), "host=127.0.0.1,port=0", List.of(), mainClass(),
                serviceArgs().toArray(new String[0]));
        port = service.servicePort();
        metricsPort = service.metricsPort();
        warmUp(port);
        awaitOpen(0);
    }

    /** Loads the classes and creates the series the load below uses, so that its heap figures are the load's own. */
    private void warmUp(int servicePort) throws IOException {
        try (HeldConnections warm = HeldConnections.open(servicePort, 50, WINDOW, helloPath(), LOAD_TIMEOUT)) {
            warm.requestEach(helloPath(), WINDOW, LOAD_TIMEOUT);
        }
        ConnectionFlood.run(servicePort, 50, 10, helloPath(), LOAD_TIMEOUT);
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            List<String> stderr = service.stderr();
            service.close();
            assertEquals(1, stderr.size(), "standard error holds only the agent's start line: " + stderr);
            assertTrue(stderr.get(0).startsWith("tailwatch: "), stderr.get(0));
        }
    }

    @Test
    void tenThousandKeepAliveConnectionsAreCountedExactlyAndReleasedWhenClosed() throws Exception {
        MetricsScrape before = awaitOpen(0);
        AgentHeap heapBefore = heap();
        long start = System.nanoTime();
        AgentHeap heapHeld;
        try (HeldConnections connections = HeldConnections.open(port, HELD, WINDOW, helloPath(), LOAD_TIMEOUT)) {
            long opened = System.nanoTime();
            assertEquals(Map.of(200, HELD), connections.statuses());
            MetricsScrape held = scrape();
            assertEquals(HELD, delta(before, held, ACCEPTED), "connections accepted");
            assertEquals(HELD, delta(before, held, OPEN), "connections open while held");
            assertEquals(HELD, delta(before, held, COUNT), "requests, one on each connection");

            connections.requestEach(helloPath(), WINDOW, LOAD_TIMEOUT);
            long second = System.nanoTime();
            assertEquals(Map.of(200, 2 * HELD), connections.statuses());
            assertEquals(HELD, connections.stillOpen(), "the server kept every connection open");
            MetricsScrape again = scrape();
            assertEquals(HELD, delta(before, again, ACCEPTED), "no connection was opened again");
            assertEquals(HELD, delta(before, again, OPEN), "connections open while held");
            assertEquals(2 * HELD, delta(before, again, COUNT), "requests, two on each connection");
            System.out.printf("LOAD %s: %d keep-alive connections opened and answered in %.1f s, second request on each"
                    + " in %.1f s%n", getClass().getSimpleName(), HELD, (opened - start) / 1e9, (second - opened) / 1e9);
            heapHeld = heap();
            for (String type : perConnectionClasses()) {
                long instances = heapHeld.instances(type);
                assertTrue(instances >= HELD && instances <= HELD + LINGERING,
                        instances + " instances of " + type + " with " + HELD + " connections held");
            }
        }
        MetricsScrape after = awaitOpen(0);
        assertEquals(HELD, delta(before, after, ACCEPTED), "connections accepted");
        assertEquals(2 * HELD, delta(before, after, COUNT), "requests");
        assertEquals(HELD, delta(before, after, CONNECTION_REQUESTS + "_count"), "connections closed");
        assertEquals(2 * HELD, delta(before, after, CONNECTION_REQUESTS + "_sum"), "requests carried by closed connections");
        AgentHeap heapAfter = heap();

        // The same service and load without the agent: what the connections cost the server itself.
        AgentHeap plainBefore;
        AgentHeap plainHeld;
        try (ForkedService plain = ForkedService.withoutAgent(jdk(), serviceJvmOptions(), mainClass(),
                serviceArgs().toArray(new String[0]))) {
            int plainPort = plain.servicePort();
            warmUp(plainPort);
            plainBefore = AgentHeap.of(jdk(), plain.pid());
            try (HeldConnections connections = HeldConnections.open(plainPort, HELD, WINDOW, helloPath(), LOAD_TIMEOUT)) {
                connections.requestEach(helloPath(), WINDOW, LOAD_TIMEOUT);
                assertEquals(Map.of(200, 2 * HELD), connections.statuses());
                plainHeld = AgentHeap.of(jdk(), plain.pid());
            }
        }

        long agentPerConnection = (heapHeld.agentBytes() - heapBefore.agentBytes()) / HELD;
        long withAgent = (heapHeld.totalBytes() - heapBefore.totalBytes()) / HELD;
        long withoutAgent = (plainHeld.totalBytes() - plainBefore.totalBytes()) / HELD;
        System.out.printf("LOAD %s: agent objects %d bytes with no connection, %d with %d held (%d bytes per connection),"
                        + " %d after they closed; live heap per held connection %d bytes with the agent, %d without"
                        + " (agent's whole cost %d bytes per connection)%n", getClass().getSimpleName(),
                heapBefore.agentBytes(), heapHeld.agentBytes(), HELD, agentPerConnection, heapAfter.agentBytes(),
                withAgent, withoutAgent, withAgent - withoutAgent);
        System.out.print(heapHeld.agentChangesSince(heapBefore, HELD / 2));
        assertTrue(agentPerConnection <= maxAgentBytesPerConnection(), "agent bytes per held connection: " + agentPerConnection
                + " (at most " + maxAgentBytesPerConnection() + ")\n" + heapHeld.agentChangesSince(heapBefore, 100));
        assertTrue(withAgent - withoutAgent <= maxHeapBytesPerConnection(), "a held connection costs " + withAgent
                + " bytes of live heap with the agent, " + withoutAgent + " without (at most " + maxHeapBytesPerConnection()
                + " more); what grew with the agent:\n" + heapHeld.changesSince(heapBefore, HELD / 2)
                + "without:\n" + plainHeld.changesSince(plainBefore, HELD / 2));
        assertReleased(heapAfter);
        assertFlat(heapBefore, heapAfter, "after ten thousand connections closed");
    }

    @Test
    void aFloodOfShortConnectionsIsCountedExactlyWhileTheEndpointAnswers() throws Exception {
        int connections = 20_000;
        MetricsScrape before = awaitOpen(0);
        AgentHeap heapBefore = heap();
        long start = System.nanoTime();
        // The flood runs on another thread, so that this one scrapes the endpoint throughout.
        ConnectionFlood[] result = new ConnectionFlood[1];
        Throwable[] failure = new Throwable[1];
        Thread flood = new Thread(() -> {
            try {
                result[0] = ConnectionFlood.run(port, connections, 50, helloPath(), LOAD_TIMEOUT);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "connection-flood");
        flood.start();
        int scrapesDuring = scrapeWhile(flood, before);
        flood.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure[0] != null) {
            throw new AssertionError("the flood failed", failure[0]);
        }
        assertEquals(Map.of(200, connections), result[0].statuses);
        MetricsScrape after = awaitOpen(0);
        assertEquals(connections, delta(before, after, COUNT), "requests");
        assertEquals(connections, delta(before, after, ACCEPTED), "connections accepted");
        assertEquals(connections, delta(before, after, CONNECTION_REQUESTS + "_count"), "connections closed");
        assertEquals(connections, delta(before, after, CONNECTION_REQUESTS + "_sum"), "one request on each");

        // ab, as the study ran it: its count of requests is exact; its connections are not (below).
        MetricsScrape beforeAb = after;
        int abRequests = 20_000;
        int abConcurrency = 50;
        Process ab = new ProcessBuilder("ab", "-q", "-n", Integer.toString(abRequests), "-c", Integer.toString(abConcurrency),
                "http://127.0.0.1:" + port + helloPath()).redirectErrorStream(true).start();
        StringBuilder abOutput = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                abOutput.append(new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // ab ended.
            }
        }, "ab-output");
        reader.start();
        Thread waiter = new Thread(() -> {
            try {
                ab.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ab-wait");
        waiter.start();
        int scrapesDuringAb = scrapeWhile(waiter, beforeAb);
        waiter.join();
        reader.join();
        String output = abOutput.toString();
        assertEquals(0, ab.exitValue(), output);
        assertEquals(abRequests, number("Complete requests:\\s+(\\d+)", output), output);
        assertEquals(0, number("Failed requests:\\s+(\\d+)", output), output);
        MetricsScrape afterAb = awaitOpen(0);
        assertEquals(abRequests, delta(beforeAb, afterAb, COUNT), "requests, as ab completed them");
        assertEquals(abRequests, delta(beforeAb, afterAb, CONNECTION_REQUESTS + "_sum"), "requests carried by closed connections");
        double abAccepted = delta(beforeAb, afterAb, ACCEPTED);
        // ab opens up to its concurrency in spare connections near its end and closes them unused.
        assertTrue(abAccepted >= abRequests && abAccepted <= abRequests + abConcurrency, "ab's connections accepted: " + abAccepted);
        assertEquals(abAccepted, delta(beforeAb, afterAb, CONNECTION_REQUESTS + "_count"), "every connection accepted was seen closed");

        AgentHeap heapAfter = heap();
        System.out.printf("LOAD %s: flood of %d connections (50 at a time) in %.1f s, %d scrapes during it; ab -n %d -c %d: %d"
                        + " connections accepted, %d scrapes during it; agent heap %d bytes before, %d after%n",
                getClass().getSimpleName(), connections, seconds, scrapesDuring, abRequests, abConcurrency, (long) abAccepted,
                scrapesDuringAb, heapBefore.agentBytes(), heapAfter.agentBytes());
        assertReleased(heapAfter);
        assertFlat(heapBefore, heapAfter, "after the flood");
    }

    /** The per-connection state of closed connections is gone, but for what the server itself still references. */
    private void assertReleased(AgentHeap heap) {
        for (String type : perConnectionClasses()) {
            assertTrue(heap.instances(type) <= LINGERING, heap.instances(type) + " instances of " + type
                    + " left after every connection closed");
        }
    }

    /**
     * Scrapes the endpoint until {@code load} ends: every scrape must answer, and its request count
     * never go down. At least one scrape must have completed while the load was still running.
     *
     * @return scrapes completed while the load ran
     */
    private int scrapeWhile(Thread load, MetricsScrape before) throws Exception {
        int during = 0;
        double last = before.sum(COUNT);
        while (load.isAlive()) {
            MetricsScrape s = scrape();
            assertTrue(s.sum(COUNT) >= last, "the request count went down");
            last = s.sum(COUNT);
            if (load.isAlive()) {
                during++;
            }
            Thread.sleep(100);
        }
        assertTrue(during >= 1, "no scrape completed while the load ran");
        return during;
    }

    /**
     * The agent's heap is what it was: per-connection state is gone and nothing grew with the
     * connections that came and went. The allowance covers what a live agent changes on its own
     * between two histograms (its sliding windows' rotation, the type pools of classes loaded
     * meanwhile), measured at a few hundred bytes: 16 KiB, under one byte per connection of the load.
     */
    private static void assertFlat(AgentHeap before, AgentHeap after, String when) {
        long grown = after.agentBytes() - before.agentBytes();
        assertTrue(grown <= 16 * 1024, "agent heap grew by " + grown + " bytes " + when + "\n" + after.agentChangesSince(before, 1));
    }

    private static double number(String pattern, String text) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " in " + text);
        return Double.parseDouble(m.group(1));
    }

    /** Waits until the open-connections gauge is {@code expected}, the server having seen every close. */
    private MetricsScrape awaitOpen(double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        MetricsScrape s = scrape();
        while (s.sum(OPEN) != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = scrape();
        }
        assertEquals(expected, s.sum(OPEN), "connections open");
        return s;
    }

    private static double delta(MetricsScrape before, MetricsScrape after, String name) {
        return after.sum(name) - before.sum(name);
    }

    private MetricsScrape scrape() throws IOException, InterruptedException {
        return MetricsScrape.of(metricsPort);
    }

    private AgentHeap heap() throws IOException, InterruptedException {
        return AgentHeap.of(jdk(), service.pid());
    }

    /**
     * The JVM options that let the JDK server keep {@link #HELD} idle connections for the test's
     * length, and give it the heap they take: the JDK server itself holds about 23 KB (JDK 17) to
     * 29 KB (JDK 25) of buffers per connection, more than the test services' default 256 MB for ten
     * thousand.
     */
    public static List<String> jdkServerHoldingOptions() {
        List<String> options = new ArrayList<>();
        options.add("-Xmx1g");
        options.add("-Dsun.net.httpserver.maxIdleConnections=" + (2 * HELD));
        options.add("-Dsun.net.httpserver.idleInterval=3600");
        return options;
    }
}
