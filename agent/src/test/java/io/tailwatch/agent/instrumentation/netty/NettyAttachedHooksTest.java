package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The hooks used when Netty was loaded before the agent, driven as the advice drives them: each
 * request counted once, when the write promise of its response's last part completes on the
 * thread that wrote it (or at the write, or at the close), never with a queue time.
 */
class NettyAttachedHooksTest {
    private Recording recording;
    private Recording previous;

    @BeforeEach
    void install() {
        previous = Recording.current();
        recording = new Recording(100, 60_000_000_000L, AgentConfig.defaults().bucketsNanos());
        Recording.install(recording);
    }

    @AfterEach
    void restore() {
        Recording.install(previous);
    }

    private long count(String method, String status, String errorType) {
        long n = 0;
        for (RequestSeries s : recording.http().series().all()) {
            if (s.method().equals(method) && String.valueOf(s.statusCode()).equals(String.valueOf(status))
                    && String.valueOf(s.errorType()).equals(String.valueOf(errorType))) {
                long[] cumulative = s.duration().cumulativeCounts();
                n += cumulative[cumulative.length - 1];
            }
        }
        return n;
    }

    private long total() {
        long n = 0;
        for (RequestSeries s : recording.http().series().all()) {
            long[] cumulative = s.duration().cumulativeCounts();
            n += cumulative[cumulative.length - 1];
        }
        return n;
    }

    private long queueCount() {
        long[] n = new long[1];
        recording.read(r -> n[0] = r.http().queue().cumulative().getTotalCount());
        return n[0];
    }

    private static int awaited() {
        return NettyAttachedHooks.LoopWrites.ofThread().size();
    }

    @Test
    void keepAliveRequestsEndWhenTheirLastPartsWriteCompletes() {
        Object c = NettyAttachedHooks.newConnection();
        for (int i = 0; i < 2; i++) {
            NettyAttachedHooks.requestDecoded(c, "GET", null);
            assertNull(NettyAttachedHooks.responseWriting(c, 200, 13, false), "a head alone ends nothing");
            Object slot = NettyAttachedHooks.responseWriting(c, 0, 0, true);
            assertNotNull(slot);
            Object promise = new Object();
            NettyAttachedHooks.awaitWrite(c, slot, promise);
            NettyAttachedHooks.promiseDone(new Object(), null);
            assertEquals(1, recording.http().active(), "another promise ends nothing");
            NettyAttachedHooks.promiseDone(promise, null);
            assertEquals(0, recording.http().active());
            NettyAttachedHooks.promiseDone(promise, null);
        }
        assertEquals(2, count("GET", "200", null));
        assertEquals(26, recording.http().series().all().get(0).responseBodyBytes());
        assertEquals(0, queueCount(), "no queue time is claimed");
        assertEquals(0, awaited());
    }

    @Test
    void pipelinedResponsesEndInTurnAndAFailedWriteHasNoStatus() {
        Object c = NettyAttachedHooks.newConnection();
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        NettyAttachedHooks.requestDecoded(c, "POST", "5");
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        Object[] promises = {new Object(), new Object(), new Object()};
        int[] statuses = {200, 201, 200};
        for (int i = 0; i < 3; i++) {
            NettyAttachedHooks.awaitWrite(c, NettyAttachedHooks.responseWriting(c, statuses[i], 4, true), promises[i]);
        }
        assertEquals(3, awaited());
        NettyAttachedHooks.promiseDone(promises[1], new IOException("reset"));
        NettyAttachedHooks.promiseDone(promises[0], null);
        NettyAttachedHooks.promiseDone(promises[2], null);
        assertEquals(2, count("GET", "200", null));
        assertEquals(1, count("POST", "null", "java.io.IOException"));
        assertNull(NettyAttachedHooks.responseWriting(c, 200, 13, true), "a response nobody asked for belongs to no request");
        assertEquals(3, total());
    }

    @Test
    void aResponseWithoutAwaitablePromiseEndsAtTheWrite() {
        Object c = NettyAttachedHooks.newConnection();
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        NettyAttachedHooks.responseWritten(NettyAttachedHooks.responseWriting(c, 204, 0, true));
        assertEquals(1, count("GET", "204", null));
        assertEquals(0, awaited());
    }

    @Test
    void theCloseEndsRequestsInFlightAndForgetsTheirWrites() {
        Object c = NettyAttachedHooks.newConnection();
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        Object promise = new Object();
        NettyAttachedHooks.awaitWrite(c, NettyAttachedHooks.responseWriting(c, 200, 13, true), promise);
        NettyAttachedHooks.closed(c);
        assertEquals(0, awaited());
        NettyAttachedHooks.promiseDone(promise, null);
        assertEquals(1, count("GET", "200", null), "answered, its write not yet complete");
        assertEquals(2, total());
        assertEquals(1, total() - count("GET", "200", null), "never answered");
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        assertEquals(0, recording.http().active(), "a closed channel begins nothing");
    }

    @Test
    void anExceptionBelongsToTheRequestDueNext() {
        Object c = NettyAttachedHooks.newConnection();
        assertNull(NettyAttachedHooks.requestDueNext(c));
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        ServerRequest due = NettyAttachedHooks.requestDueNext(c);
        assertNotNull(due);
        NettyAttachedHooks.exceptionCaught(c, new IllegalStateException("handler"));
        NettyAttachedHooks.responseWritten(NettyAttachedHooks.responseWriting(c, 500, 9, true));
        assertEquals(1, count("GET", "500", "java.lang.IllegalStateException"));
        assertNull(NettyAttachedHooks.requestDueNext(c));
        NettyAttachedHooks.exceptionCaught(c, new IllegalStateException("between requests"));
        NettyAttachedHooks.requestDecoded(c, "GET", null);
        assertNotNull(NettyAttachedHooks.requestDueNext(c));
        NettyAttachedHooks.responseWritten(NettyAttachedHooks.responseWriting(c, 200, 13, true));
        assertEquals(1, count("GET", "200", null), "an exception between requests names none");
    }

    @Test
    void aDeepPipelineGrowsTheRingAndKeepsEveryRequest() {
        NettyAttachedConnection c = (NettyAttachedConnection) NettyAttachedHooks.newConnection();
        int depth = 40;
        for (int i = 0; i < depth; i++) {
            NettyAttachedHooks.requestDecoded(c, "GET", null);
        }
        Object[] promises = new Object[depth];
        for (int i = 0; i < depth; i++) {
            promises[i] = new Object();
            NettyAttachedHooks.awaitWrite(c, NettyAttachedHooks.responseWriting(c, 200, 1, true), promises[i]);
        }
        for (int i = depth - 1; i >= 0; i--) {
            NettyAttachedHooks.promiseDone(promises[i], null);
        }
        assertEquals(depth, count("GET", "200", null));
        assertEquals(64, c.capacity());
        assertEquals(0, awaited());
    }
}
