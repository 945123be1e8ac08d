package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.ThreadAllocation;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * What tailwatch tracks of one channel a Netty server accepted, kept in a field added to
 * {@code AbstractChannel}: the connection's {@link ServerConnection} and a ring of request slots,
 * so that HTTP/1.1 pipelining (several requests decoded before the first is answered) is measured
 * without allocating per request.
 *
 * <p>Requests are numbered in the order the decoder produces them ({@code begun}); responses are
 * written in that same order ({@code responded}), so the response being written always belongs to
 * slot {@code responded}. A slot is reused once its request has ended. The ring starts small and
 * doubles, up to {@link #MAX_SLOTS}, when a request is decoded while the slot it would take is still
 * in flight: a deeper pipeline costs one allocation per connection, not one per request.
 *
 * <p>Where the handler starts: Netty decodes and dispatches a request on the channel's event loop.
 * When no handler of the pipeline runs on another executor ({@link #pipelineScanned}), the handler
 * starts as the decoded request is passed on ({@link #requestDecoded}), recorded once its passes
 * end or its response starts, unless the loop handed it to a worker pool meanwhile
 * ({@link ServerRequest#handOff}: Vert.x's {@code executeBlocking}, a Reactor scheduler), whose
 * worker then marks the start. When one does (a handler added with an {@code EventExecutorGroup}),
 * the request waits in that executor's queue, and its handler starts when a thread other than the
 * event loop picks its {@code HttpRequest} up ({@link #pickedUp}).
 *
 * <p>Threads: the decoder's, encoder's and close methods run on the channel's event loop (or on the
 * one executor the codec was added with), one at a time. {@link #pickedUp} runs on the thread of
 * an executor-bound handler, which received the request through that executor's queue, so it sees
 * every slot begun before the request was handed over; it alone moves {@code pickupCursor}.
 * {@link #exceptionCaught} may run on that thread too, and reads the volatile cursors. The message a
 * pickup started a request with is kept only until that request is answered: the event loop then
 * drops it with a compare-and-set, which leaves a later pickup's message in place, so an idle
 * connection holds none of the application's objects (a slot's copy that the loop does not see in
 * time is dropped with the slot's next use or the close). The exactly-once recording of each request
 * rests on {@link ServerRequest#end}.
 */
public final class NettyConnection {
    static final int INITIAL_SLOTS = 4;
    static final int MAX_SLOTS = 1024;
    private static final AtomicReferenceFieldUpdater<NettyConnection, Object> LAST_PICKED_UP =
            AtomicReferenceFieldUpdater.newUpdater(NettyConnection.class, Object.class, "lastPickedUp");

    private static final int PIPELINE_UNKNOWN = 0;
    private static final int PIPELINE_ON_LOOP = 1;
    private static final int PIPELINE_OFF_LOOP = 2;

    private final ServerConnection connection;
    private volatile Slot[] ring = new Slot[INITIAL_SLOTS];
    /** Requests begun; written by the decoding thread only. */
    private volatile long begun;
    /** Requests whose response's last content has been written; written by the encoding thread only. */
    private volatile long responded;
    private long pickupCursor;
    /**
     * The message whose pickup started a request, until that request is answered: written by the
     * handler thread, cleared by the event loop with a compare-and-set, so that an idle keep-alive
     * connection keeps none of the application's request objects alive.
     */
    private volatile Object lastPickedUp;
    /** The request whose handler started last: what a handler's exception belongs to. */
    private volatile Slot handling;
    /** What {@link CurrentRequest} held before a handler call published this connection's request. */
    private ServerRequest publishedBefore;
    /** The request whose body the decoder is reading, between its head and its last content. */
    private Slot reading;
    /** The request whose decoded messages are about to be, or are being, passed on; see {@link #dispatchStarting}. */
    private Slot dispatching;
    private boolean dispatchComplete;
    private Object decoderContext;
    private int pipeline = PIPELINE_UNKNOWN;
    private boolean interimResponse;
    private boolean closed;

    NettyConnection(ServerConnection connection) {
        this.connection = connection;
    }

    /**
     * The HTTP decoder receives bytes and holds no part of a request: these bytes start the next
     * one. Bytes that continue a request (its head split over reads, or its body) leave the arrival
     * where the request's first bytes set it.
     */
    void readable(long nowNanos) {
        if (!closed && reading == null) {
            connection.readable(nowNanos);
        }
    }

    boolean pipelineUnknown() {
        return pipeline == PIPELINE_UNKNOWN;
    }

    /** @param offLoop whether some handler of the pipeline runs on an executor other than the event loop */
    void pipelineScanned(boolean offLoop) {
        pipeline = offLoop ? PIPELINE_OFF_LOOP : PIPELINE_ON_LOOP;
    }

    /**
     * The decoder produced a request's head.
     *
     * @param decoderContext the decoder's context, which then passes the request on
     * @param contentLength  its Content-Length, or -1
     */
    void requestDecoded(Object decoderContext, String method, long contentLength, long nowNanos) {
        if (closed) {
            return;
        }
        Slot slot = claim();
        // Reset before begin() publishes the slot as in flight: a handler thread may look at it then.
        slot.reset(nowNanos);
        if (!slot.request.begin(connection, connection.arrival(), method, contentLength)) {
            return;
        }
        begun = begun + 1;
        reading = slot;
        dispatching = slot;
        dispatchComplete = false;
        this.decoderContext = decoderContext;
        if (pipeline == PIPELINE_ON_LOOP) {
            // Its handler starts now, unless the loop hands it to a worker pool meanwhile: known when
            // the passes of the request end (dispatchFinished), or when its response starts.
            handling = slot;
        }
    }

    /** The decoder produced content of the request being read; {@code last} ends the request's body. */
    void contentDecoded(boolean last) {
        Slot slot = reading;
        if (slot == null) {
            return;
        }
        dispatching = slot;
        if (last) {
            dispatchComplete = true;
            reading = null;
        }
    }

    /**
     * The decoder is about to pass its output on. For a pipeline that runs its handlers on the event
     * loop, the handler works inside that call, so the allocation it measures is the request's, and
     * the request is published as the loop's {@link CurrentRequest} until {@link #dispatchFinished}.
     */
    boolean dispatchStarting(Object context) {
        if (pipeline != PIPELINE_ON_LOOP || dispatching == null || context != decoderContext) {
            return false;
        }
        publishedBefore = CurrentRequest.enter(dispatching.request);
        return true;
    }

    /**
     * The decoder's output has been passed on; once the request's last content has been, the
     * allocation of all its passes is recorded as one request's, and its handler started when it
     * was decoded, unless the handler handed it to a worker pool ({@link ServerRequest#handOff}),
     * whose worker then marks the start.
     *
     * @param mark the thread's allocation counter when the pass started, -1 if unmeasured
     */
    void dispatchFinished(long mark) {
        unpublish();
        Slot slot = dispatching;
        if (slot == null) {
            return;
        }
        if (mark >= 0) {
            long now = ThreadAllocation.currentThreadAllocatedBytes();
            if (now >= mark) {
                slot.loopAllocated += now - mark;
                slot.loopMeasured = true;
            }
        }
        if (dispatchComplete) {
            dispatching = null;
            dispatchComplete = false;
            if (!slot.started && !slot.request.handedOff()) {
                slot.started = true;
                slot.request.handlerStarted(slot.decodedNanos);
            }
            Recording r = Recording.current();
            if (r != null && slot.loopMeasured) {
                r.http().recordAllocation(slot.loopAllocated);
            }
        }
    }

    /**
     * A thread other than the event loop invokes a handler with {@code message}, an
     * {@code HttpRequest}: the oldest request whose handler has not started starts now, and is
     * published as the thread's {@link CurrentRequest} until {@link #unpublish}. The same message
     * passed on to further handlers before its request is answered starts nothing more; a message
     * that starts nothing is not remembered.
     *
     * @return whether a request's handler started
     */
    boolean pickedUp(Object message, long nowNanos) {
        if (message == lastPickedUp) {
            return false;
        }
        Slot[] r = ring;
        long end = begun;
        long seq = Math.max(pickupCursor, end - r.length);
        while (seq < end) {
            Slot slot = r[(int) seq & (r.length - 1)];
            seq++;
            if (slot != null && !slot.started && slot.request.inFlight()) {
                slot.started = true;
                slot.pickedUpWith = message;
                lastPickedUp = message;
                slot.request.handlerStarted(nowNanos);
                handling = slot;
                pickupCursor = seq;
                publishedBefore = CurrentRequest.enter(slot.request);
                return true;
            }
        }
        pickupCursor = seq;
        return false;
    }

    /** The handler call that {@link #dispatchStarting} or {@link #pickedUp} saw start has returned. */
    void unpublish() {
        CurrentRequest.exit(publishedBefore);
        publishedBefore = null;
    }

    /**
     * An exception travels the pipeline. It belongs to the request whose handler started last, while
     * that one is in flight: with a handler on another executor, the response due next on the event
     * loop may be an earlier request's, already answered but not yet written. Else to the request
     * whose response is due next.
     */
    void exceptionCaught(Throwable cause) {
        Slot current = handling;
        if (current != null && current.request.inFlight()) {
            current.request.threw(cause);
            return;
        }
        long seq = responded;
        if (seq < begun) {
            Slot slot = slot(seq);
            if (slot != null) {
                slot.request.threw(cause);
            }
        }
    }

    /**
     * The encoder is given part of a response. Interim responses (1xx but 101) are not the
     * request's answer and are skipped.
     *
     * @param status    the status of a response head, 0 for content
     * @param bodyBytes body bytes in this part
     * @param last      whether this part ends the response
     * @return the slot whose response this part completes, to be ended when the write completes; or null
     */
    Slot responseWriting(int status, long bodyBytes, boolean last, long nowNanos) {
        if (status >= 100 && status < 200 && status != 101) {
            interimResponse = !last;
            return null;
        }
        if (interimResponse) {
            interimResponse = !last;
            return null;
        }
        long seq = responded;
        if (seq >= begun) {
            return null;
        }
        Slot slot = slot(seq);
        if (status > 0) {
            if (slot.headersWritten) {
                // A new head while the previous response had no last content: that one is over.
                responded = ++seq;
                forgetPickup(slot);
                slot.request.end(nowNanos);
                if (seq >= begun) {
                    return null;
                }
                slot = slot(seq);
            }
            slot.headersWritten = true;
            slot.request.status(status);
            if (!slot.started) {
                // Answered without its handler ever being seen to start (by the codec itself, say).
                slot.started = true;
                slot.request.handlerStarted(slot.decodedNanos);
            }
        }
        slot.request.responseBodyWritten(bodyBytes);
        if (!last) {
            return null;
        }
        responded = seq + 1;
        forgetPickup(slot);
        return slot;
    }

    /**
     * The request of {@code slot} is answered: its message is no longer needed to recognise a second
     * pass of it, and is let go unless a later request's pickup has replaced it already. Event loop.
     */
    private void forgetPickup(Slot slot) {
        Object message = slot.pickedUpWith;
        if (message != null) {
            slot.pickedUpWith = null;
            LAST_PICKED_UP.compareAndSet(this, message, null);
        }
    }

    /** Whether the connection still references a request message the application handed a handler. */
    boolean holdsAPickedUpMessage() {
        if (lastPickedUp != null) {
            return true;
        }
        for (Slot slot : ring) {
            if (slot != null && slot.pickedUpWith != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request whose response is due next: the one a server that answers one request at a time
     * (Vert.x, Reactor Netty, which hold pipelined requests back until the previous response is
     * written) is handling; null if none is in flight. For routers that run outside the decoder's
     * pass (a pipelined request handed on when its predecessor's response was written). Read on the
     * event loop.
     */
    ServerRequest requestDueNext() {
        long seq = responded;
        if (seq >= begun) {
            return null;
        }
        Slot slot = slot(seq);
        return slot != null && slot.request.inFlight() ? slot.request : null;
    }

    /** The channel closed: requests still in flight end now, failed, those not fully answered without a status. */
    void closed(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        Slot[] r = ring;
        long end = begun;
        long answered = responded;
        for (long seq = Math.max(0, end - r.length); seq < end; seq++) {
            Slot slot = r[(int) seq & (r.length - 1)];
            if (slot != null && slot.request.inFlight()) {
                if (seq >= answered) {
                    slot.request.status(0);
                }
                slot.request.end(nowNanos);
            }
        }
        responded = end;
        reading = null;
        dispatching = null;
        decoderContext = null;
        lastPickedUp = null;
        handling = null;
        connection.closed(nowNanos);
    }

    /** The slot for request {@code begun}: a free one, else a grown ring's, else (at the limit) the oldest's. */
    private Slot claim() {
        Slot[] r = ring;
        long seq = begun;
        Slot slot = r[(int) seq & (r.length - 1)];
        if (slot != null && slot.request.inFlight() && r.length < MAX_SLOTS) {
            r = grow(r, seq);
            slot = r[(int) seq & (r.length - 1)];
        }
        if (slot == null) {
            slot = new Slot();
            r[(int) seq & (r.length - 1)] = slot;
        }
        return slot;
    }

    /** Doubles the ring, keeping each of the last {@code r.length} requests at its sequence's place. */
    private Slot[] grow(Slot[] r, long next) {
        Slot[] grown = new Slot[r.length * 2];
        for (long seq = Math.max(0, next - r.length); seq < next; seq++) {
            grown[(int) seq & (grown.length - 1)] = r[(int) seq & (r.length - 1)];
        }
        ring = grown;
        return grown;
    }

    private Slot slot(long seq) {
        Slot[] r = ring;
        return r[(int) seq & (r.length - 1)];
    }

    int capacity() {
        return ring.length;
    }

    /**
     * One request's place in the ring. Its fields other than the {@link ServerRequest} are written
     * by the decoding and encoding thread, and {@code started} also by a handler thread that picks
     * the request up, which happens before the handler answers it.
     */
    static final class Slot {
        final ServerRequest request = new ServerRequest();
        /** The message whose pickup started this request's handler, until the request is answered. */
        Object pickedUpWith;
        long decodedNanos;
        boolean started;
        boolean headersWritten;
        long loopAllocated;
        boolean loopMeasured;

        void reset(long nowNanos) {
            decodedNanos = nowNanos;
            pickedUpWith = null;
            started = false;
            headersWritten = false;
            loopAllocated = 0;
            loopMeasured = false;
        }
    }
}
