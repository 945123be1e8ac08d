package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hooks of an Undertow loaded before the agent, in the order its advice calls them, with the
 * connection's attachment as the advice finds it and plain objects for Undertow's exchanges: each
 * request begun after the attach is counted once, from the creation of its exchange, and events of
 * another exchange (begun before the attach, or already completed) change nothing.
 */
class UndertowAttachedHooksTest {
    private Recording recording;
    private Object connection;

    /** Stands in for {@code io.undertow.util.AttachmentKey}: its factory method, as the hooks call it. */
    public static final class Key {
        public static Key create(Class<?> valueClass) {
            return new Key();
        }
    }

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        connection = UndertowAttachedHooks.newConnection();
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    private Object begin(String method) {
        Object exchange = new Object();
        UndertowAttachedHooks.exchangeCreated(connection, exchange);
        UndertowAttachedHooks.begin(connection, exchange, method, -1);
        return exchange;
    }

    private ServerRequest request() {
        return ((UndertowAttachedConnection) connection).request;
    }

    private List<RequestSeries> series() {
        return recording.http().series().all();
    }

    private RequestSeries only() {
        List<RequestSeries> all = series();
        assertEquals(1, all.size(), "one label set: " + all);
        return all.get(0);
    }

    private static long count(RequestSeries s) {
        long[] cumulative = s.duration().cumulativeCounts();
        return cumulative[cumulative.length - 1];
    }

    private long queueCount() {
        long[] count = new long[1];
        recording.read(r -> count[0] = r.http().queue().cumulative().getTotalCount());
        return count[0];
    }

    private long allocationCount() {
        long[] count = new long[1];
        recording.read(r -> count[0] = r.http().allocated().cumulative().getTotalCount());
        return count[0];
    }

    @Test
    void oneKeyPerCopyOfUndertow() {
        Object key = UndertowAttachedHooks.slotKey(Key.class);
        assertTrue(key instanceof Key);
        assertSame(key, UndertowAttachedHooks.slotKey(Key.class), "made once");
        assertNull(UndertowAttachedHooks.slotKey(Object.class), "no factory, no key");
    }

