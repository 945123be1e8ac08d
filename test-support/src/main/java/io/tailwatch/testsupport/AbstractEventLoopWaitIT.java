package io.tailwatch.testsupport;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tailwatch.testsupport.AbstractHttpServerIT.awaitDelta;
import static io.tailwatch.testsupport.AbstractHttpServerIT.get;
import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An event-loop server with its handlers on its one I/O thread (a Netty service with WORKERS 0 and
 * {@code -Dio.netty.eventLoopThreads=1}; Undertow's core service with WORKERS 0 and
 * {@code -Dundertow.ioThreads=1}), with each of its transports: a request that waits, readable,
 * while the loop serves the channels before it in the same wake-up is measured with that wait.
 * The service takes {@code PORT 0 TRANSPORT}; a module names the service, its transports and the
 * JVM option that leaves it one loop.
 *
 * <p>A blocker ({@code /sleep?ms=BLOCK}) holds the loop while {@link #FOLLOWERS} other connections
 * each send {@code /sleep?ms=HANDLER}; when the blocker's response is out, the loop's next select
 * returns them all, and it serves them one after the other: they waited 0, 1, 2 and 3 handler
 * times in that wake-up. A clock started as the server reaches each one gives the five requests
 * a mean of {@code (BLOCK + 4 × HANDLER) / 5} = 100 ms; from the wake-up, {@code (BLOCK + 10 ×
 * HANDLER) / 5} = 160 ms. The sleeps are lower bounds, so a slow machine only lengthens both; what
 * the agent cannot see (the followers' wait before the wake-up, behind the blocker) keeps its mean
 * under the client's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractEventLoopWaitIT {
    static final int FOLLOWERS = 4;
    static final int BLOCK_MS = 300;
    static final int HANDLER_MS = 50;

    /** Runs the check against {@code service}, started with one event loop and its handlers on it. */
    private static void assertWaitInWakeUpMeasured(ForkedService service) throws Exception {
        int port = service.servicePort();
        List<RawHttpClient> followers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(FOLLOWERS + 1);
        try (RawHttpClient blocker = new RawHttpClient(port)) {
            // Connected and served once each first: registered with the loop before the blocker holds it.
            assertEquals(200, blocker.get("/hello", false).status);
            for (int i = 0; i < FOLLOWERS; i++) {
                RawHttpClient follower = new RawHttpClient(port);
                followers.add(follower);
                assertEquals(200, follower.get("/hello", false).status);
            }
            MetricsScrape before = MetricsScrape.of(service.metricsPort());
            Future<RawHttpClient.Response> blocked = pool.submit(() -> blocker.get("/sleep?ms=" + BLOCK_MS, false));
            Thread.sleep(BLOCK_MS / 6);
            List<Future<RawHttpClient.Response>> followed = new ArrayList<>();
            for (RawHttpClient follower : followers) {
                followed.add(pool.submit(() -> follower.get("/sleep?ms=" + HANDLER_MS, false)));
            }
            double clientSum = blocked.get(30, TimeUnit.SECONDS).nanos / 1e9;
            for (Future<RawHttpClient.Response> f : followed) {
                RawHttpClient.Response response = f.get(30, TimeUnit.SECONDS);
                assertEquals(200, response.status);
                clientSum += response.nanos / 1e9;
            }
            MetricsScrape after = awaitDelta(service.metricsPort(), before, "http_server_request_duration_seconds_count",
                    labelsExactly(get(200)), FOLLOWERS + 1);
            double agentMean = (after.sum("http_server_request_duration_seconds_sum", labelsExactly(get(200)))
                    - before.sum("http_server_request_duration_seconds_sum", labelsExactly(get(200)))) / (FOLLOWERS + 1);
            double clientMean = clientSum / (FOLLOWERS + 1);
            String what = String.format(java.util.Locale.ROOT, "agent mean %.1f ms, client mean %.1f ms", agentMean * 1e3, clientMean * 1e3);
            System.out.println("[event loop] " + what);
            // Halfway between the two clocks: 130 ms.
            double fromDecoder = (BLOCK_MS + FOLLOWERS * HANDLER_MS) / 1e3 / (FOLLOWERS + 1);
            double fromWakeUp = (BLOCK_MS + (FOLLOWERS * (FOLLOWERS + 1) / 2.0) * HANDLER_MS) / 1e3 / (FOLLOWERS + 1);
            assertTrue(agentMean >= (fromDecoder + fromWakeUp) / 2, "the wait in the wake-up is left out: " + what);
            assertTrue(agentMean <= clientMean, "the agent's mean above the client's: " + what);
        } finally {
            pool.shutdownNow();
            for (RawHttpClient follower : followers) {
                follower.close();
            }
        }
    }

    protected abstract Class<?> serviceClass();

    /** The JVM option that leaves the service one event loop; by default a Netty service's. */
    protected String oneLoop() {
        return "-Dio.netty.eventLoopThreads=1";
    }

    /** The transports the service takes as its third argument; by default a Netty service's. */
    protected List<String> transports() {
        return List.of("nio", "epoll");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    public void aRequestWaitingForItsLoopIsMeasuredFromTheLoopsWakeUp(String transport) throws Exception {
        try (ForkedService service = ForkedService.start(ForkedService.jdk("tailwatch.test.jdk17"), List.of(oneLoop()),
                "host=127.0.0.1,port=0", List.of(), serviceClass().getName(), "0", "0", transport)) {
            assertWaitInWakeUpMeasured(service);
        }
    }
}
