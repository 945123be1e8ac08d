package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.SelectionKey;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Jetty hooks' own logic, with stand-ins for the Jetty objects the instrumentation extends. */
class JettyHooksTest {
    private Recording recording;

    /** Stands in for {@code HttpConnection}: its added field and its channel. */
    private static final class Connection implements JettyConnectionAccess {
        ServerConnection connection;
        final Channel channel = new Channel();

        @Override
        public ServerConnection tailwatch$connection() {
            return connection;
        }

        @Override
        public Object tailwatch$httpChannel() {
            return channel;
        }
    }

    /** Stands in for {@code HttpChannelState}. */
    private static final class Channel implements JettyChannelAccess {
        ServerRequest request;

        @Override
        public ServerRequest tailwatch$request() {
            return request;
        }

        @Override
        public void tailwatch$requestStarted(Object head) {
        }

        @Override
        public void tailwatch$streamCompleted(Object stream, Throwable failure) {
        }
    }

    /** Stands in for {@code HttpChannelState$ChannelRequest}; null once Jetty recycled the channel. */
    private static final class ChannelRequest implements JettyChannelRequestAccess {
        Object channel;

        ChannelRequest(Object channel) {
            this.channel = channel;
        }

        @Override
        public Object tailwatch$channelState() {
            return channel;
        }
    }

    /** A pool with QueuedThreadPool's reading methods. */
    public static final class Pool {
        public int getUtilizedThreads() {
            return 3;
        }

        public int getMaxAvailableThreads() {
            return 8;
        }

        public int getBusyThreads() {
            return 5;
        }

        public int getMaxThreads() {
            return 10;
        }

        public int getQueueSize() {
            return 1;
        }
    }

    @BeforeEach
    void install() {
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
    }

    @AfterEach
    void uninstall() {
        Recording.install(null);
        JettyHooks.acceptTaskEnded();
    }

    private Connection open(long acceptedNanos) {
        Connection c = new Connection();
        JettyHooks.acceptTaskStarted(acceptedNanos);
        c.connection = JettyHooks.connectionOpened(null);
        JettyHooks.acceptTaskEnded();
        return c;
    }

    @Test
    void aConnectionOpensAtItsAcceptWhenTheAcceptTaskCreatesIt() {
        long before = System.nanoTime();
        Connection accepted = open(before - 50_000_000L);
        ServerConnection fresh = JettyHooks.connectionOpened(null);
        assertNotNull(fresh);
        assertEquals(before - 50_000_000L, accepted.connection.arrival(), "opened when accepted, before any pool wait");
        assertTrue(fresh.arrival() >= before, "outside an accept task: opened now");
        assertSame(fresh, JettyHooks.connectionOpened(fresh), "a connection opened twice keeps its tracking");
    }

    /** Stands in for {@code SelectableChannelEndPoint}. */
    private static final class EndPoint implements JettyEndPointAccess {
        ServerConnection connection;
        boolean acceptQueued;

        @Override
        public ServerConnection tailwatch$connection() {
            return connection;
        }

        @Override
        public void tailwatch$connection(ServerConnection connection) {
            this.connection = connection;
        }

        @Override
        public void tailwatch$acceptQueued(boolean queued) {
            acceptQueued = queued;
        }
    }

    @Test
    void theEndPointLearnsWhetherTheAcceptWaitedForThePool() {
        ServerConnection connection = JettyHooks.connectionOpened(null);
        EndPoint prompt = new EndPoint();
        JettyHooks.acceptTaskStarted(System.nanoTime());
        JettyHooks.endPointOpened(prompt, connection);
        JettyHooks.acceptTaskEnded();
        assertSame(connection, prompt.connection);
        assertFalse(prompt.acceptQueued);

        EndPoint queued = new EndPoint();
        JettyHooks.acceptTaskStarted(System.nanoTime() - 2 * JettyHooks.ACCEPT_QUEUED_NANOS);
        JettyHooks.endPointOpened(queued, connection);
        JettyHooks.acceptTaskEnded();
        assertTrue(queued.acceptQueued);

        EndPoint upgraded = new EndPoint();
        JettyHooks.endPointOpened(upgraded, connection);
        assertFalse(upgraded.acceptQueued, "opened outside an accept task");
    }

    @Test
    void afterAPromptAcceptTheFirstRequestArrivesWhenTheSocketIsReadable() {
        long accepted = System.nanoTime() - 40_000_000L;
        Connection c = open(accepted);
        long readable = System.nanoTime();
        JettyHooks.selected(c.connection, SelectionKey.OP_READ, false);
        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        assertTrue(c.channel.request.arrivalNanos() >= readable);
    }

    @Test
    void afterAnAcceptThatWaitedTheFirstRequestArrivesAtTheAcceptAndLaterOnesWhenTheSocketIsReadable() throws Exception {
        long accepted = System.nanoTime() - 40_000_000L;
        Connection c = open(accepted);
        JettyHooks.selected(c.connection, SelectionKey.OP_READ, true);
        assertEquals(accepted, c.connection.arrival(), "the selector's first readable event came after the pool wait");

        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        ServerRequest first = c.channel.request;
        assertEquals(accepted, first.arrivalNanos());
        JettyHooks.requestCompleted(first, 200, 13);
        assertFalse(first.inFlight());

        Thread.sleep(2);
        JettyHooks.selected(c.connection, SelectionKey.OP_WRITE, true);
        long writeOnly = c.connection.arrival();
        long readable = System.nanoTime();
        JettyHooks.selected(c.connection, SelectionKey.OP_READ | SelectionKey.OP_WRITE, true);
        assertTrue(c.connection.arrival() >= readable && c.connection.arrival() > writeOnly,
                "after a request, the readable event is the next request's arrival");
        assertSame(first, JettyHooks.requestStarted(first, c, "POST", 10), "the channel's measurement is reused");
        assertTrue(first.arrivalNanos() >= readable);
        JettyHooks.requestCompleted(first, 204, 0);

        assertEquals(2, recording.http().series().all().size());
        RequestSeries get = series("GET");
        assertEquals("200", get.statusCode());
        assertEquals(13, get.responseBodyBytes());
        assertTrue(get.duration().sum() >= 40_000_000L, "the first request counts from the accept");
        assertEquals(10, series("POST").requestBodyBytes());
    }

