package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.RequestSeries;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection bookkeeping behind the Netty advice, driven as the advice drives it. */
class NettyConnectionTest {
    private static final Object DECODER = new Object();

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

    private NettyConnection open(long nowNanos, boolean offLoop) {
        NettyConnection c = new NettyConnection(new ServerConnection(recording.connections(), nowNanos));
        c.pipelineScanned(offLoop);
        return c;
    }

    /** A GET's head and its empty last content, as the decoder produces them in one call. */
    private static void get(NettyConnection c, long nowNanos) {
        c.requestDecoded(DECODER, "GET", -1, nowNanos);
        c.contentDecoded(true);
    }

    private RequestSeries series(String method, String status, String errorType) {
        for (RequestSeries s : recording.http().series().all()) {
            if (s.method().equals(method) && String.valueOf(s.statusCode()).equals(String.valueOf(status))
                    && String.valueOf(s.errorType()).equals(String.valueOf(errorType))) {
                return s;
            }
        }
        throw new AssertionError("no series " + method + " " + status + " " + errorType + " in " + recording.http().series().all());
    }

    private static long count(RequestSeries s) {
        long[] cumulative = s.duration().cumulativeCounts();
        return cumulative[cumulative.length - 1];
    }

    private long queueCount() {
        long[] n = new long[1];
        recording.read(r -> n[0] = r.http().queue().cumulative().getTotalCount());
        return n[0];
    }

