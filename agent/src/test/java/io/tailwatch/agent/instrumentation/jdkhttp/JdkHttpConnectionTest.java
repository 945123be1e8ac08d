package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.BucketCounts;
import io.tailwatch.agent.recording.Distribution;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Drives a {@link JdkHttpConnection} with explicit nanosecond times and reads what it recorded. */
class JdkHttpConnectionTest {
    private final Recording recording = new Recording(100, 60_000_000_000L, io.tailwatch.agent.config.AgentConfig.defaults().bucketsNanos());

    private JdkHttpConnection open(long openedNanos) {
        return new JdkHttpConnection(recording.http(), recording.connections(), openedNanos);
    }

    /** Harvests and returns the series, read under the recording's lock. */
    private List<RequestSeries> series() {
        AtomicReference<List<RequestSeries>> all = new AtomicReference<>();
        recording.read(r -> all.set(r.http().series().all()));
        return all.get();
    }

    private RequestSeries only() {
        List<RequestSeries> all = series();
        assertEquals(1, all.size(), () -> describe(all));
        return all.get(0);
    }

    private static String describe(List<RequestSeries> all) {
        StringBuilder sb = new StringBuilder();
        for (RequestSeries s : all) {
            sb.append(s.method()).append('/').append(s.statusCode()).append('/').append(s.errorType()).append(' ');
        }
        return sb.toString();
    }

    private static long count(Distribution d) {
        return d.cumulative().getTotalCount();
    }

    private static long count(BucketCounts b) {
        long[] cumulative = b.cumulativeCounts();
        return cumulative[cumulative.length - 1];
    }

    /** A full request on a connection: arrived, worker started, parsed, answered, finished. */
    private static void request(JdkHttpConnection c, long arrived, long workerStart, String method, long contentLength,
                                int status, long bodyBytes, long finished) {
        c.requestArrived(arrived);
        c.workerStarted(workerStart);
        c.requestParsed(method, contentLength);
        c.responseStatus(status);
        c.responseBodyWritten(bodyBytes);
        c.responseFinished(finished);
        c.workerFinished(100, true, null, finished + 10);
    }

    @Test
    void normalRequest() {
        JdkHttpConnection c = open(100);
        c.requestArrived(1000);
        c.workerStarted(5000);
        c.requestParsed("GET", -1);
        assertEquals(1, recording.http().active());
        c.responseStatus(200);
        c.responseBodyWritten(5);
        c.responseBodyWritten(8);
        c.responseFinished(9000);
        assertEquals(0, recording.http().active());
        c.workerFinished(2048, true, null, 9100);

        RequestSeries s = only();
        assertEquals("GET", s.method());
        assertEquals("200", s.statusCode());
        assertNull(s.errorType());
        assertEquals(1, count(s.duration()));
        assertEquals(8000, s.duration().sum());
        assertEquals(13, s.responseBodyBytes());
        assertEquals(1, s.responseBodyCount());
        assertEquals(0, s.requestBodyCount(), "no Content-Length: no request body size");
        assertEquals(1, count(recording.http().queue()));
        assertEquals(4000, recording.http().queue().sum());
        assertEquals(1, count(recording.http().allocated()));
        assertEquals(2048, recording.http().allocated().sum());
        assertEquals(1, count(recording.connections().setup()));
        assertEquals(900, recording.connections().setup().sum());
        assertEquals(1, recording.connections().open());
    }

    @Test
    void requestBodySizeIsCountedWhenContentLengthIsKnown() {
        JdkHttpConnection c = open(0);
        request(c, 1000, 1000, "POST", 0, 201, 0, 2000);
        request(c, 3000, 3000, "POST", 42, 201, 0, 4000);
        request(c, 5000, 5000, "POST", -1, 201, 0, 6000);
        RequestSeries s = only();
        assertEquals(2, s.requestBodyCount());
        assertEquals(42, s.requestBodyBytes());
        assertEquals(3, s.responseBodyCount());
        assertEquals(0, s.responseBodyBytes());
    }

