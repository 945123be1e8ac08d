package io.tailwatch.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every instrumented HTTP server must show, run by each server against the real server in its
 * own JVM with the real agent jar. A subclass starts a service that answers the same paths:
 * {@code /hello} (200), {@code /error} (500), {@code /throw} (handler throws
 * {@link #thrownType()}), {@code /nobody} (204 without body), {@code /chunked} (3 × 13 bytes,
 * chunked), {@code /async} (completed 5 ms later on another thread), {@code /sleep?ms=N},
 * {@code /echo} (returns the request body).
 *
 * <p>One service JVM serves all tests of a class; each test compares scrapes taken before and after
 * its own requests, so tests do not depend on each other's counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractHttpServerIT {
    public static final String DURATION = "http_server_request_duration_seconds";
    public static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private ForkedService service;
    private int port;
    private int metricsPort;

    /**
     * Starts the service with a worker pool of {@code workers} threads and these agent arguments.
     * Its standard error must hold nothing but the agent's line: a service sends its server's own
     * logging to standard output.
     */
    protected abstract ForkedService startService(int workers, String agentArgs) throws IOException;

    private ForkedService startService(int workers) throws IOException {
        return startService(workers, "host=127.0.0.1,port=0");
    }

    /** The name of the agent's instrumentation that measures this server, as in {@code tailwatch_agent_instrumentation_applied}. */
    protected abstract String instrumentationName();

    /** Class name of what {@code /throw} throws. */
    protected String thrownType() {
        return "java.lang.IllegalStateException";
    }

    /** The status a client receives from {@code /throw}; -1 when the server just closes the connection. */
    protected abstract int statusWhenHandlerThrows();

    /**
     * Whether the server has a worker pool the agent reads ({@code tailwatch_http_server_pool_*});
     * an event-loop server such as Netty has none, and must then export none.
     */
    protected boolean hasWorkerPool() {
        return true;
    }

    /**
     * Whether the server closes the connection after a response with this status. Tomcat does, as
     * httpd does, after 400, 408, 411, 413, 414, 500, 501 and 503: a test then sends its next request
     * on a new connection, and pipelines {@code /nobody} (204) between its {@code /hello}s instead of
     * {@code /error}. No server by default.
     */
    protected boolean closesConnectionAfter(int status) {
        return false;
    }

    /**
     * Whether the agent records allocation per request on this server
     * ({@code tailwatch_http_server_request_allocated_bytes}); not where requests run on virtual
     * threads, whose allocation the JVM does not count per thread. It must then record none.
     */
    protected boolean allocationIsMeasured() {
        return true;
    }

    /**
     * Checks the sixteen-connection phases of {@link #latencyIsWhatTheClientFeels}, where the service
     * was started with two workers: by default the agent's mean is the client's within 15 %, and the
     * queue holds most of the wait. A server without a bounded pool (a virtual thread per request)
     * asserts what holds for it instead.
     */
    protected void assertUnderLoad(double clientMean, double agentMean, double queueMean, String what) {
        assertTrue(Math.abs(agentMean - clientMean) <= 0.15 * clientMean, what);
        assertTrue(queueMean >= 0.5 * (clientMean - 0.005), "the queue holds most of the wait; " + what);
    }

    /**
     * Which series of a scrape hold the requests a test expects under {@code labels}: by default
     * those with exactly these labels. A service on a routing framework labels each request with the
     * route it matched too ({@code http_route}): its test may accept that label besides, for the
     * routes its service defines.
     */
    protected Predicate<Map<String, String>> series(Map<String, String> labels) {
        return labelsExactly(labels);
    }

    /**
     * The client for the request after {@code response}: the same one, or a new connection where the
     * server closed this one as {@link #closesConnectionAfter} says it may.
     */
    protected RawHttpClient continueAfter(RawHttpClient client, RawHttpClient.Response response) throws IOException {
        if (response.closed && closesConnectionAfter(response.status)) {
            client.close();
            return new RawHttpClient(port);
        }
        return client;
    }

    /** Checks, after start, what a server-specific promise says of the service's output; none by default. */
    protected void assertStartedUnchanged(ForkedService service) {
    }

    protected int port() {
        return port;
    }

    @BeforeAll
    public void startSharedService() throws IOException {
        service = startService(8);
        port = service.servicePort();
        metricsPort = service.metricsPort();
    }

    @AfterAll
    public void stopSharedService() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    public static Map<String, String> get(int status) {
        return Map.of("http_request_method", "GET", "http_response_status_code", Integer.toString(status));
    }

    @Test
    public void keepAliveRequestsAndConnectionsAreCountedExactly() throws Exception {
        MetricsScrape before = scrape();
        int connections = 3;
        int perConnection = 50;
        List<RawHttpClient> clients = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            clients.add(new RawHttpClient(port));
        }
        for (int i = 0; i < perConnection; i++) {
            for (RawHttpClient client : clients) {
                RawHttpClient.Response r = client.get("/hello", false);
                assertEquals(200, r.status);
                assertFalse(r.closed, "the server kept the connection open");
            }
        }
        MetricsScrape during = awaitDelta(before, DURATION + "_count", series(get(200)), connections * perConnection);
        assertEquals(connections, during.sum("tailwatch_connections_accepted_total") - before.sum("tailwatch_connections_accepted_total"),
                "one accept per TCP connection");
        assertEquals(connections, during.sum("tailwatch_connection_setup_seconds_count") - before.sum("tailwatch_connection_setup_seconds_count"),
                "one setup time per connection");
        assertEquals(before.sum("tailwatch_connections_open") + connections, during.sum("tailwatch_connections_open"));
        assertDelta(before, during, "tailwatch_http_server_request_queue_seconds_count", l -> true, connections * perConnection);
        // Allocation is recorded when the handling thread's task returns, a moment after the response.
        if (allocationIsMeasured()) {
            awaitDelta(before, "tailwatch_http_server_request_allocated_bytes_count", l -> true, connections * perConnection);
        }
        for (RawHttpClient client : clients) {
            client.close();
        }
        MetricsScrape after = awaitDelta(before, "tailwatch_connection_requests_count", l -> true, connections);
        assertEquals(connections * perConnection,
                after.sum("tailwatch_connection_requests_sum") - before.sum("tailwatch_connection_requests_sum"),
                "requests per connection add up to the requests sent");
        assertEquals(before.sum("tailwatch_connections_open"), after.sum("tailwatch_connections_open"));
        if (!allocationIsMeasured()) {
            assertDelta(before, after, "tailwatch_http_server_request_allocated_bytes_count", l -> true, 0);
        }
        assertEquals(connections * perConnection * HELLO.length,
                after.sum("http_server_response_body_size_bytes_sum", series(get(200)))
                        - before.sum("http_server_response_body_size_bytes_sum", series(get(200))));
    }

    @Test
    public void connectionCloseRequestsAreCountedExactly() throws Exception {
        MetricsScrape before = scrape();
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            try (RawHttpClient client = new RawHttpClient(port)) {
                RawHttpClient.Response r = client.get("/hello", true);
                assertEquals(200, r.status);
                assertTrue(r.closed);
            }
        }
        MetricsScrape after = awaitDelta(before, "tailwatch_connection_duration_seconds_count", l -> true, requests);
        assertDelta(before, after, DURATION + "_count", series(get(200)), requests);
        assertDelta(before, after, "tailwatch_connections_accepted_total", l -> true, requests);
        assertDelta(before, after, "tailwatch_connection_requests_sum", l -> true, requests);
    }

    @Test
    public void errorResponsesAndThrownExceptionsAreErrors() throws Exception {
        MetricsScrape before = scrape();
        RawHttpClient errors = new RawHttpClient(port);
        try {
            for (int i = 0; i < 20; i++) {
                RawHttpClient.Response r = errors.get("/error", false);
                assertEquals(500, r.status);
                errors = continueAfter(errors, r);
            }
        } finally {
            errors.close();
        }
        int thrown = 10;
        for (int i = 0; i < thrown; i++) {
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(statusWhenHandlerThrows(), client.get("/throw", false).status);
            }
        }
        Map<String, String> failed = new java.util.HashMap<>(Map.of("http_request_method", "GET", "error_type", thrownType()));
        if (statusWhenHandlerThrows() > 0) {
            failed.put("http_response_status_code", Integer.toString(statusWhenHandlerThrows()));
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(failed), thrown);
        Map<String, String> error500 = Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500");
        assertDelta(before, after, DURATION + "_count", series(error500), 20);
        assertEquals(0, after.sum("http_server_active_requests"), "no request is left active");
    }

    @Test
    public void responsesWithoutBodyChunkedAndAsyncAreMeasuredToTheirEnd() throws Exception {
        MetricsScrape before = scrape();
        int n = 10;
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < n; i++) {
                assertEquals(204, client.get("/nobody", false).status);
                RawHttpClient.Response chunked = client.get("/chunked", false);
                assertEquals(3 * HELLO.length, chunked.body.length);
                assertEquals(200, client.get("/async", false).status);
            }
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(get(200)), 2 * n);
        assertDelta(before, after, DURATION + "_count", series(get(204)), n);
        assertDelta(before, after, "http_server_response_body_size_bytes_sum", series(get(200)),
                n * 3 * HELLO.length + n * HELLO.length);
        // Async responses complete 5 ms after the handler returns: measured to completion, the
        // 200 responses (chunked ones take microseconds) cannot average under 2.5 ms.
        double seconds = after.sum(DURATION + "_sum", series(get(200))) - before.sum(DURATION + "_sum", series(get(200)));
        assertTrue(seconds / (2 * n) >= 0.0025, "mean of chunked and async responses " + seconds / (2 * n) + " s");
    }

    @Test
    public void asyncResponsesAreMeasuredToTheirCompletion() throws Exception {
        MetricsScrape before = scrape();
        int n = 10;
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < n; i++) {
                RawHttpClient.Response r = client.get("/async", false);
                assertEquals(200, r.status);
                assertEquals(HELLO.length, r.body.length);
            }
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(get(200)), n);
        // Each completes 5 ms after its handler returned, on another thread.
        double seconds = after.sum(DURATION + "_sum", series(get(200))) - before.sum(DURATION + "_sum", series(get(200)));
        assertTrue(seconds >= n * 0.005, n + " async responses took " + seconds + " s in all, less than their 5 ms each");
        assertEquals(0, after.sum("http_server_active_requests"), "no request is left active");
    }

    @Test
    public void aSlowRequestIsRecordedAsAtLeastItsDelay() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(200, client.get("/sleep?ms=300", false).status);
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(get(200)), 1);
        double seconds = after.sum(DURATION + "_sum", series(get(200))) - before.sum(DURATION + "_sum", series(get(200)));
        assertTrue(seconds >= 0.3, "a 300 ms request recorded as " + seconds + " s");
        Predicate<Map<String, String>> ok = series(get(200));
        assertDelta(before, after, DURATION + "_bucket", l -> "0.25".equals(l.get("le")) && ok.test(l), 0);
    }

    @Test
    public void pipelinedRequestsAreCountedExactly() throws Exception {
        MetricsScrape before = scrape();
        int rounds = 5;
        int depth = 10;
        boolean errorCloses = closesConnectionAfter(500);
        String other = errorCloses ? "/nobody" : "/error";
        int otherStatus = errorCloses ? 204 : 500;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            paths.add(i % 2 == 0 ? "/hello" : other);
        }
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int r = 0; r < rounds; r++) {
                List<RawHttpClient.Response> responses = client.pipeline(paths);
                for (int i = 0; i < depth; i++) {
                    assertEquals(i % 2 == 0 ? 200 : otherStatus, responses.get(i).status, "response " + i + " of round " + r);
                }
            }
        }
        MetricsScrape after = awaitDelta(before, "tailwatch_connection_requests_sum", l -> true, rounds * depth);
        assertDelta(before, after, DURATION + "_count", series(get(200)), rounds * depth / 2);
        Map<String, String> otherLabels = errorCloses ? get(204)
                : Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500");
        assertDelta(before, after, DURATION + "_count", series(otherLabels), rounds * depth / 2);
        assertDelta(before, after, "tailwatch_connection_setup_seconds_count", l -> true, 1);
    }

    @Test
    public void requestAndResponseBodySizes() throws Exception {
        MetricsScrape before = scrape();
        byte[] body = new byte[1000];
        Arrays.fill(body, (byte) 'x');
        Map<String, String> post200 = Map.of("http_request_method", "POST", "http_response_status_code", "200");
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < 5; i++) {
                RawHttpClient.Response r = client.send("POST", "/echo", body, false);
                assertEquals(200, r.status);
                assertEquals(body.length, r.body.length);
            }
        }
        MetricsScrape after = awaitDelta(before, DURATION + "_count", series(post200), 5);
        assertDelta(before, after, "http_server_request_body_size_bytes_sum", series(post200), 5000);
        assertDelta(before, after, "http_server_response_body_size_bytes_sum", series(post200), 5000);
    }

    @Test
    public void requestsTheServerAnswersItselfAreCounted() throws Exception {
        MetricsScrape before = scrape();
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(404, client.get("/no/such/context", false).status);
        }
        awaitDelta(before, DURATION + "_count", series(get(404)), 1);
    }

    @Test
    public void apacheBenchCountsAreExactWithKeepAliveAndConnectionClose() throws Exception {
        // ab sometimes opens a connection or two more than it has requests, at most one per
        // concurrent slot, and the kernel's count of passive opens shows them too. That count is
        // host-wide (other processes' connections land in it), so it is an upper bound only.
        MetricsScrape before = scrape();
        long kernelBefore = tcpPassiveOpens();
        runAb(200, 4, false);
        long kernelOpens = tcpPassiveOpens() - kernelBefore;
        MetricsScrape middle = awaitDelta(before, DURATION + "_count", series(get(200)), 200);
        double accepted = middle.sum("tailwatch_connections_accepted_total", l -> true)
                - before.sum("tailwatch_connections_accepted_total", l -> true);
        assertTrue(accepted >= 200 && accepted <= 200 + 4 && accepted <= kernelOpens,
                "connections accepted " + accepted + ": ab sent 200 requests on as many connections, "
                        + "with 4 at a time; the kernel saw " + kernelOpens + " passive opens on the host");
        runAb(400, 4, true);
        awaitDelta(middle, DURATION + "_count", series(get(200)), 400);
    }

    /** {@code Tcp: PassiveOpens} of /proc/net/snmp: connections the kernel accepted on this host. */
    private static long tcpPassiveOpens() throws IOException {
        List<String> tcp = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp"))) {
            if (line.startsWith("Tcp:")) {
                tcp.add(line);
            }
        }
        List<String> names = Arrays.asList(tcp.get(0).split("\\s+"));
        return Long.parseLong(tcp.get(1).split("\\s+")[names.indexOf("PassiveOpens")]);
    }

    private void runAb(int requests, int concurrency, boolean keepAlive) throws Exception {
        runAb(port, requests, concurrency, keepAlive);
    }

    /** Runs {@code ab} against {@code /hello} and asserts it completed every request, none failed. */
    public static void runAb(int port, int requests, int concurrency, boolean keepAlive) throws Exception {
        List<String> command = new ArrayList<>(List.of("ab", "-q", "-n", Integer.toString(requests), "-c", Integer.toString(concurrency)));
        if (keepAlive) {
            command.add("-k");
        }
        command.add("http://127.0.0.1:" + port + "/hello");
        Process ab = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ab.waitFor(), output);
        Matcher complete = Pattern.compile("Complete requests:\\s+(\\d+)").matcher(output);
        Matcher failed = Pattern.compile("Failed requests:\\s+(\\d+)").matcher(output);
        assertTrue(complete.find() && failed.find(), output);
        assertEquals(requests, Integer.parseInt(complete.group(1)), output);
        assertEquals(0, Integer.parseInt(failed.group(1)), output);
    }

    @Test
    public void histogramBucketsAreCumulativeAndEndInCount() throws Exception {
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < 20; i++) {
                client.get("/hello", false);
            }
        }
        MetricsScrape scrape = scrape();
        String[] les = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
        Predicate<Map<String, String>> ok = series(get(200));
        double previous = 0;
        for (String le : les) {
            Predicate<Map<String, String>> bucket = l -> le.equals(l.get("le")) && ok.test(l);
            assertTrue(scrape.has(DURATION + "_bucket", bucket), "bucket le=" + le + " present");
            double v = scrape.sum(DURATION + "_bucket", bucket);
            assertTrue(v >= previous, "cumulative at le=" + le);
            previous = v;
        }
        assertEquals(scrape.sum(DURATION + "_count", ok), previous, "+Inf bucket equals _count");
    }

    @Test
    public void workerPoolIsReadAtScrapeTime() throws Exception {
        Predicate<Map<String, String>> thisServer = l -> Integer.toString(port).equals(l.get("server_port"));
        if (!hasWorkerPool()) {
            try (RawHttpClient client = new RawHttpClient(port)) {
                assertEquals(200, client.get("/hello", false).status);
            }
            assertFalse(scrape().text.contains("tailwatch_http_server_pool_"), "no pool, no pool gauges");
            return;
        }
        assertEquals(8, scrape().sum("tailwatch_http_server_pool_max_threads", thisServer), "the service's pool of 8");
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<RawHttpClient.Response>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(clients.submit(() -> {
                    try (RawHttpClient client = new RawHttpClient(port)) {
                        return client.get("/sleep?ms=1500", true);
                    }
                }));
            }
            awaitValue("tailwatch_http_server_pool_busy_threads", thisServer, 4);
            for (Future<RawHttpClient.Response> f : slow) {
                assertEquals(200, f.get().status);
            }
            awaitValue("tailwatch_http_server_pool_busy_threads", thisServer, 0);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Scrapes until the gauge reads {@code expected}; fails after 20 s. */
    private void awaitValue(String name, Predicate<Map<String, String>> filter, double expected) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        double value;
        do {
            value = scrape().sum(name, filter);
            if (value == expected) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        fail(name + " is " + value + ", expected " + expected);
    }

    @Test
    public void agentPrintsOneLineAndNothingElse() {
        List<String> lines = service.stderr();
        assertEquals(1, lines.size(), "standard error holds the agent's start line and nothing else (no JVM warning): " + lines);
        assertTrue(lines.get(0).startsWith("tailwatch: ") && lines.get(0).contains(" active on Java "), lines.get(0));
        assertTrue(lines.get(0).matches(".*; instrumenting .*\\b" + instrumentationName() + "\\b.*"), lines.get(0));
        assertStartedUnchanged(service);
    }

    @Test
    public void theAgentReportsWhichInstrumentationApplied() throws Exception {
        MetricsScrape scrape = scrape();
        assertEquals(1, scrape.value("tailwatch_agent_instrumentation_applied", Map.of("name", instrumentationName())),
                scrape.text);
        assertEquals(1, scrape.value("tailwatch_agent_instrumentation_applied", Map.of("name", "tcp-accept")));
    }

    /**
     * The request clock starts when the server has the request, before it waits for a worker: with
     * two workers and sixteen connections, the agent's mean is the client's, not the handler's.
     * The service is warmed up first and the agent's quantile window (6 s) left to forget each
     * phase before the next, so that the quantiles printed belong to one phase each.
     */
    @Test
    public void latencyIsWhatTheClientFeels() throws Exception {
        try (ForkedService twoWorkers = startService(2, "host=127.0.0.1,port=0,window=6s")) {
            int port = twoWorkers.servicePort();
            int metrics = twoWorkers.metricsPort();
            load(port, 4, 50, true);
            Thread.sleep(7_500);

            // One connection: no queue; every quantile within what the client measured. The agent's
            // clock stops after the last write returns, which a virtual thread parked right after it
            // (or any thread descheduled on a busy CI core) can push past the moment the client
            // read the response: 1 ms of slack for that, on top of the histograms' 1 % precision.
            // A clock started at the wrong place (the connection's accept, the previous response)
            // still fails, by the whole 5 ms handler time or more.
            MetricsScrape before = MetricsScrape.of(metrics);
            List<Long> single = load(port, 1, 40, true);
            MetricsScrape after = awaitDelta(metrics, before, DURATION + "_count", series(get(200)), 40);
            long clientMax = single.stream().mapToLong(Long::longValue).max().orElseThrow();
            for (String q : new String[]{"0.5", "0.9", "0.99", "0.999", "1"}) {
                double v = after.value("tailwatch_http_server_request_duration_quantile_seconds", Map.of("quantile", q));
                assertTrue(v >= 0.005 && v <= clientMax / 1e9 * 1.01 + 0.001,
                        "quantile " + q + " = " + v + " s outside [handler's 0.005 s, client's max "
                                + clientMax / 1e9 + " s + 1 % + 1 ms]");
            }
            // The mean gets the same 1 ms of slack as each quantile, for the same reason: on JDK 25 a
            // virtual thread once stopped the clock 3.5 µs on average after the client had its
            // responses (CI of 85b644c, Spring MVC).
            double agentMean = mean(before, after, DURATION, get(200));
            assertTrue(agentMean <= meanSeconds(single) + 0.001,
                    "agent mean " + agentMean + " > client mean " + meanSeconds(single) + " + 1 ms");
            double singleQueue = mean(before, after, "tailwatch_http_server_request_queue_seconds", Map.of());
            assertTrue(singleQueue < 0.002, "queue time with one connection " + singleQueue + " s");
            report("one connection", single, before, after);

            for (boolean keepAlive : new boolean[]{true, false}) {
                Thread.sleep(7_500);
                before = MetricsScrape.of(metrics);
                List<Long> client = load(port, 16, 20, keepAlive);
                after = awaitDelta(metrics, before, DURATION + "_count", series(get(200)), 16 * 20);
                double clientMean = meanSeconds(client);
                agentMean = mean(before, after, DURATION, get(200));
                double queueMean = mean(before, after, "tailwatch_http_server_request_queue_seconds", Map.of());
                String what = report(keepAlive ? "16 connections, keep-alive" : "16 connections, Connection: close",
                        client, before, after);
                assertUnderLoad(clientMean, agentMean, queueMean, what);
            }
        }
    }

    /** Prints the client's and the agent's mean and P99 for the note and the README. */
    private String report(String phase, List<Long> client, MetricsScrape before, MetricsScrape after) {
        List<Long> sorted = new ArrayList<>(client);
        sorted.sort(null);
        double clientP99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1) / 1e9;
        String what = String.format(java.util.Locale.ROOT,
                "%s: client mean %.2f ms p99 %.2f ms; agent mean %.2f ms p99 %.2f ms; queue mean %.2f ms",
                phase, meanSeconds(client) * 1e3, clientP99 * 1e3, mean(before, after, DURATION, get(200)) * 1e3,
                after.value("tailwatch_http_server_request_duration_quantile_seconds", Map.of("quantile", "0.99")) * 1e3,
                mean(before, after, "tailwatch_http_server_request_queue_seconds", Map.of()) * 1e3);
        System.out.println("[latency] " + getClass().getSimpleName() + " " + what);
        return what;
    }

    /** {@code connections} clients each send {@code requests} requests to /sleep?ms=5; returns client latencies. */
    private static List<Long> load(int port, int connections, int requests, boolean keepAlive) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                futures.add(pool.submit(() -> {
                    List<Long> latencies = new ArrayList<>();
                    RawHttpClient client = keepAlive ? new RawHttpClient(port) : null;
                    try {
                        for (int i = 0; i < requests; i++) {
                            RawHttpClient.Response r;
                            if (keepAlive) {
                                r = client.get("/sleep?ms=5", false);
                            } else {
                                try (RawHttpClient once = new RawHttpClient(port)) {
                                    r = once.get("/sleep?ms=5", true);
                                }
                            }
                            if (r.status != 200) {
                                throw new AssertionError("status " + r.status);
                            }
                            latencies.add(r.nanos);
                        }
                    } finally {
                        if (client != null) {
                            client.close();
                        }
                    }
                    return latencies;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double meanSeconds(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e9;
    }

    private double mean(MetricsScrape before, MetricsScrape after, String histogram, Map<String, String> labels) {
        Predicate<Map<String, String>> filter = series(labels);
        double sum = after.sum(histogram + "_sum", filter) - before.sum(histogram + "_sum", filter);
        double count = after.sum(histogram + "_count", filter) - before.sum(histogram + "_count", filter);
        return sum / count;
    }

    protected MetricsScrape scrape() throws IOException, InterruptedException {
        return MetricsScrape.of(metricsPort);
    }

    protected MetricsScrape awaitDelta(MetricsScrape before, String name, Predicate<Map<String, String>> filter, double expected)
            throws IOException, InterruptedException {
        return awaitDelta(metricsPort, before, name, filter, expected);
    }

    /**
     * Scrapes until {@code name}'s increase over {@code before} reaches {@code expected}: the client
     * can have a response a moment before the server thread records it. Fails on overshoot or after
     * 20 s.
     */
    public static MetricsScrape awaitDelta(int metricsPort, MetricsScrape before, String name, Predicate<Map<String, String>> filter,
                                    double expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            MetricsScrape now = MetricsScrape.of(metricsPort);
            double delta = now.sum(name, filter) - before.sum(name, filter);
            if (delta == expected) {
                return now;
            }
            if (delta > expected || System.nanoTime() > deadline) {
                fail(name + " increased by " + delta + ", expected " + expected + "\n" + now.text);
            }
            Thread.sleep(50);
        }
    }

    public static void assertDelta(MetricsScrape before, MetricsScrape after, String name, Predicate<Map<String, String>> filter,
                            double expected) {
        assertEquals(expected, after.sum(name, filter) - before.sum(name, filter), name);
    }
}