    @Test
    void aRequestDispatchedToAWorkerIsTimedFromItsFirstBytesToItsCompletion() throws Exception {
        Object exchange = new Object();
        UndertowAttachedHooks.exchangeCreated(connection, exchange);
        long created = System.nanoTime();
        Thread.sleep(20);
        UndertowAttachedHooks.begin(connection, exchange, "POST", 5);
        assertTrue(request().arrivalNanos() <= created, "the clock starts at the exchange's creation");
        assertEquals(1, recording.http().active());

        // The I/O thread's run dispatches to a worker; the worker's run is the handler's.
        UndertowAttachedHooks.handlerEntering(connection, exchange);
        UndertowAttachedHooks.handlerReturned(connection, exchange, true);
        assertEquals(0, allocationCount(), "the dispatching run is not the handler's");
        UndertowAttachedHooks.handlerEntering(connection, exchange);
        UndertowAttachedHooks.handlerReturned(connection, exchange, false);
        assertEquals(1, allocationCount());

        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 201, 13, null);
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 201, 13, null);
        UndertowAttachedHooks.connectionClosed(connection);

        RequestSeries s = only();
        assertEquals(1, count(s), "completion and close count it once");
        assertEquals("POST", s.method());
        assertEquals("201", s.statusCode());
        assertEquals(13, s.responseBodyBytes());
        assertEquals(5, s.requestBodyBytes());
        assertTrue(s.duration().sum() >= 20_000_000L, "the wait for the headers is in: " + s.duration().sum());
        assertEquals(0, queueCount(), "no queue time is claimed");
        assertEquals(0, recording.http().active());
    }

    @Test
    void anExchangeCreatedBeforeTheAttachIsTimedFromItsBeginAndOneBegunBeforeIsNotCounted() {
        Object begunBefore = new Object();
        Object createdBefore = new Object();
        Object parsedLater = new Object();
        UndertowAttachedHooks.exchangeCreated(connection, parsedLater);
        long otherCreated = System.nanoTime();
        UndertowAttachedHooks.begin(connection, createdBefore, "GET", -1);
        assertTrue(request().arrivalNanos() >= otherCreated, "not from another exchange's creation");
        UndertowAttachedHooks.handlerEntering(connection, begunBefore);
        UndertowAttachedHooks.handlerReturned(connection, begunBefore, false);
        UndertowAttachedHooks.handlerThrew(connection, begunBefore, new IllegalStateException(), false);
        UndertowAttachedHooks.exchangeCompleted(connection, begunBefore, 500, 7, new IllegalStateException());
        assertEquals(0, allocationCount());
        assertEquals(List.of(), series(), "another exchange's completion ends nothing");

        UndertowAttachedHooks.exchangeCompleted(connection, createdBefore, 200, 13, null);
        RequestSeries s = only();
        assertEquals("200", s.statusCode());
        assertNull(s.errorType());
    }

    @Test
    void whatTheHandlerThrewNamesTheRequestsError() {
        Object exchange = begin("GET");
        UndertowAttachedHooks.handlerThrew(connection, exchange, new IllegalArgumentException("servlet"), false);
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 500, 0, new IllegalStateException("root"));
        RequestSeries s = only();
        assertEquals("500", s.statusCode());
        assertEquals(IllegalArgumentException.class.getName(), s.errorType(), "the first one counts");

        Object next = begin("GET");
        UndertowAttachedHooks.exchangeCompleted(connection, next, 500, 0, new IllegalStateException("root"));
        assertEquals(2, series().size());
        assertEquals(1, series().stream().filter(r -> IllegalStateException.class.getName().equals(r.errorType())).count());
    }

    @Test
    void eachExchangeOfAKeepAliveConnectionReusesTheOneMeasurement() {
        for (int i = 0; i < 5; i++) {
            Object exchange = begin("GET");
            UndertowAttachedHooks.handlerEntering(connection, exchange);
            UndertowAttachedHooks.handlerReturned(connection, exchange, false);
            UndertowAttachedHooks.exchangeCompleted(connection, exchange, 200, 13, null);
        }
        assertEquals(5, count(only()));
        assertEquals(5, allocationCount());
        assertEquals(65, only().responseBodyBytes());
    }

    @Test
    void aRunThatReturnsAfterTheNextExchangeBeganRecordsNothingForIt() {
        Object first = begin("GET");
        UndertowAttachedHooks.handlerEntering(connection, first);
        // The handler completed its exchange itself and runs on; the connection begins the next.
        UndertowAttachedHooks.exchangeCompleted(connection, first, 200, 13, null);
        Object second = begin("GET");
        UndertowAttachedHooks.handlerEntering(connection, second);
        UndertowAttachedHooks.handlerReturned(connection, first, false);
        assertEquals(0, allocationCount(), "the first run's mark was replaced");
        UndertowAttachedHooks.handlerReturned(connection, second, false);
        assertEquals(1, allocationCount());
        UndertowAttachedHooks.exchangeCompleted(connection, second, 200, 13, null);
        assertEquals(2, count(only()));
    }

    @Test
    void aRequestInFlightWhenTheConnectionClosesEndsThereWithoutAStatus() {
        Object exchange = begin("GET");
        UndertowAttachedHooks.connectionClosed(connection);
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 200, 13, null);
        RequestSeries s = only();
        assertEquals(1, count(s));
        assertNull(s.statusCode(), "no response was sent");
        assertEquals(0, recording.http().active());
    }

    @Test
    void anUnparseableRequestIsCountedAs400OnceWhetherOrNotItBegan() {
        Object parsing = new Object();
        UndertowAttachedHooks.exchangeCreated(connection, parsing);
        UndertowAttachedHooks.rejected(connection, parsing, "GET");
        Object exchange = begin("GET");
        UndertowAttachedHooks.rejected(connection, exchange, "GET");
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 200, 13, null);
        RequestSeries s = only();
        assertEquals("400", s.statusCode());
        assertEquals(2, count(s));
    }

    @Test
    void theRequestIsPublishedToRoutingWhileItsRootHandlerRuns() {
        CurrentRequest.want();
        Object exchange = begin("GET");
        ServerRequest previous = UndertowAttachedHooks.publish(connection, exchange);
        assertNull(previous);
        ServerRequest published = CurrentRequest.current();
        assertNotNull(published);
        CurrentRequest.route("/items/{id}");
        UndertowAttachedHooks.unpublish(previous);
        assertNull(CurrentRequest.current());
        assertNull(UndertowAttachedHooks.publish(connection, new Object()), "another exchange is not published");
        assertNull(CurrentRequest.current());
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 200, 13, null);
        assertEquals("/items/{id}", only().route());
    }

    @Test
    void nothingWithoutAnAttachmentOrARecording() {
        Object exchange = new Object();
        UndertowAttachedHooks.exchangeCreated(null, exchange);
        UndertowAttachedHooks.begin(null, exchange, "GET", -1);
        UndertowAttachedHooks.handlerEntering(null, exchange);
        UndertowAttachedHooks.handlerReturned(null, exchange, false);
        UndertowAttachedHooks.exchangeCompleted(null, exchange, 200, 1, null);
        UndertowAttachedHooks.rejected(null, exchange, "GET");
        UndertowAttachedHooks.connectionClosed(null);
        Recording.install(null);
        UndertowAttachedHooks.begin(connection, exchange, "GET", -1);
        UndertowAttachedHooks.exchangeCompleted(connection, exchange, 200, 1, null);
        Recording.install(recording);
        assertEquals(List.of(), series());
        assertEquals(0, recording.http().active());
    }
}
