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
 * it was once they close.
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

    /**
     * Starts the service with the agent arguments {@code agentArgs}, configured to keep ten thousand
     * idle keep-alive connections open (the JDK server closes idle ones beyond 200 by default). Its
     * standard error must hold only the agent's start line.
     */
    protected abstract ForkedService startService(String agentArgs) throws IOException;

    /** The home of the JDK the service runs on, whose {@code jcmd} reads its heap. */
    protected abstract Path jdk();

    /**
     * The agent's classes of which one instance exists per open connection of this server, and
     * none once it closed: the per-connection state whose release the test checks.
     */
    protected abstract List<String> perConnectionClasses();

    /** The most agent bytes (as {@link AgentHeap} counts them) one idle keep-alive connection may hold. */
    protected abstract long maxBytesPerConnection();

    /** A path answered 200 with a small {@code Content-Length} body. */
    protected String helloPath() {
        return "/hello";
    }

    @BeforeAll
    void start() throws Exception {
        service = startService("host=127.0.0.1,port=0");
        port = service.servicePort();
        metricsPort = service.metricsPort();
        // Loads the classes and creates the series the load below uses, so that its heap figures are the load's own.
        try (HeldConnections warm = HeldConnections.open(port, 50, WINDOW, helloPath(), LOAD_TIMEOUT)) {
            warm.requestEach(helloPath(), WINDOW, LOAD_TIMEOUT);
        }
        ConnectionFlood.run(port, 50, 10, helloPath(), LOAD_TIMEOUT);
        awaitOpen(0);
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

    protected final ForkedService service() {
        return service;
    }

    @Test
    void tenThousandKeepAliveConnectionsAreCountedExactlyAndReleasedWhenClosed() throws Exception {
        MetricsScrape before = awaitOpen(0);
        AgentHeap heapBefore = heap();
        long start = System.nanoTime();
        MetricsScrape held;
        MetricsScrape second;
        AgentHeap heapHeld;
        try (HeldConnections connections = HeldConnections.open(port, HELD, WINDOW, helloPath(), LOAD_TIMEOUT)) {
            long opened = System.nanoTime();
            assertEquals(Map.of(200, HELD), connections.statuses());
            held = scrape();
            assertEquals(HELD, delta(before, held, ACCEPTED), "connections accepted");
            assertEquals(HELD, delta(before, held, OPEN), "connections open while held");
            assertEquals(HELD, delta(before, held, COUNT), "requests, one on each connection");
            heapHeld = heap();
            for (String type : perConnectionClasses()) {
                long instances = heapHeld.instances(type);
                assertTrue(instances >= HELD && instances <= HELD + LINGERING,
                        instances + " instances of " + type + " with " + HELD + " connections held");
            }

            connections.requestEach(helloPath(), WINDOW, LOAD_TIMEOUT);
            assertEquals(Map.of(200, 2 * HELD), connections.statuses());
            assertEquals(HELD, connections.stillOpen(), "the server kept every connection open");
            second = scrape();
            assertEquals(HELD, delta(before, second, ACCEPTED), "no connection was opened again");
            assertEquals(HELD, delta(before, second, OPEN), "connections open while held");
            assertEquals(2 * HELD, delta(before, second, COUNT), "requests, two on each connection");
            System.out.printf("LOAD %s: %d keep-alive connections opened and answered in %.1f s, second request on each"
                    + " in %.1f s%n", getClass().getSimpleName(), HELD, (opened - start) / 1e9, (System.nanoTime() - opened) / 1e9);
        }
        MetricsScrape after = awaitOpen(0);
        assertEquals(HELD, delta(before, after, ACCEPTED), "connections accepted");
        assertEquals(2 * HELD, delta(before, after, COUNT), "requests");
        assertEquals(HELD, delta(before, after, CONNECTION_REQUESTS + "_count"), "connections closed");
        assertEquals(2 * HELD, delta(before, after, CONNECTION_REQUESTS + "_sum"), "requests carried by closed connections");

        AgentHeap heapAfter = heap();
        long perConnection = (heapHeld.agentBytes() - heapBefore.agentBytes()) / HELD;
        System.out.printf("LOAD %s: agent heap %d bytes with no connection, %d with %d held (%d bytes per connection),"
                        + " %d after they closed; JVM live heap %d / %d / %d bytes%n", getClass().getSimpleName(),
                heapBefore.agentBytes(), heapHeld.agentBytes(), HELD, perConnection, heapAfter.agentBytes(),
                heapBefore.totalBytes(), heapHeld.totalBytes(), heapAfter.totalBytes());
        System.out.print(heapHeld.agentChangesSince(heapBefore, HELD / 2));
        assertTrue(perConnection <= maxBytesPerConnection(), "agent bytes per held connection: " + perConnection
                + " (at most " + maxBytesPerConnection() + ")\n" + heapHeld.agentChangesSince(heapBefore, 100));
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