    @Test
    void onlyFailuresAnsweredWithA5xxGiveAnErrorType() {
        Connection c = open(System.nanoTime());
        for (int status : new int[]{404, 500}) {
            c.channel.request = JettyHooks.requestStarted(c.channel.request, c, "GET", -1);
            JettyHooks.requestFailed(new ChannelRequest(c.channel), new IllegalStateException(), status);
            JettyHooks.requestCompleted(c.channel.request, status, 0);
        }
        assertNull(series("GET", "404").errorType(), "an HttpException(404) is an ordinary 404");
        assertEquals("java.lang.IllegalStateException", series("GET", "500").errorType());
    }

    @Test
    void theNotFoundPageJettyWritesItselfIsNotAResponseBody() {
        Connection c = open(System.nanoTime());
        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        JettyHooks.unhandled(new ChannelRequest(c.channel));
        JettyHooks.requestCompleted(c.channel.request, 404, 300);
        assertEquals(0, series("GET", "404").responseBodyCount());
    }

    @Test
    void aFailureReportedForARecycledChannelReachesNoRequest() {
        Connection c = open(System.nanoTime());
        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        JettyHooks.requestFailed(new ChannelRequest(null), new IllegalStateException(), 500);
        JettyHooks.requestFailed("not a channel request", new IllegalStateException(), 500);
        JettyHooks.requestCompleted(c.channel.request, 200, 0);
        assertNull(series("GET", "200").errorType());
    }

    @Test
    void closingAConnectionEndsARequestLeftInFlightOnceAndTheConnectionOnce() {
        Connection c = open(System.nanoTime());
        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        JettyHooks.connectionClosed(c);
        JettyHooks.connectionClosed(c);
        JettyHooks.connectionClosed("another kind of connection");
        JettyHooks.requestCompleted(c.channel.request, 200, 13);

        assertEquals(1, recording.http().series().all().size(), "the late completion is not counted again");
        assertNull(series("GET").statusCode(), "the client received no response");
        assertEquals(0, recording.http().active());
        recording.read(r -> {
            assertEquals(1, r.connections().lifetime().cumulative().getTotalCount());
            assertEquals(1, r.connections().requests().cumulative().getCountAtValue(1));
        });
    }

    @Test
    void aHandlerStartRecordsTheQueueTimeAndTheThreadsAllocation() {
        Connection c = open(System.nanoTime() - 3_000_000L);
        c.channel.request = JettyHooks.requestStarted(null, c, "GET", -1);
        long mark = JettyHooks.handlerStarted(c.channel);
        JettyHooks.handlerReturned(mark, null);
        assertEquals(-1, JettyHooks.handlerStarted(new Channel()), "no measurement, nothing to mark");
        recording.read(r -> {
            assertEquals(1, r.http().queue().cumulative().getTotalCount());
            assertTrue(r.http().queue().cumulative().getMaxValue() >= 2_900_000L, "from the accept");
        });
    }

    @Test
    void aQueuedThreadPoolIsReadAsWhatHandlersCanUseAndAVirtualThreadsOneNotAtAll() {
        Pool pool = new Pool();
        JettyHooks.connectorStarted(pool, 8080, false);
        List<WorkerPools.Reading> readings = recording.pools().read();
        assertEquals(1, readings.size());
        assertEquals("jetty", readings.get(0).server);
        assertEquals(8080, readings.get(0).port);
        assertEquals(3, readings.get(0).busy);
        assertEquals(8, readings.get(0).max);
        assertEquals(1, readings.get(0).queued);
        JettyHooks.connectorStopping(pool);
        assertTrue(recording.pools().read().isEmpty());

        JettyHooks.connectorStarted(pool, 8080, true);
        assertTrue(recording.pools().read().isEmpty(), "handlers on virtual threads have no pool");
        JettyHooks.connectorStarted(new Object(), 8080, false);
        assertTrue(recording.pools().read().isEmpty(), "an executor without the reading methods is not registered");
    }

    @Test
    void nothingIsTrackedWhileTheAgentIsNotRecording() {
        Recording.install(null);
        assertNull(JettyHooks.connectionOpened(null));
        assertNull(JettyHooks.requestStarted(null, new Connection(), "GET", -1));
        JettyHooks.connectionClosed(new Connection());
        JettyHooks.connectorStarted(new Pool(), 1, false);
    }

    private RequestSeries series(String method) {
        return recording.http().series().all().stream().filter(s -> s.method().equals(method)).findFirst().orElseThrow();
    }

    private RequestSeries series(String method, String status) {
        return recording.http().series().all().stream()
                .filter(s -> s.method().equals(method) && status.equals(s.statusCode())).findFirst().orElseThrow();
    }
}
