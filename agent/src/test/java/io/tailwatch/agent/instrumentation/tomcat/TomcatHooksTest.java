package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives {@link TomcatHooks} in the order Tomcat's advice calls them, with stand-ins for the socket
 * wrapper and the coyote request that carry the fields the instrumentation adds.
 */
class TomcatHooksTest {
    private Recording recording;

    /** What {@code SocketWrapperBase} becomes once instrumented. */
    private static final class Wrapper implements SocketWrapperAccess {
        ServerConnection connection = TomcatHooks.connectionOpened();
        long workerStart;

        @Override
        public ServerConnection tailwatch$connection() {
            return connection;
        }

        @Override
        public long tailwatch$workerStartNanos() {
            return workerStart;
        }

        @Override
        public void tailwatch$workerStartNanos(long nanos) {
            workerStart = nanos;
        }
    }

    /** What {@code org.apache.coyote.Request} becomes once instrumented. */
    private static final class CoyoteRequest implements CoyoteRequestAccess {
        ServerRequest request;
        long arrival;

        @Override
        public ServerRequest tailwatch$request() {
            return request;
        }

        @Override
        public void tailwatch$request(ServerRequest request) {
            this.request = request;
        }

        @Override
        public long tailwatch$arrivalNanos() {
            return arrival;
        }

        @Override
        public void tailwatch$arrivalNanos(long nanos) {
            arrival = nanos;
        }

        @Override
        public void tailwatch$requestEnded() {
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
    }

    private List<RequestSeries> series() {
        return recording.http().series().all();
    }

    private RequestSeries only() {
        assertEquals(1, series().size(), "one label set");
        return series().get(0);
    }

    /** One request through the hooks as Http11Processor.service runs it; returns its ServerRequest. */
    private static ServerRequest serve(Wrapper wrapper, CoyoteRequest request, int status, long bodyBytes) {
        TomcatHooks.requestStarted(wrapper, request);
        TomcatHooks.requestParsed(wrapper, request, "GET", -1);
        TomcatHooks.responseCommitted(request, status);
        TomcatHooks.requestEnded(request.request, bodyBytes);
        return request.request;
    }

    @Test
    void keepAliveAndPipelinedRequestsOnOneConnectionReuseOneServerRequest() {
        Wrapper wrapper = new Wrapper();
        CoyoteRequest request = new CoyoteRequest();
        TomcatHooks.readable(wrapper);
        TomcatHooks.workerStarted(wrapper);
        ServerRequest first = serve(wrapper, request, 200, 13);
        // The next request was already in the buffer: read in the same run, no new readable event.
        ServerRequest second = serve(wrapper, request, 200, 13);
        assertSame(first, second, "the coyote request's ServerRequest is reused");
        TomcatHooks.readable(wrapper);
        TomcatHooks.workerStarted(wrapper);
        serve(wrapper, request, 200, 13);
        TomcatHooks.connectionClosed(wrapper.connection);
        TomcatHooks.connectionClosed(wrapper.connection);

        RequestSeries s = only();
        assertEquals("200", s.statusCode());
        assertEquals(3 * 13, s.responseBodyBytes());
        assertEquals(0, recording.http().active());
        assertEquals(3, wrapper.connection.requests());
        recording.read(r -> {
            assertEquals(3, r.http().queue().cumulative().getTotalCount());
            assertEquals(1, r.connections().setup().cumulative().getTotalCount(), "one setup per connection");
            assertEquals(1, r.connections().requests().cumulative().getTotalCount(), "closed once");
            assertEquals(3, r.connections().requests().cumulative().getMaxValue());
        });
    }

    @Test
    void theFallbackEndAtRecycleDoesNotCountARequestTomcatAlreadyCounted() {
        Wrapper wrapper = new Wrapper();
        CoyoteRequest request = new CoyoteRequest();
        TomcatHooks.readable(wrapper);
        TomcatHooks.workerStarted(wrapper);
        serve(wrapper, request, 200, 13);
        TomcatHooks.requestEnded(request.request, 13);
        assertEquals(13, only().responseBodyBytes());
        assertEquals(1, wrapper.connection.requests());
    }

    @Test
    void aRequestTomcatNeverCountedEndsWhenItsRequestIsRecycledWithTheStatusItCommitted() {
        Wrapper wrapper = new Wrapper();
        CoyoteRequest request = new CoyoteRequest();
        TomcatHooks.readable(wrapper);
        TomcatHooks.workerStarted(wrapper);
        TomcatHooks.requestStarted(wrapper, request);
        TomcatHooks.requestParsed(wrapper, request, "GET", -1);
        assertEquals(1, recording.http().active());
        // The connection closes while the request is async: the processor is released and recycled.
        TomcatHooks.requestEnded(request.request, 0);
        TomcatHooks.connectionClosed(wrapper.connection);
        RequestSeries s = only();
        assertNull(s.statusCode(), "nothing was committed: the client received no status");
        assertEquals(0, recording.http().active());
        assertEquals(1, wrapper.connection.requests());
    }

