package io.tailwatch.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cardinality attack on an instrumented server in its own JVM with the real agent jar: requests
 * with random paths and query strings, random methods (the standard ones and made-up tokens) and,
 * where the service answers any status asked for, random status codes. The agent runs with a small
 * {@code max.series}. It must keep the label sets of {@code http_server_request_duration_seconds}
 * under that cap, record every request beyond it in the overflow series and count exactly those in
 * {@code tailwatch_http_server_series_overflow_total}, label every method outside the
 * OpenTelemetry list {@code _OTHER}, never let a path, query or made-up method into {@code /metrics},
 * count every request, and keep its heap flat once the cap is reached.
 *
 * <p>Requests are sent one after another, so the order in which label sets first appear, and with
 * it which ones get a series before the cap, is the order sent: the test replays that order to know
 * exactly how many requests overflow. Every random token starts with {@code zq} (or {@code ZQ} for
 * methods), so a single search of the scrape finds any that leaked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractCardinalityIT {
    public static final String COUNT = "http_server_request_duration_seconds_count";
    public static final String OVERFLOW_TOTAL = "tailwatch_http_server_series_overflow_total";
    /** The methods the OpenTelemetry HTTP conventions name; any other is {@code _OTHER}. */
    public static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    /** What the random requests use: every known method but CONNECT, which asks for a tunnel, and made-up ones. */
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH");
    private static final String SERIES_CLASS = "io.tailwatch.agent.recording.RequestSeries";

    private ForkedService service;
    private int port;
    private int metricsPort;

    /** One request of the attack and the status the service must answer it with. */
    protected static final class Attack {
        final String method;
        final String target;
        final int status;

        public Attack(String method, String target, int status) {
            this.method = method;
            this.target = target;
            this.status = status;
        }
    }

    /** Starts the service with these agent arguments; its standard error must hold only the agent's start line. */
    protected abstract ForkedService startService(String agentArgs) throws IOException;

    /** The home of the JDK the service runs on, whose {@code jcmd} reads its heap. */
    protected abstract Path jdk();

    /** The agent's {@code max.series} for this service: well below the label sets the attack can produce. */
    protected abstract int maxSeries();

    /** A random request: a {@link #randomMethod} and a path and query built from {@link #token}s. */
    protected abstract Attack randomRequest(Random random);

    /** GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH, or (one time in three) a made-up method such as {@code ZQ4K7W}. */
    protected static String randomMethod(Random random) {
        if (random.nextInt(3) == 0) {
            return token(random).toUpperCase(Locale.ROOT);
        }
        return METHODS.get(random.nextInt(METHODS.size()));
    }

    /** A random token: {@code zq} and 4 to 12 letters and digits. */
    protected static String token(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder("zq");
        int length = 4 + random.nextInt(9);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @BeforeAll
    void start() throws Exception {
        service = startService("host=127.0.0.1,port=0,max.series=" + maxSeries());
        port = service.servicePort();
        metricsPort = service.metricsPort();
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
    void randomPathsMethodsAndStatusesStayUnderTheSeriesCapAndOverflowsAreCounted() throws Exception {
        int cap = maxSeries();
        MetricsScrape before = MetricsScrape.of(metricsPort);
        Set<Map<String, String>> series = labelSets(before);
        AgentHeap heapBefore = heap();

        long start = System.nanoTime();
        long overflowFirst = attack(new Random(8_001), 20_000, series);
        double firstSeconds = (System.nanoTime() - start) / 1e9;
        MetricsScrape first = MetricsScrape.of(metricsPort);
        assertScrape(before, first, 20_000, overflowFirst, series);
        AgentHeap heapFirst = heap();

        // The cap is reached: from here on nothing may grow, whatever comes.
        start = System.nanoTime();
        long overflowSecond = attack(new Random(8_002), 10_000, series);
        double secondSeconds = (System.nanoTime() - start) / 1e9;
        MetricsScrape second = MetricsScrape.of(metricsPort);
        assertScrape(first, second, 10_000, overflowSecond, series);
        AgentHeap heapSecond = heap();

        System.out.printf("CARDINALITY %s: max.series=%d; 20000 random requests in %.1f s: %d series, %d overflowed;"
                        + " 10000 more in %.1f s: %d overflowed; agent heap %d bytes before, %d after the first, %d after"
                        + " the second (%d RequestSeries)%n", getClass().getSimpleName(), cap, firstSeconds,
                series.size(), overflowFirst, secondSeconds, overflowSecond, heapBefore.agentBytes(), heapFirst.agentBytes(),
                heapSecond.agentBytes(), heapSecond.instances(SERIES_CLASS));
        assertTrue(overflowFirst > 0 && overflowSecond > 0, "the attack went beyond the cap");
        assertTrue(heapSecond.instances(SERIES_CLASS) <= cap + 1, heapSecond.instances(SERIES_CLASS)
                + " RequestSeries for a cap of " + cap + " and the overflow series");
        long grown = heapSecond.agentBytes() - heapFirst.agentBytes();
        assertTrue(grown <= 16 * 1024, "agent heap grew by " + grown + " bytes in 10000 requests past the cap\n"
                + heapSecond.agentChangesSince(heapFirst, 1));
    }

    /**
     * Sends {@code count} random requests one after another (on one connection while the server
     * keeps it), checks each answer, and replays the agent's rule on {@code series}, the label sets
     * that exist: a new one is added while there are fewer than the cap, else its request overflows.
     *
     * @return the requests that must have gone to the overflow series
     */
    private long attack(Random random, int count, Set<Map<String, String>> series) throws IOException {
        long overflow = 0;
        RawHttpClient client = new RawHttpClient(port);
        try {
            for (int i = 0; i < count; i++) {
                Attack a = randomRequest(random);
                RawHttpClient.Response response = client.send(a.method, a.target, null, false);
                assertEquals(a.status, response.status, a.method + " " + a.target);
                Map<String, String> labels = labels(a.method, a.status);
                if (!series.contains(labels)) {
                    if (series.size() < maxSeries()) {
                        series.add(labels);
                    } else {
                        overflow++;
                    }
                }
                if (client.isClosed()) {
                    client.close();
                    client = new RawHttpClient(port);
                }
            }
        } finally {
            client.close();
        }
        return overflow;
    }

    private void assertScrape(MetricsScrape before, MetricsScrape after, int requests, long overflow,
                              Set<Map<String, String>> expectedSeries) {
        assertEquals(requests, after.sum(COUNT) - before.sum(COUNT), "every request counted");
        assertEquals(overflow, after.sum(OVERFLOW_TOTAL) - before.sum(OVERFLOW_TOTAL), "requests past the cap");
        assertEquals(overflow, after.sum(COUNT, l -> "true".equals(l.get("otel_metric_overflow")))
                - before.sum(COUNT, l -> "true".equals(l.get("otel_metric_overflow"))), "requests in the overflow series");
        Set<Map<String, String>> seen = labelSets(after);
        assertTrue(seen.size() <= maxSeries(), seen.size() + " label sets for a cap of " + maxSeries());
        assertEquals(expectedSeries, seen, "the label sets, first come first served");
        for (Map<String, String> labels : seen) {
            String method = labels.get("http_request_method");
            assertTrue(KNOWN_METHODS.contains(method) || method.equals("_OTHER"), "method label " + method);
        }
        assertTrue(seen.stream().anyMatch(l -> "_OTHER".equals(l.get("http_request_method"))), "made-up methods are _OTHER");
        int leak = after.text.toLowerCase(Locale.ROOT).indexOf("zq");
        assertFalse(leak >= 0, () -> "a path, query or method reached /metrics: "
                + after.text.substring(Math.max(0, leak - 200), Math.min(after.text.length(), leak + 100)));
    }

    /** The label set a request of {@code method} answered {@code status} must have: status 5xx is also its error type. */
    private static Map<String, String> labels(String method, int status) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("http_request_method", KNOWN_METHODS.contains(method) ? method : "_OTHER");
        labels.put("http_response_status_code", Integer.toString(status));
        if (status >= 500) {
            labels.put("error_type", Integer.toString(status));
        }
        return labels;
    }

    /** The label sets of the request series in a scrape, but the overflow series. */
    private static Set<Map<String, String>> labelSets(MetricsScrape scrape) {
        Set<Map<String, String>> sets = new HashSet<>();
        for (Map<String, String> labels : scrape.labels(COUNT)) {
            if (!labels.containsKey("otel_metric_overflow")) {
                sets.add(new TreeMap<>(labels));
            }
        }
        return sets;
    }

    private AgentHeap heap() throws IOException, InterruptedException {
        return AgentHeap.of(jdk(), service.pid());
    }
}