    @Test
    void keepAliveConnectionRecordsSetupOnceAndCountsItsRequests() {
        JdkHttpConnection c = open(100);
        request(c, 1000, 5000, "GET", -1, 200, 13, 9000);
        request(c, 20_000, 20_500, "GET", -1, 200, 7, 21_000);
        c.closed(30_000);

        RequestSeries s = only();
        assertEquals(2, count(s.duration()));
        assertEquals(8000 + 1000, s.duration().sum());
        assertEquals(20, s.responseBodyBytes());
        assertEquals(2, count(recording.http().queue()));
        assertEquals(4000 + 500, recording.http().queue().sum());
        assertEquals(1, count(recording.connections().setup()));
        assertEquals(900, recording.connections().setup().sum());
        assertEquals(1, count(recording.connections().lifetime()));
        assertEquals(29_900, recording.connections().lifetime().sum());
        assertEquals(1, recording.connections().requests().cumulative().getCountAtValue(2));
        assertEquals(0, recording.connections().open());
        assertEquals(0, recording.http().active());
    }

    @Test
    void handlerThrewBeforeSendingHeadersThenConnectionClosed() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1500);
        c.requestParsed("POST", 10);
        c.handlerThrew(new IllegalStateException("boom"));
        c.closed(4000);

        RequestSeries s = only();
        assertEquals("POST", s.method());
        assertNull(s.statusCode(), "no headers were sent");
        assertEquals("java.lang.IllegalStateException", s.errorType());
        assertEquals(3000, s.duration().sum());
        assertEquals(0, recording.http().active());
        assertEquals(1, recording.connections().requests().cumulative().getCountAtValue(1));
    }

    @Test
    void handlerThrewAfterSendingHeadersKeepsTheStatus() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1500);
        c.requestParsed("GET", -1);
        c.responseStatus(200);
        c.responseBodyWritten(3);
        c.handlerThrew(new java.io.UncheckedIOException(new java.io.IOException("reset")));
        c.closed(5000);

        RequestSeries s = only();
        assertEquals("200", s.statusCode());
        assertEquals("java.io.UncheckedIOException", s.errorType());
        assertEquals(3, s.responseBodyBytes());
        assertEquals(4000, s.duration().sum());
    }

    @Test
    void firstExceptionWins() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1000);
        c.requestParsed("GET", -1);
        c.handlerThrew(new IllegalArgumentException());
        c.handlerThrew(new IllegalStateException());
        c.closed(2000);
        assertEquals("java.lang.IllegalArgumentException", only().errorType());
    }

    @Test
    void workerEndedWithAnErrorFailsTheRequestInFlight() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(2000);
        c.requestParsed("GET", -1);
        c.workerFinished(500, true, new OutOfMemoryError(), 7000);
        assertEquals(0, recording.http().active());
        c.closed(8000);

        RequestSeries s = only();
        assertNull(s.statusCode());
        assertEquals("java.lang.OutOfMemoryError", s.errorType());
        assertEquals(1, count(s.duration()));
        assertEquals(6000, s.duration().sum());
        assertEquals(1, count(recording.http().allocated()));
    }

    @Test
    void connectionClosedMidRequestWithoutExceptionHasNoStatusAndOtherErrorType() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1000);
        c.requestParsed("GET", -1);
        c.closed(3000);
        RequestSeries s = only();
        assertNull(s.statusCode());
        assertEquals("_OTHER", s.errorType());
        assertEquals(2000, s.duration().sum());
    }

    @Test
    void exceptionAfterTheResponseFinishedIsNotRecorded() {
        JdkHttpConnection c = open(0);
        request(c, 1000, 1000, "GET", -1, 200, 1, 2000);
        c.handlerThrew(new IllegalStateException());
        c.workerFinished(10, true, new IllegalStateException(), 2500);
        c.closed(3000);
        RequestSeries s = only();
        assertNull(s.errorType());
        assertEquals(1, count(s.duration()));
    }

    @Test
    void responseFinishedTwiceCountsOnce() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1000);
        c.requestParsed("GET", -1);
        c.responseStatus(204);
        c.responseFinished(2000);
        c.responseFinished(3000);
        assertEquals(0, recording.http().active());
        c.closed(4000);
        RequestSeries s = only();
        assertEquals(1, count(s.duration()));
        assertEquals(1000, s.duration().sum());
        assertEquals(1, recording.connections().requests().cumulative().getCountAtValue(1));
    }

    @Test
    void closedTwiceCountsTheConnectionOnce() {
        JdkHttpConnection c = open(0);
        request(c, 1000, 1000, "GET", -1, 200, 1, 2000);
        c.closed(3000);
        c.closed(4000);
        series();
        assertEquals(1, count(recording.connections().lifetime()));
        assertEquals(3000, recording.connections().lifetime().sum());
        assertEquals(0, recording.connections().open());
        open(5000);
        assertEquals(1, recording.connections().open(), "a second close did not hide another connection");
    }

    @Test
    void rejectedRequestIsCountedUnderItsMethodAndCode() {
        JdkHttpConnection c = open(100);
        c.requestArrived(1000);
        c.workerStarted(1200);
        c.rejected(404, "GET /x HTTP/1.1", 1500);
        assertEquals(0, recording.http().active());
        c.workerFinished(64, true, null, 1600);
        c.closed(1700);

        RequestSeries s = only();
        assertEquals("GET", s.method());
        assertEquals("404", s.statusCode());
        assertNull(s.errorType());
        assertEquals(500, s.duration().sum());
        assertEquals(0, s.requestBodyCount());
        assertEquals(0, s.responseBodyCount());
        assertEquals(200, recording.http().queue().sum());
        assertEquals(900, recording.connections().setup().sum());
        assertEquals(1, recording.connections().requests().cumulative().getCountAtValue(1));
        assertEquals(1, count(recording.http().allocated()));
    }

    @Test
    void rejectedJunkRequestLineIsOther() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1000);
        c.rejected(400, "\u0016\u0003\u0001garbage", 1100);
        RequestSeries s = only();
        assertEquals("_OTHER", s.method());
        assertEquals("400", s.statusCode());
    }

    @Test
    void activeRequestsReturnToZero() {
        JdkHttpConnection a = open(0);
        JdkHttpConnection b = open(0);
        a.requestArrived(10);
        a.workerStarted(20);
        a.requestParsed("GET", -1);
        b.requestArrived(10);
        b.workerStarted(20);
        b.requestParsed("GET", -1);
        assertEquals(2, recording.http().active());
        a.responseStatus(200);
        a.responseFinished(30);
        assertEquals(1, recording.http().active());
        b.handlerThrew(new RuntimeException());
        b.closed(40);
        assertEquals(0, recording.http().active());
        a.closed(50);
        assertEquals(0, recording.http().active());
    }

    @Test
    void allocationIsRecordedOnlyForRunsThatHandledARequest() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1000);
        c.workerFinished(999, false, null, 1100);      // a run that read nothing
        series();
        assertEquals(0, count(recording.http().allocated()));

        request(c, 2000, 2000, "GET", -1, 200, 0, 3000); // records 100 bytes
        c.workerStarted(4000);
        c.workerFinished(777, false, null, 4100);      // again nothing handled in this run
        c.workerStarted(5000);
        c.requestParsed("GET", -1);
        c.responseStatus(200);
        c.responseFinished(5500);
        c.workerFinished(-1, true, null, 5600);       // not measured
        series();
        assertEquals(1, count(recording.http().allocated()));
        assertEquals(100, recording.http().allocated().sum());
    }

    @Test
    void theNextRequestsTaskStartingFirstDoesNotLoseThisTasksAllocation() {
        JdkHttpConnection c = open(0);
        c.requestArrived(1000);
        c.workerStarted(1100);
        c.requestParsed("GET", -1);
        c.responseStatus(200);
        c.responseFinished(2000);
        // Keep-alive: the dispatcher already hands the next request to another worker...
        c.requestArrived(2100);
        c.workerStarted(2200);
        // ...before the first task returns.
        c.workerFinished(300, true, null, 2300);
        c.requestParsed("GET", -1);
        c.responseStatus(200);
        c.responseFinished(3000);
        c.workerFinished(400, true, null, 3100);
        recording.harvest();
        assertEquals(2, count(recording.http().allocated()));
        assertEquals(700, recording.http().allocated().sum());
        assertEquals(100 + 100, recording.http().queue().sum());
    }

    @Test
    void openedConnectionsAreCountedAtConstruction() {
        assertEquals(0, recording.connections().open());
        JdkHttpConnection c = open(0);
        assertNotNull(c);
        assertEquals(1, recording.connections().open());
        c.closed(10);
        assertEquals(0, recording.connections().open());
        series();
        assertEquals(0, count(recording.connections().setup()), "no request, no setup time");
        assertEquals(1, recording.connections().requests().cumulative().getCountAtValue(0));
    }
}
