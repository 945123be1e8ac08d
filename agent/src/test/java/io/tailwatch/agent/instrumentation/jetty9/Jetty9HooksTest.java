package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.instrumentation.jetty.JettyEndPointAccess;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.SelectionKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Jetty 9.4 hooks' own logic, with stand-ins for the Jetty objects the instrumentation extends. */
class Jetty9HooksTest {
    private Recording recording;

    /** Stands in for {@code HttpConnection}: its added field. */
    private static final class Connection implements Jetty9ConnectionAccess {
        ServerConnection connection;
        boolean selectorFollows;

        @Override
        public ServerConnection tailwatch$connection() {
            return connection;
        }
    }

    /** Stands in for {@code HttpChannel}. */
    private static final class Channel implements Jetty9ChannelAccess {
        ServerRequest request;

        @Override
        public ServerRequest tailwatch$request() {
            return request;
        }
    }

    /** Stands in for {@code ChannelEndPoint}. */
    private static final class EndPoint implements JettyEndPointAccess {
        ServerConnection connection;

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
        Jetty9Hooks.acceptTaskEnded();
    }

    private Connection open(Object endPoint) {
        Connection c = new Connection();
        Jetty9Hooks.acceptTaskStarted(System.nanoTime());
        c.connection = Jetty9Hooks.connectionOpened(null, endPoint);
        c.selectorFollows = Jetty9Hooks.selectorFollows(endPoint);
        Jetty9Hooks.acceptTaskEnded();
        return c;
    }

    @Test
    void theSocketsEndPointLetsTheSelectorMarkTheConnectionReadable() throws Exception {
        EndPoint endPoint = new EndPoint();
        Connection c = open(endPoint);
        assertSame(c.connection, endPoint.connection);
        assertTrue(c.selectorFollows);
        assertFalse(Jetty9Hooks.selectorFollows("a TLS endpoint"), "a decrypting endpoint is no socket's");

        Thread.sleep(2);
        long readable = System.nanoTime();
        Jetty9Hooks.selected(endPoint.connection, SelectionKey.OP_READ, false);
        Channel channel = new Channel();
        channel.request = Jetty9Hooks.requestStarted(null, c, "GET", -1);
        assertTrue(channel.request.arrivalNanos() >= readable, "the request arrived when its socket was readable");
        assertSame(channel.request, Jetty9Hooks.requestStarted(channel.request, c, "GET", -1), "the channel's measurement is reused");
    }

    @Test
    void aConnectionTheSelectorDoesNotShowIsReadableWhenItReads() throws Exception {
        Connection c = open("a TLS endpoint");
        Thread.sleep(2);
        long reading = System.nanoTime();
        Jetty9Hooks.filling(c.connection);
        assertTrue(c.connection.arrival() >= reading);
    }

    @Test
    void whatTheApplicationThrewIsTheErrorTypeOnlyOfA5xxOrOfNoResponse() {
        Connection c = open(new EndPoint());
        Channel channel = new Channel();
        for (int status : new int[]{400, 500, 0}) {
            channel.request = Jetty9Hooks.requestStarted(channel.request, c, "GET", -1);
            Jetty9Hooks.requestCompleted(channel.request, status, 0, new IllegalStateException());
        }
        assertNull(series("400").errorType(), "an exception Jetty answers with a 4xx is the client's error");
        assertEquals("java.lang.IllegalStateException", series("500").errorType());
        assertEquals("java.lang.IllegalStateException", series(null).errorType());
        channel.request = Jetty9Hooks.requestStarted(channel.request, c, "GET", -1);
        Jetty9Hooks.requestCompleted(channel.request, 503, 0, null);
        assertEquals("503", series("503").errorType(), "a 5xx without an exception has its status as error type");
    }

    @Test
    void aRequestEndsOnceWithItsCommittedStatusAndBody() {
        Connection c = open(new EndPoint());
        Channel channel = new Channel();
        channel.request = Jetty9Hooks.requestStarted(null, c, "POST", 10);
        Jetty9Hooks.requestCompleted(channel.request, 200, 13, null);
        Jetty9Hooks.requestCompleted(channel.request, 200, 13, null);
        RequestSeries post = series("200");
        long[] counts = post.duration().cumulativeCounts();
        assertEquals(1, counts[counts.length - 1]);
        assertEquals(13, post.responseBodyBytes());
        assertEquals(10, post.requestBodyBytes());
        assertEquals(0, recording.http().active());
    }

    @Test
    void closingAConnectionEndsARequestLeftInFlightOnceAndTheConnectionOnce() {
        Connection c = open(new EndPoint());
        Channel channel = new Channel();
        channel.request = Jetty9Hooks.requestStarted(null, c, "GET", -1);
        Jetty9Hooks.connectionClosed(c.connection, channel);
        Jetty9Hooks.connectionClosed(c.connection, channel);
        Jetty9Hooks.connectionClosed(null, "another kind of channel");
        Jetty9Hooks.requestCompleted(channel.request, 200, 13, null);

        assertEquals(1, recording.http().series().all().size(), "the late completion is not counted again");
        assertNull(series(null).statusCode(), "the client received no response");
        recording.read(r -> {
            assertEquals(1, r.connections().lifetime().cumulative().getTotalCount());
            assertEquals(1, r.connections().requests().cumulative().getCountAtValue(1));
        });
    }

    @Test
    void theFirstHandleOfARequestRecordsItsQueueTime() {
        Connection c = open(new EndPoint());
        Channel channel = new Channel();
        channel.request = Jetty9Hooks.requestStarted(null, c, "GET", -1);
        long mark = Jetty9Hooks.handlerStarted(channel.request);
        Jetty9Hooks.handlerReturned(mark, Jetty9Hooks.publish(channel.request));
        assertEquals(-1, Jetty9Hooks.handlerStarted(null), "no measurement, nothing to mark");
        Jetty9Hooks.requestCompleted(channel.request, 200, 0, null);
        assertEquals(-1, Jetty9Hooks.handlerStarted(channel.request), "a request already ended is not started");
        recording.read(r -> assertEquals(1, r.http().queue().cumulative().getTotalCount()));
    }

    @Test
    void nothingIsTrackedWhileTheAgentIsNotRecording() {
        Recording.install(null);
        assertNull(Jetty9Hooks.connectionOpened(null, new EndPoint()));
        assertNull(Jetty9Hooks.requestStarted(null, new Connection(), "GET", -1));
        Jetty9Hooks.connectionClosed(null, new Channel());
    }

    private RequestSeries series(String status) {
        return recording.http().series().all().stream()
                .filter(s -> status == null ? s.statusCode() == null : status.equals(s.statusCode())).findFirst().orElseThrow();
    }
}
