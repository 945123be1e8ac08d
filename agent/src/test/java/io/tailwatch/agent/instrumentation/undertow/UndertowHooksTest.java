package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hooks in the order Undertow's advice calls them, with stand-ins for Undertow's connection,
 * exchange and worker (the accessor interfaces the instrumentation adds to them).
 */
class UndertowHooksTest {
    private Recording recording;
    private Connection connection;

    /** Stands in for {@code HttpServerConnection}. */
    private static final class Connection implements ConnectionAccess {
        final ServerConnection tracking;
        final ServerRequest request;

        Connection(ServerConnection tracking) {
            this.tracking = tracking;
            this.request = UndertowHooks.requestFor(tracking);
        }

        @Override
        public ServerConnection tailwatch$connection() {
            return tracking;
        }

        @Override
        public ServerRequest tailwatch$request() {
            return request;
        }
    }

    /** Stands in for {@code HttpServerExchange}. */
    private static final class Exchange implements ExchangeAccess {
        ServerRequest request;

        @Override
        public ServerRequest tailwatch$request() {
            return request;
        }

        @Override
        public void tailwatch$request(ServerRequest request) {
            this.request = request;
        }

        @Override
        public ServerRequest tailwatch$rootHandlerEntered() {
            return null;
        }

        @Override
        public void tailwatch$rootHandlerReturned(ServerRequest previous) {
        }
    }

    /** Stands in for {@code XnioWorker}: public, as WorkerPools reads it by reflection. */
    public static final class Worker implements WorkerAccess {
        private final BusyWorkers busy = UndertowHooks.newBusyWorkers();

        @Override
        public BusyWorkers tailwatch$busyWorkers() {
            return busy;
        }

        public MXBean getMXBean() {
            return new MXBean();
        }
    }

    public static final class MXBean {
        public int getMaxWorkerPoolSize() {
            return 8;
        }

