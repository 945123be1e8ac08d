package io.tailwatch.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Faults of the application and of its clients, against a real server in its own JVM with the real
 * agent jar: whatever happens, the application keeps serving, every request is counted once, no
 * request or connection is left open in the gauges, and the agent records no error of its own and
 * prints nothing but its start line.
 *
 * <p>A handler that throws is {@link AbstractHttpServerIT#errorResponsesAndThrownExceptionsAreErrors}'s
 * case, run by every server; a taken metrics port and a JVM without JFR are AgentStartupIT's and
 * JvmPausesIT's. The service answers, besides {@code /hello} and {@code /echo}:
 * {@code /hang?ms=N&id=X} (200 after N ms, then prints {@code HANG_DONE X}),
 * {@code /close-mid-response} (declares 1000 bytes, sends 100, then the handler aborts the response
 * as its server allows) and {@code /big?bytes=N} (N bytes, then prints {@code BIG_DONE} with the
 * bytes written or the failure).
 *
 * <p>One service serves all tests of a class, the last of which checks what all of them left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class AbstractServerFaultsIT {
    public static final String DURATION = AbstractHttpServerIT.DURATION;
    private static final String ACTIVE = "http_server_active_requests";
    private static final String OPEN = "tailwatch_connections_open";
    private static final String AGENT_ERRORS = "tailwatch_agent_errors_total";
    private static final AtomicInteger IDS = new AtomicInteger();

    private ForkedService service;
    private int port;
    private int metricsPort;

    /** Starts the service with these agent arguments; its own logging goes to standard output. */
    protected abstract ForkedService startService(String agentArgs) throws IOException;

    /**
     * Whether the server ends a request whose client has closed its connection while the handler
     * still runs (an event loop sees the close at once): the agent then counts it at that close,
     * without a status. Otherwise the request is in flight until the handler answers.
     */
    protected boolean endsRequestWhenTheClientLeaves() {
        return false;
    }

    /** The series of the request whose handler aborted its response after 100 of 1000 bytes. */
    protected abstract Predicate<Map<String, String>> abortedResponseSeries();

    /** The series of the request whose client reset the connection while it was sent a large body. */
    protected abstract Predicate<Map<String, String>> clientResetResponseSeries();

    /**
     * How many requests a client that leaves in the middle of its request body counts: 1 where the
     * server hands the request to its handler (or tracks it) before the body is complete.
     */
    protected int requestsCountedWhenTheClientLeavesMidRequest() {
        return 1;
    }

    /** The series with exactly these labels: GET, a status and an {@code error_type} (null for none). */
    protected static Predicate<Map<String, String>> get(int status, String errorType) {
        return errorType == null ? labelsExactly(AbstractHttpServerIT.get(status))
                : labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", Integer.toString(status),
                "error_type", errorType));
    }

    /**
     * The series with exactly these labels: GET without a status (none was sent, or the response
     * did not complete), with one of these {@code error_type}s.
     */
    protected static Predicate<Map<String, String>> getWithoutStatus(String... errorTypes) {
        return labels -> labels.size() == 2 && "GET".equals(labels.get("http_request_method"))
                && java.util.Arrays.asList(errorTypes).contains(labels.get("error_type"));
    }

    @BeforeAll
    public void startSharedService() throws IOException {
        service = startService("host=127.0.0.1,port=0");
        port = service.servicePort();
        metricsPort = service.metricsPort();
    }

    @AfterAll
    public void stopSharedService() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    /**
     * A handler that outlasts its client's patience: while it hangs the server answers other
     * requests and the agent its scrapes; once it ends, its request has been counted once and the
     * gauges are back where they were.
     */
    @Test
    public void aHandlerThatHangsPastItsClientIsCountedOnceWhenItEnds() throws Exception {
        MetricsScrape before = settledScrape();
        String id = "hang-" + IDS.incrementAndGet();
        try (Socket impatient = new Socket("127.0.0.1", port)) {
            impatient.setSoTimeout(500);
            send(impatient, "GET /hang?ms=5000&id=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            try {
                int read = impatient.getInputStream().read();
                fail("the hanging handler answered within 500 ms: " + read);
            } catch (SocketTimeoutException expected) {
                // The client gives up and closes.
            }
        }
        int others = 5;
        for (int i = 0; i < others; i++) {
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status, "another request while the handler hangs");
            }
        }
        boolean endedAtClose = endsRequestWhenTheClientLeaves();
        // While it hangs: the others counted, and the hanging one in flight or (ended at the close) counted too.
        MetricsScrape during = AbstractHttpServerIT.awaitDelta(metricsPort, before, DURATION + "_count", l -> true,
                endedAtClose ? others + 1 : others);
        assertEquals(before.sum(ACTIVE) + (endedAtClose ? 0 : 1), during.sum(ACTIVE), "the hanging request in flight");
        assertFalse(service.stdout().contains("HANG_DONE " + id), "the handler still hangs while the others are answered");

        service.awaitStdout("HANG_DONE " + id);
        MetricsScrape after = awaitSettled(before, 1 + others);
        // Where it ended: at the close, on a scrape before the handler ended; else after the handler answered.
        assertDelta(endedAtClose ? before : during, after, DURATION + "_count", hangingRequestSeries(), 1);
    }

    /**
     * The series the hanging request is counted in: by default GET 200, the status the handler
     * sends, with or without an {@code error_type}, as writing to the connection its client closed
     * may fail or not.
     */
    protected Predicate<Map<String, String>> hangingRequestSeries() {
        return l -> "GET".equals(l.get("http_request_method")) && "200".equals(l.get("http_response_status_code"));
    }

    /** A handler that aborts its response after 100 of the 1000 bytes it declared: counted once, as failed. */
    @Test
    public void aResponseTheHandlerAbortsIsCountedOnceAsFailed() throws Exception {
        MetricsScrape before = settledScrape();
        byte[] received;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            send(socket, "GET /close-mid-response HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            received = socket.getInputStream().readAllBytes();
        }
        String head = new String(received, StandardCharsets.ISO_8859_1);
        int bodyStart = head.indexOf("\r\n\r\n") + 4;
        assertTrue(head.startsWith("HTTP/1.1 200") && head.toLowerCase(java.util.Locale.ROOT).contains("content-length: 1000"), head);
        assertEquals(100, received.length - bodyStart, "the connection closed after 100 of the 1000 bytes");

        MetricsScrape after = awaitSettled(before, 1);
        assertDelta(before, after, DURATION + "_count", abortedResponseSeries(), 1);
    }

    /**
     * A client that sends its headers and 10 of the 10000 body bytes it declared, then closes: at
     * most one request, and the server goes on.
     */
    @Test
    public void aClientThatLeavesMidRequestCostsNothing() throws Exception {
        MetricsScrape before = settledScrape();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000\r\n\r\n0123456789");
            // Long enough for the server to read the headers and wait for the rest of the body.
            Thread.sleep(300);
        }
        MetricsScrape after = awaitSettled(before, requestsCountedWhenTheClientLeavesMidRequest());
        assertDelta(before, after, "http_server_request_body_size_bytes_count", l -> true,
                requestsCountedWhenTheClientLeavesMidRequest());
    }

    /**
     * A client that reads a little of a 64 MiB body and resets its connection (SO_LINGER 0): the
     * server's writes fail, the request is counted once, and nothing stays open.
     */
    @Test
    public void aClientThatResetsMidResponseIsCountedOnce() throws Exception {
        MetricsScrape before = settledScrape();
        long bytes = 64L << 20;
        int marks = bigDoneLines().size();
        try (Socket socket = new Socket()) {
            // A small window, so that the server is still writing when the client leaves.
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(20_000);
            send(socket, "GET /big?bytes=" + bytes + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(64 * 1024);
            assertTrue(new String(first, 0, 12, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            socket.setSoLinger(true, 0);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (bigDoneLines().size() == marks && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<String> done = bigDoneLines();
        assertEquals(marks + 1, done.size(), "the handler ended: " + service.stdout());
        String outcome = done.get(done.size() - 1);
        assertFalse(outcome.equals("BIG_DONE " + bytes), "the server's writes failed once the client had gone: " + outcome);

        MetricsScrape after = awaitSettled(before, 1);
        assertDelta(before, after, DURATION + "_count", clientResetResponseSeries(), 1);
    }

    /** After all the faults: the service answers, the agent said nothing more and counted no error of its own. */
    @Test
    @Order(Integer.MAX_VALUE)
    public void afterAllFaultsTheServiceServesAndTheAgentIsClean() throws Exception {
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < 3; i++) {
                RawHttpClient.Response r = client.get("/hello", false);
                assertEquals(200, r.status);
                assertEquals(new String(AbstractHttpServerIT.HELLO, StandardCharsets.UTF_8), new String(r.body, StandardCharsets.UTF_8));
            }
        }
        MetricsScrape scrape = scrape();
        assertEquals(0, scrape.sum(AGENT_ERRORS), scrape.samples(AGENT_ERRORS).toString());
        List<String> stderr = service.stderr();
        assertEquals(1, stderr.size(), "standard error holds the agent's start line and nothing else: " + stderr);
        assertTrue(stderr.get(0).startsWith("tailwatch: ") && stderr.get(0).contains(" active on Java "), stderr.get(0));
        assertTrue(service.isAlive());
    }

    private List<String> bigDoneLines() {
        List<String> lines = new ArrayList<>();
        for (String line : service.stdout()) {
            if (line.startsWith("BIG_DONE ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    protected MetricsScrape scrape() throws IOException, InterruptedException {
        return MetricsScrape.of(metricsPort);
    }

    /** A scrape once no request and no connection of an earlier test is open any more. */
    private MetricsScrape settledScrape() throws Exception {
        awaitValue(ACTIVE, 0);
        awaitValue(OPEN, 0);
        return scrape();
    }

    /**
     * Waits until every connection the test opened has closed (the last point at which a request
     * can still end), then checks, on a scrape taken after that, that exactly {@code requests}
     * requests were counted, none is left in flight, no connection is left open, and the agent
     * counted no error of its own; the server still answers.
     */
    private MetricsScrape awaitSettled(MetricsScrape before, int requests) throws Exception {
        awaitValue(OPEN, before.sum(OPEN));
        MetricsScrape after = AbstractHttpServerIT.awaitDelta(metricsPort, before, DURATION + "_count", l -> true, requests);
        awaitValue(ACTIVE, before.sum(ACTIVE));
        after = scrape();
        assertEquals(requests, after.sum(DURATION + "_count") - before.sum(DURATION + "_count"),
                "requests counted, by labels: " + after.samples(DURATION + "_count") + " before: " + before.samples(DURATION + "_count"));
        assertEquals(before.sum(ACTIVE), after.sum(ACTIVE), "no request left in flight");
        assertEquals(before.sum(OPEN), after.sum(OPEN), "no connection left open");
        assertEquals(before.sum(AGENT_ERRORS), after.sum(AGENT_ERRORS), "agent errors: " + after.samples(AGENT_ERRORS));
        System.out.println("[faults] " + getClass().getSimpleName() + ": " + requests + " counted, by labels "
                + countedSince(before, after));
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(200, client.get("/hello", true).status, "the server still answers");
        }
        AbstractHttpServerIT.awaitDelta(metricsPort, after, DURATION + "_count", l -> true, 1);
        return after;
    }

    /** The requests counted between two scrapes, by their labels. */
    private static Map<Map<String, String>, Double> countedSince(MetricsScrape before, MetricsScrape after) {
        Map<Map<String, String>, Double> counted = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        Map<Map<String, String>, Double> earlier = before.samples(DURATION + "_count");
        after.samples(DURATION + "_count").forEach((labels, value) -> {
            double delta = value - earlier.getOrDefault(labels, 0.0);
            if (delta != 0) {
                counted.put(labels, delta);
            }
        });
        return counted;
    }

    /** Scrapes until the gauge (summed over its labels) reads {@code expected}; fails after 20 s. */
    private void awaitValue(String name, double expected) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        MetricsScrape now;
        do {
            now = scrape();
            if (now.sum(name) == expected) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        fail(name + " is " + now.sum(name) + ", expected " + expected + "\n" + now.text);
    }

    private static void assertDelta(MetricsScrape before, MetricsScrape after, String name,
                                    Predicate<Map<String, String>> filter, double expected) {
        assertEquals(expected, after.sum(name, filter) - before.sum(name, filter),
                name + " by labels: " + after.samples(name) + " before: " + before.samples(name));
    }
}
