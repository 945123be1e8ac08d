package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * What tailwatch tracks of one channel of a Netty server whose classes were loaded before the agent
 * (attached to a running JVM), where no field can be added to the channel: kept in the channel's
 * own attribute map ({@code Channel.attr}, see {@link NettyAttachedHooks#KEY_NAME}), created at the
 * first request the agent sees on the channel, so that connections opened before the attach are
 * measured from their next request on. One per channel; its slots are reused by every request.
 *
 * <p>As in {@link NettyConnection}: requests are numbered in the order the decoder produces them
 * ({@code begun}) and answered in that order ({@code responded}), so the response being written
 * belongs to slot {@code responded}; a ring of slots, doubled up to {@link #MAX_SLOTS} when a
 * pipelined request finds its slot still in flight, measures pipelining without allocating per
 * request. Unlike it: no {@code ServerConnection} (the connections' figures need the field), and no
 * handler start (no queue time is claimed): the clock runs from the decoded head to the end.
 *
 * <p>Threads: the decoder, encoder, promise and close hooks run on the channel's event loop, one at
 * a time. {@link #exceptionCaught} and {@link #requestDueNext} may run on a handler's executor or a
 * framework's worker: they read the volatile cursors and the ring, and act only on a slot whose
 * {@link ServerRequest} is in flight; the exactly-once recording rests on {@link ServerRequest#end}.
 */
public final class NettyAttachedConnection {
    static final int INITIAL_SLOTS = 4;
    static final int MAX_SLOTS = 1024;

    private volatile Slot[] ring = new Slot[INITIAL_SLOTS];
    /** Requests begun; written by the event loop only. */
    private volatile long begun;
    /** Requests whose response's last part has been written; written by the event loop only. */
    private volatile long responded;
    private boolean interimResponse;
    private boolean closed;

    /**
     * The decoder produced a request's head: its clock starts now.
     *
     * @param contentLength its Content-Length, or -1
     */
    void requestDecoded(String method, long contentLength, long nowNanos) {
        if (closed) {
            return;
        }
        Slot slot = claim();
        slot.headersWritten = false;
        if (slot.request.begin(null, nowNanos, method, contentLength)) {
            begun = begun + 1;
        }
    }

    /**
     * An exception travels the pipeline: it belongs to the request whose response is due next (with
     * a handler on another executor and pipelined requests, that may be an earlier request already
     * answered but not yet written: without a field in the request message, the agent cannot tell
     * which request the handler was running).
     */
    void exceptionCaught(Throwable cause) {
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
     * @return the slot whose response this part completes, to end when its write completes; or null
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
            // A response of a request decoded before the attach, or of none the codec produced.
            return null;
        }
        Slot slot = slot(seq);
        if (status > 0) {
            if (slot.headersWritten) {
                // A new head while the previous response had no last content: that one is over.
                responded = ++seq;
                slot.request.end(nowNanos);
                if (seq >= begun) {
                    return null;
                }
                slot = slot(seq);
            }
            slot.headersWritten = true;
            slot.request.status(status);
        }
        slot.request.responseBodyWritten(bodyBytes);
        if (!last) {
            return null;
        }
        responded = seq + 1;
        return slot;
    }

    /**
     * The request whose response is due next: the one a server that answers one request of a
     * connection at a time (Vert.x, Reactor Netty) is handling; null if none is in flight.
     */
    ServerRequest requestDueNext() {
        long seq = responded;
        if (seq >= begun) {
            return null;
        }
        Slot slot = slot(seq);
        return slot != null && slot.request.inFlight() ? slot.request : null;
    }

    /** The channel closed: requests still in flight end now, those not fully answered failed without a status. */
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
    }

    boolean isClosed() {
        return closed;
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

    /** One request's place in the ring; {@code headersWritten} is written and read by the event loop only. */
    static final class Slot {
        final ServerRequest request = new ServerRequest();
        boolean headersWritten;
    }
}