        public int getWorkerQueueSize() {
            return 3;
        }
    }

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
        connection = new Connection(UndertowHooks.connectionOpened());
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
    }

    private Exchange begin(String method, long contentLength) {
        Exchange exchange = new Exchange();
        UndertowHooks.readable(connection);
        UndertowHooks.begin(connection.tracking, connection.request, exchange, method, contentLength);
        assertSame(connection.request, exchange.request, "the exchange carries the connection's request");
        return exchange;
    }

    private RequestSeries only() {
        List<RequestSeries> all = recording.http().series().all();
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
    void aRequestDispatchedToAWorkerStartsItsHandlerThereAndEndsAtCompletion() {
        Exchange exchange = begin("GET", -1);
        ServerRequest request = exchange.request;
        assertEquals(1, recording.http().active());

        // I/O thread: the handler dispatches; its return is not the handler's (the advice skips it).
        long ioStarted = UndertowHooks.handlerEntering(request, true, false, 0);
        assertTrue(ioStarted != 0);
        assertEquals(0, queueCount(), "the I/O run's start is not the handler's start");
        // Worker thread.
        assertEquals(ioStarted, UndertowHooks.handlerEntering(request, false, false, ioStarted));
        assertEquals(1, queueCount());
        assertTrue(UndertowHooks.handlerReturned(request, false, false, ioStarted, UndertowHooks.allocationMark(), false));
        UndertowHooks.exchangeCompleted(request, ioStarted, 200, 13, null);

        RequestSeries s = only();
        assertEquals("GET", s.method());
        assertEquals("200", s.statusCode());
        assertNull(s.errorType());
        assertEquals(1, count(s));
        assertEquals(13, s.responseBodyBytes());
        assertEquals(1, queueCount(), "one queue time per request");
        assertEquals(0, recording.http().active());
        assertEquals(1, connection.tracking.requests());
    }

    @Test
    void aHandlerThatAnswersOnTheIoThreadStartsWhereItRan() {
        connection = new Connection(new ServerConnection(recording.connections(), 0));
        connection.tracking.readable(1_000);
        Exchange exchange = new Exchange();
        UndertowHooks.begin(connection.tracking, connection.request, exchange, "GET", -1);
        ServerRequest request = exchange.request;
        assertEquals(1_000, request.arrivalNanos());

        // The response completes inside the handler, before its run returns.
        UndertowHooks.exchangeCompleted(request, 5_000, 404, 0, null);
        assertTrue(UndertowHooks.handlerReturned(request, true, true, 5_000, UndertowHooks.allocationMark(), false));

        assertEquals("404", only().statusCode());
        long[] queue = new long[2];
        recording.read(r -> {
            queue[0] = r.http().queue().cumulative().getTotalCount();
            queue[1] = r.http().queue().cumulative().getMaxValue();
        });
        assertEquals(1, queue[0]);
        assertTrue(queue[1] >= 4_000 && queue[1] <= 4_100, "arrival to I/O start: " + queue[1]);
    }

    @Test
    void aHandlerRunAfterTheExchangeCompletedMeasuresNothingOfTheNextRequest() {
        Exchange first = begin("GET", -1);
        UndertowHooks.exchangeCompleted(first.request, 0, 200, 13, null);
        Exchange second = begin("GET", -1);
        // A late run of the first exchange on a worker (it is complete) must not start the second's handler.
        UndertowHooks.handlerEntering(first.request, false, true, 0);
        assertEquals(0, queueCount());
        UndertowHooks.handlerEntering(second.request, false, false, 0);
        assertEquals(1, queueCount());
    }

    @Test
    void allocationIsRecordedOncePerExchangeByTheAdvice() {
        Exchange exchange = begin("GET", -1);
        boolean measured = false;
        for (int run = 0; run < 2; run++) {
            // An async dispatch runs the root handler a second time; the advice passes back what it kept.
            UndertowHooks.handlerEntering(exchange.request, false, false, 0);
            measured = UndertowHooks.handlerReturned(exchange.request, false, false, 0, UndertowHooks.allocationMark(), measured);
        }
        if (io.tailwatch.agent.recording.ThreadAllocation.supported()) {
            assertEquals(1, allocationCount());
        }
    }

    @Test
    void whatTheRootHandlerThrewNamesTheError() {
        Exchange exchange = begin("GET", -1);
        UndertowHooks.exchangeCompleted(exchange.request, 0, 500, 0, new IllegalStateException("on purpose"));
        RequestSeries s = only();
        assertEquals("500", s.statusCode());
        assertEquals("java.lang.IllegalStateException", s.errorType());
    }

    @Test
    void aServletsExceptionCountsOnlyWhileTheExchangeIsInFlight() {
        Exchange exchange = begin("POST", 1000);
        UndertowHooks.handlerThrew(exchange, new IllegalArgumentException(), false);
        UndertowHooks.handlerThrew(exchange, new IllegalStateException(), false);
        UndertowHooks.exchangeCompleted(exchange.request, 0, 500, 0, null);
        RequestSeries s = only();
        assertEquals("POST", s.method());
        assertEquals("java.lang.IllegalArgumentException", s.errorType(), "the first exception counts");
        assertEquals(1000, s.requestBodyBytes());
    }

    @Test
    void aConnectionClosedMidRequestEndsItOnceWithoutStatus() {
        Exchange exchange = begin("GET", -1);
        UndertowHooks.connectionClosed(connection);
        UndertowHooks.exchangeCompleted(exchange.request, 0, 200, 13, null);
        UndertowHooks.connectionClosed(connection);
        RequestSeries s = only();
        assertEquals(1, count(s), "counted once");
        assertFalse("200".equals(s.statusCode()), "no status was sent: " + s.statusCode());
        assertEquals(0, recording.http().active());
        assertEquals(0, recording.connections().open());
        long[] requests = new long[1];
        recording.read(r -> requests[0] = r.connections().requests().cumulative().getTotalCount());
        assertEquals(1, requests[0], "the connection's close is recorded once");
    }

    @Test
    void aRequestUndertowRejectsIsA400OfItsOwn() {
        UndertowHooks.readable(connection);
        UndertowHooks.rejected(connection, null);
        RequestSeries s = only();
        assertEquals("400", s.statusCode());
        assertEquals("_OTHER", s.method());
        assertEquals(1, count(s));
        assertEquals(0, recording.http().active());
    }

    @Test
    void aRejectionAfterTheRequestBeganEndsThatRequest() {
        begin("GET", -1);
        UndertowHooks.rejected(connection, "GET");
        RequestSeries s = only();
        assertEquals("GET", s.method());
        assertEquals("400", s.statusCode());
        assertEquals(1, count(s));
    }

    @Test
    void nothingIsMeasuredWhileTheAgentIsNotRecording() {
        Recording.install(null);
        assertNull(UndertowHooks.connectionOpened());
        assertNull(UndertowHooks.requestFor(null));
        Exchange exchange = new Exchange();
        UndertowHooks.begin(null, null, exchange, "GET", -1);
        assertNull(exchange.request);
        UndertowHooks.readable(new Object());
        UndertowHooks.connectionClosed(new Object());
        UndertowHooks.rejected(new Object(), "GET");
    }

    @Test
    void busyWorkersAreCountedWhileTheirRunsLastAndReadAtScrapeTime() {
        Worker worker = new Worker();
        UndertowHooks.serverStarted(worker, new InetSocketAddress("127.0.0.1", 8080));
        BusyWorkers first = UndertowHooks.workerBusy(worker);
        BusyWorkers second = UndertowHooks.workerBusy(worker);
        assertNull(UndertowHooks.workerBusy(new Object()), "not an instrumented worker");

        WorkerPools.Reading reading = recording.pools().read().get(0);
        assertEquals("undertow", reading.server);
        assertEquals(8080, reading.port);
        assertEquals(2, reading.busy);
        assertEquals(8, reading.max);
        assertEquals(3, reading.queued);

        UndertowHooks.handlerExit(null, first);
        UndertowHooks.handlerExit(null, second);
        UndertowHooks.handlerExit(null, null);
        assertEquals(0, recording.pools().read().get(0).busy);

        UndertowHooks.serverStopped(worker);
        assertTrue(recording.pools().read().isEmpty());
    }
}