    @Test
    void whatTheApplicationThrewIsTheErrorTypeOfServerErrorsOnly() {
        Wrapper wrapper = new Wrapper();
        CoyoteRequest request = new CoyoteRequest();
        TomcatHooks.requestStarted(wrapper, request);
        TomcatHooks.requestParsed(wrapper, request, "GET", -1);
        TomcatHooks.applicationThrew(request, new IllegalStateException(), 500);
        TomcatHooks.applicationThrew(request, new IllegalArgumentException(), 500);
        TomcatHooks.responseCommitted(request, 500);
        TomcatHooks.requestEnded(request.request, 0);

        TomcatHooks.requestStarted(wrapper, request);
        TomcatHooks.requestParsed(wrapper, request, "POST", 10);
        TomcatHooks.applicationThrew(request, new IllegalArgumentException(), 400);
        TomcatHooks.responseCommitted(request, 400);
        TomcatHooks.requestEnded(request.request, 0);

        assertEquals(2, series().size());
        for (RequestSeries s : series()) {
            if (s.method().equals("GET")) {
                assertEquals("500", s.statusCode());
                assertEquals("java.lang.IllegalStateException", s.errorType(), "the first exception");
            } else {
                assertEquals("400", s.statusCode());
                assertNull(s.errorType(), "a client error");
                assertEquals(10, s.requestBodyBytes());
            }
        }
    }

    @Test
    void aRequestIsTimedFromItsConnectionsArrivalNotFromWhenItsHeadersWereParsed() throws InterruptedException {
        Wrapper wrapper = new Wrapper();
        CoyoteRequest request = new CoyoteRequest();
        TomcatHooks.readable(wrapper);
        TomcatHooks.workerStarted(wrapper);
        TomcatHooks.requestStarted(wrapper, request);
        Thread.sleep(20);
        TomcatHooks.requestParsed(wrapper, request, "GET", -1);
        assertEquals(0, request.arrival, "taken by the request");
        TomcatHooks.responseCommitted(request, 200);
        TomcatHooks.requestEnded(request.request, 0);
        assertTrue(only().duration().sum() >= 20_000_000L, "the 20 ms between the first byte and the parsed headers count");
    }

    @Test
    void hooksIgnoreObjectsTheInstrumentationDidNotChange() {
        TomcatHooks.readable(new Object());
        TomcatHooks.workerStarted(null);
        TomcatHooks.requestStarted(new Object(), new Object());
        TomcatHooks.requestParsed(new Object(), new Object(), "GET", -1);
        TomcatHooks.responseCommitted(null, 200);
        TomcatHooks.applicationThrew(new Object(), new RuntimeException(), 500);
        TomcatHooks.requestEnded(null, 0);
        TomcatHooks.connectionClosed(null);
        assertTrue(series().isEmpty());
    }

    @Test
    void tomcatsOwnAndJdkExecutorsAreReadAsPoolsOthersAreNot() {
        org.apache.tomcat.util.threads.ThreadPoolExecutor tomcat = new org.apache.tomcat.util.threads.ThreadPoolExecutor(
                0, 8, 60, TimeUnit.SECONDS, new org.apache.tomcat.util.threads.TaskQueue());
        java.util.concurrent.ThreadPoolExecutor jdk = new java.util.concurrent.ThreadPoolExecutor(
                1, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            assertSame(WorkerPools.Shape.THREAD_POOL_EXECUTOR, TomcatHooks.shapeOf(tomcat));
            assertSame(WorkerPools.Shape.THREAD_POOL_EXECUTOR, TomcatHooks.shapeOf(jdk));
            assertNull(TomcatHooks.shapeOf((java.util.concurrent.Executor) Runnable::run), "a virtual-thread executor has no pool");
            assertNull(TomcatHooks.shapeOf(null));

            TomcatHooks.endpointStarted(tomcat, 8080);
            TomcatHooks.endpointStarted((java.util.concurrent.Executor) Runnable::run, 8081);
            List<WorkerPools.Reading> pools = recording.pools().read();
            assertEquals(1, pools.size());
            assertEquals("tomcat", pools.get(0).server);
            assertEquals(8080, pools.get(0).port);
            assertEquals(8, pools.get(0).max);
            assertEquals(0, pools.get(0).busy);
            TomcatHooks.executorShutdown(tomcat);
            assertFalse(recording.pools().read().iterator().hasNext());
        } finally {
            tomcat.shutdownNow();
            jdk.shutdownNow();
        }
    }
}
