package io.tailwatch.agent.recording;

import io.tailwatch.agent.config.AgentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerRequestTest {
    private Recording recording;

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    private RequestSeries only() {
        assertEquals(1, recording.http().series().all().size(), "one label set");
        return recording.http().series().all().get(0);
    }

    @Test
    void aRequestIsRecordedFromItsArrivalToItsEnd() {
        ServerConnection connection = new ServerConnection(recording.connections(), 1_000);
        connection.readable(5_000);
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(connection, connection.arrival(), "GET", -1));
        assertEquals(1, recording.http().active());
        request.handlerStarted(7_000);
        request.handlerStarted(9_000);
        request.status(200);
        request.responseBodyWritten(13);
        assertTrue(request.end(25_000));
        assertFalse(request.end(26_000), "recorded once");

        RequestSeries s = only();
        assertEquals("GET", s.method());
        assertEquals("200", s.statusCode());
        assertNull(s.errorType());
        assertEquals(1, count(s));
        assertEquals(20_000, s.duration().sum());
        assertEquals(13, s.responseBodyBytes());
        assertEquals(0, recording.http().active());
        recording.read(r -> {
            assertEquals(1, r.http().queue().cumulative().getTotalCount(), "only the first handler start counts");
            assertTrue(r.connections().setup().cumulative().valuesAreEquivalent(4_000, r.connections().setup().cumulative().getMaxValue()),
                    "setup is the first arrival (readable at 5 000) minus the open (1 000)");
        });
    }

    @Test
    void aPipelinedRequestArrivesWhenItsPredecessorEnds() {
        ServerConnection connection = new ServerConnection(recording.connections(), 0);
        connection.readable(100);
        ServerRequest request = new ServerRequest();
        request.begin(connection, connection.arrival(), "GET", -1);
        request.end(5_000);
        assertEquals(5_000, connection.arrival(), "the next request waited in the buffer since then");
        connection.readable(9_000);
        assertEquals(9_000, connection.arrival(), "an idle keep-alive connection's request arrives when readable");
        request.begin(connection, connection.arrival(), "GET", -1);
        request.end(10_000);
        connection.closed(11_000);
        connection.closed(12_000);
        assertEquals(2, connection.requests());
        recording.read(r -> {
            assertEquals(1, r.connections().setup().cumulative().getTotalCount(), "setup recorded for the first request only");
            assertEquals(1, r.connections().lifetime().cumulative().getTotalCount(), "closed once");
            assertEquals(1, r.connections().requests().cumulative().getCountAtValue(2));
        });
    }

    @Test
    void anExceptionBecomesTheErrorTypeBesideTheStatusSent() {
        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "POST", 10);
        request.threw(new IllegalStateException());
        request.threw(new IllegalArgumentException());
        request.status(500);
        request.end(1_000);
        RequestSeries s = only();
        assertEquals("POST", s.method());
        assertEquals("500", s.statusCode());
        assertEquals("java.lang.IllegalStateException", s.errorType());
        assertEquals(10, s.requestBodyBytes());
    }

    @Test
    void aServletExceptionThatOnlyCarriesTheApplicationsExceptionStandsForIt() {
        IllegalStateException thrown = new IllegalStateException("handler failed");
        assertEquals("java.lang.IllegalStateException",
                ServerRequest.errorType(new jakarta.servlet.ServletException("Request processing failed", thrown)));
        assertEquals("java.lang.IllegalStateException", ServerRequest.errorType(
                new jakarta.servlet.ServletException(new jakarta.servlet.ServletException(thrown))), "wrapped twice");
        assertEquals("jakarta.servlet.ServletException", ServerRequest.errorType(new jakarta.servlet.ServletException("no cause")));
        assertEquals("jakarta.servlet.UnavailableException", ServerRequest.errorType(new jakarta.servlet.UnavailableException("down")),
                "a subclass is an error type of its own");
        assertEquals("java.lang.RuntimeException", ServerRequest.errorType(new RuntimeException(thrown)),
                "only the servlet wrapper is unwrapped");

        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "GET", -1);
        request.threw(new jakarta.servlet.ServletException("Request processing failed", thrown));
        request.status(500);
        request.end(1_000);
        assertEquals("java.lang.IllegalStateException", only().errorType());
    }

    @Test
    void theFirstRouteSetIfAbsentStaysAndRouteStillReplacesIt() {
        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "GET", -1);
        request.routeIfAbsent("/owners/{ownerId}");
        request.routeIfAbsent("/error");
        request.status(200);
        request.end(1_000);
        assertEquals("/owners/{ownerId}", only().route(), "a later dispatch does not rename the request");

        request.begin(null, 2_000, "GET", -1);
        request.routeIfAbsent("/owners/{ownerId}");
        request.route("/vets");
        request.status(200);
        request.end(3_000);
        request.begin(null, 4_000, "GET", -1);
        request.status(200);
        request.end(5_000);
        request.routeIfAbsent("/late");
        RequestSeries vets = null;
        int withoutRoute = 0;
        for (RequestSeries s : recording.http().series().all()) {
            if ("/vets".equals(s.route())) {
                vets = s;
            } else if (s.route() == null) {
                withoutRoute++;
            }
        }
        assertEquals(1, count(vets), "route() replaces what routeIfAbsent set");
        assertEquals(1, withoutRoute, "a recycled request starts without a route; one set after its end is ignored");
        assertEquals(3, recording.http().series().all().size());
    }

    @Test
    void aRequestNeverEndedIsRecordedAsFailedWhenTheObjectIsReused() {
        ServerRequest request = new ServerRequest();
        request.begin(null, 0, "GET", -1);
        request.status(200);
        request.begin(null, 2_000, "GET", -1);
        request.status(200);
        request.end(3_000);
        long total = 0;
        for (RequestSeries s : recording.http().series().all()) {
            total += count(s);
        }
        assertEquals(2, total, "both requests counted");
        assertEquals(0, recording.http().active());
    }

    @Test
    void nothingIsRecordedWhileTheAgentIsNotRecording() {
        Recording.install(null);
        ServerRequest request = new ServerRequest();
        assertFalse(request.begin(null, 0, "GET", -1));
        assertFalse(request.end(1));
        assertNull(ServerConnection.open());
        assertTrue(recording.http().series().all().isEmpty());
    }

    @Test
    void endsRacingOnTwoThreadsRecordOnce() throws Exception {
        ServerRequest request = new ServerRequest();
        AtomicInteger recorded = new AtomicInteger();
        for (int i = 0; i < 2_000; i++) {
            request.begin(null, 0, "GET", -1);
            request.status(200);
            CountDownLatch go = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                await(go);
                if (request.end(1_000)) {
                    recorded.incrementAndGet();
                }
            });
            other.start();
            go.countDown();
            if (request.end(1_000)) {
                recorded.incrementAndGet();
            }
            other.join();
        }
        assertEquals(2_000, recorded.get());
        assertEquals(2_000, count(only()));
    }

    private static long count(RequestSeries s) {
        long[] cumulative = s.duration().cumulativeCounts();
        return cumulative[cumulative.length - 1];
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void onlyARequestWhoseHandlerHasNotStartedIsHandedOff() {
        ServerRequest request = new ServerRequest();
        assertTrue(request.begin(null, 1_000, "GET", -1));
        assertFalse(request.handedOff());
        request.handOff();
        assertTrue(request.handedOff());
        request.end(2_000);
        assertTrue(request.begin(null, 3_000, "GET", -1));
        assertFalse(request.handedOff(), "the next request starts afresh");
        request.handlerStarted(3_500);
        request.handOff();
        assertFalse(request.handedOff(), "work a started handler hands on is no wait for its start");
    }
}