    @Test
    void keepAliveRequestsRunFromTheirFirstBytesToTheWrittenResponse() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_500);
        assertNull(c.responseWriting(200, 13, false, 2_000), "a head alone ends nothing");
        NettyConnection.Slot last = c.responseWriting(0, 0, true, 2_100);
        assertNotNull(last);
        last.request.end(3_000);

        c.readable(10_000);
        get(c, 10_200);
        c.responseWriting(200, 13, true, 11_000).request.end(12_000);
        c.closed(20_000);

        RequestSeries ok = series("GET", "200", null);
        assertEquals(2, count(ok));
        assertEquals(2_000 + 2_000, ok.duration().sum(), "from each request's read, not from the previous response");
        assertEquals(26, ok.responseBodyBytes());
        assertEquals(2, queueCount(), "a handler on the event loop starts as the request is passed on");
        recording.read(r -> {
            assertEquals(1, r.connections().requests().cumulative().getTotalCount());
            assertEquals(2, r.connections().requests().cumulative().getMaxValue());
        });
    }

    @Test
    void bytesThatContinueARequestDoNotMoveItsArrival() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        c.requestDecoded(DECODER, "POST", 1000, 2_000);
        c.readable(5_000);
        c.contentDecoded(false);
        c.readable(6_000);
        c.contentDecoded(true);
        c.responseWriting(200, 4, true, 7_000).request.end(8_000);
        RequestSeries post = series("POST", "200", null);
        assertEquals(7_000, post.duration().sum());
        assertEquals(1000, post.requestBodyBytes());
    }

    @Test
    void pipelinedRequestsDecodedFromOneReadArriveWithThatRead() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_100);
        get(c, 1_200);
        get(c, 1_300);
        NettyConnection.Slot first = c.responseWriting(200, 13, true, 2_000);
        NettyConnection.Slot second = c.responseWriting(500, 7, true, 2_500);
        NettyConnection.Slot third = c.responseWriting(200, 13, true, 3_000);
        first.request.end(2_100);
        second.request.end(2_600);
        third.request.end(3_100);
        assertNull(c.responseWriting(200, 13, true, 4_000), "a response nobody asked for belongs to no request");

        assertEquals(2, count(series("GET", "200", null)));
        assertEquals(1_100 + 2_100, series("GET", "200", null).duration().sum());
        assertEquals(1, count(series("GET", "500", "500")));
        assertEquals(1_600, series("GET", "500", "500").duration().sum());
        assertEquals(0, recording.http().active());
    }

    @Test
    void aDeepPipelineGrowsTheRingOnceAndKeepsEveryRequest() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        int depth = 40;
        for (int i = 0; i < depth; i++) {
            get(c, 1_000 + i);
        }
        assertEquals(64, c.capacity());
        for (int i = 0; i < depth; i++) {
            c.responseWriting(i % 2 == 0 ? 200 : 404, 1, true, 5_000).request.end(5_000 + i);
        }
        assertEquals(depth / 2, count(series("GET", "200", null)));
        assertEquals(depth / 2, count(series("GET", "404", null)));
        for (int i = 0; i < depth; i++) {
            get(c, 10_000);
            c.responseWriting(200, 1, true, 10_000).request.end(10_001);
        }
        assertEquals(64, c.capacity(), "slots are reused once their requests ended");
        assertEquals(depth / 2 + depth, count(series("GET", "200", null)));
    }

    @Test
    void aHandlerOnAnotherExecutorStartsWhenItPicksTheRequestUp() {
        NettyConnection c = open(0, true);
        Object head1 = new Object();
        Object head2 = new Object();
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_000);
        assertEquals(0, queueCount(), "nothing starts on the event loop");
        assertTrue(c.pickedUp(head1, 4_000));
        assertTrue(!c.pickedUp(head1, 4_500), "the same head passed to another handler starts nothing");
        c.responseWriting(200, 13, true, 5_000).request.end(5_000);
        assertTrue(c.pickedUp(head2, 9_000));
        c.responseWriting(200, 13, true, 10_000).request.end(10_000);
        recording.read(r -> {
            assertEquals(2, r.http().queue().cumulative().getTotalCount());
            assertEquals(3_000 + 8_000, r.http().queue().sum(), "the queue holds the wait for the executor");
        });
    }

    /**
     * An idle keep-alive connection must not keep the application's last request alive: ten thousand
     * idle connections would hold ten thousand requests, headers and all.
     */
    @Test
    void anAnsweredRequestsMessageIsLetGoButASecondPassBeforeTheAnswerStartsNothing() {
        NettyConnection c = open(0, true);
        Object head1 = new Object();
        Object head2 = new Object();
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_000);
        assertTrue(c.pickedUp(head1, 2_000));
        assertTrue(c.pickedUp(head2, 3_000), "the pipelined request is picked up before the first is answered");
        assertTrue(!c.pickedUp(head2, 3_500), "its second pass starts nothing");
        c.responseWriting(200, 13, true, 4_000).request.end(4_000);
        assertTrue(c.holdsAPickedUpMessage(), "the second request is not answered yet");
        assertTrue(!c.pickedUp(head2, 4_500), "answering the first does not forget the second's message");
        c.responseWriting(200, 13, true, 5_000).request.end(5_000);
        assertTrue(!c.holdsAPickedUpMessage(), "both answered: no message is kept");
        assertEquals(2, count(series("GET", "200", null)));
        assertEquals(2, queueCount());

        Object head3 = new Object();
        c.readable(6_000);
        get(c, 6_000);
        assertTrue(c.pickedUp(head3, 7_000));
        c.responseWriting(200, 13, true, 8_000).request.end(8_000);
        assertTrue(!c.holdsAPickedUpMessage());
        assertTrue(!c.pickedUp(head3, 9_000), "a pass after the answer finds nothing to start");
        assertEquals(3, queueCount());
    }

    @Test
    void aRequestAnsweredWithoutItsHandlerStartsAtItsResponse() {
        NettyConnection c = open(0, true);
        c.readable(1_000);
        get(c, 1_200);
        c.responseWriting(413, 0, true, 2_000).request.end(2_000);
        assertEquals(1, queueCount());
        recording.read(r -> assertEquals(200, r.http().queue().sum()));
        assertTrue(!c.pickedUp(new Object(), 3_000), "an ended request is not picked up");
    }

    @Test
    void interimResponsesAreNotTheAnswer() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        c.requestDecoded(DECODER, "POST", 3, 1_000);
        assertNull(c.responseWriting(100, 0, true, 1_500), "100 Continue");
        c.contentDecoded(true);
        c.responseWriting(200, 3, true, 2_000).request.end(2_000);
        assertEquals(1, count(series("POST", "200", null)));
    }

    @Test
    void aHandlersExceptionMarksTheRequestItHandles() {
        NettyConnection c = open(0, true);
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_000);
        c.pickedUp(new Object(), 2_000);
        c.pickedUp(new Object(), 3_000);
        // The first is answered but its response not yet written when the second's handler throws.
        c.exceptionCaught(new IllegalStateException());
        c.responseWriting(200, 13, true, 4_000).request.end(4_000);
        c.responseWriting(500, 15, true, 5_000).request.end(5_000);
        assertEquals(1, count(series("GET", "200", null)));
        assertEquals(1, count(series("GET", "500", "java.lang.IllegalStateException")));
    }

    @Test
    void closingEndsRequestsInFlightOnceAndStopsDecoding() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_000);
        NettyConnection.Slot written = c.responseWriting(200, 13, true, 2_000);
        c.responseWriting(200, 13, false, 2_000);
        c.exceptionCaught(new IOException("reset"));
        c.closed(3_000);
        c.closed(4_000);
        written.request.end(5_000);
        get(c, 6_000);
        assertNull(c.responseWriting(200, 13, true, 7_000));

        assertEquals(1, count(series("GET", "200", null)), "written in full: its status stands");
        assertEquals(2_000, series("GET", "200", null).duration().sum());
        assertEquals(1, count(series("GET", null, "java.io.IOException")), "cut short: no status");
        assertEquals(0, recording.http().active(), "nothing decoded after the close is begun");
        recording.read(r -> {
            assertEquals(1, r.connections().lifetime().cumulative().getTotalCount());
            assertEquals(2, r.connections().requests().cumulative().getMaxValue());
        });
    }

    @Test
    void anEventLoopHandlerStartsAtDecodeUnlessItHandsTheRequestToAWorker() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_200);
        assertTrue(c.dispatchStarting(DECODER));
        c.dispatchFinished(-1);
        assertEquals(1, queueCount(), "started where it was decoded, recorded once its passes ended");
        recording.read(r -> assertEquals(200, r.http().queue().sum()));
        c.responseWriting(200, 13, true, 2_000).request.end(2_000);

        c.readable(3_000);
        get(c, 3_000);
        assertTrue(c.dispatchStarting(DECODER));
        ServerRequest handedOff = c.requestDueNext();
        handedOff.handOff();
        c.dispatchFinished(-1);
        assertEquals(1, queueCount(), "a request handed to a worker pool has not started");
        handedOff.handlerStarted(9_000);
        c.responseWriting(200, 13, true, 10_000).request.end(10_000);
        assertEquals(2, queueCount());
        recording.read(r -> assertEquals(200 + 6_000, r.http().queue().sum(), "the second waited for its worker"));
        assertNull(c.requestDueNext(), "nothing in flight");
    }

    @Test
    void theRequestDueNextIsTheOldestNotYetAnswered() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_100);
        ServerRequest first = c.requestDueNext();
        c.responseWriting(200, 13, true, 2_000);
        ServerRequest second = c.requestDueNext();
        assertNotNull(second);
        assertTrue(first != second, "once the first response is written, the next request is due");
        assertEquals(1_000, second.arrivalNanos(), "pipelined: it arrived with the first's read");
    }

    @Test
    void theDecodersPassesOfARequestAreOneAllocationSample() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        c.requestDecoded(DECODER, "POST", 10, 1_000);
        assertTrue(!c.dispatchStarting(new Object()), "another decoder's output");
        assertTrue(c.dispatchStarting(DECODER));
        c.dispatchFinished(0);
        c.contentDecoded(true);
        assertTrue(c.dispatchStarting(DECODER));
        c.dispatchFinished(0);
        assertTrue(!c.dispatchStarting(DECODER), "nothing left to pass on");
        recording.read(r -> assertEquals(1, r.http().allocated().cumulative().getTotalCount()));
    }

    @Test
    void aNewHeadEndsAResponseThatNeverWroteItsLastContent() {
        NettyConnection c = open(0, false);
        c.readable(1_000);
        get(c, 1_000);
        get(c, 1_000);
        assertNull(c.responseWriting(200, 13, false, 2_000));
        NettyConnection.Slot second = c.responseWriting(404, 0, true, 3_000);
        second.request.end(3_000);
        assertEquals(1, count(series("GET", "200", null)));
        assertEquals(1, count(series("GET", "404", null)));
        assertSame(null, c.responseWriting(200, 0, true, 4_000));
    }

    @Test
    void contentLengthIsParsedWithoutExceptions() {
        assertEquals(1000, NettyHooks.parseLength("1000"));
        assertEquals(0, NettyHooks.parseLength("0"));
        assertEquals(-1, NettyHooks.parseLength(null));
        assertEquals(-1, NettyHooks.parseLength(""));
        assertEquals(-1, NettyHooks.parseLength("12a"));
        assertEquals(-1, NettyHooks.parseLength("-5"));
        assertEquals(-1, NettyHooks.parseLength("99999999999999999999"));
    }
}
