package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.ServerRequest;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Where the JDK server's attached fallback ({@link JdkHttpServerAttachedHooks}) pairs a request whose
 * handler returned before its response was finished with the response that another thread finished:
 * the two halves meet here by the server's exchange, since no field can be added to it. Only
 * responses finished off the worker's thread come here, each once, so this is off the path of
 * ordinary requests.
 *
 * <p>Each side publishes its half and then looks for the other's: the worker a {@link #handedOff}
 * request (its clock and method), the finishing thread a {@link #finished} response (its status,
 * bytes and end). Whichever of the two sees both halves, first to take the request's half, ends the
 * request; both publish before they look, so one of them always sees both. Slots are taken and
 * cleared by compare-and-set; no lock.
 *
 * <p>Bounded: {@link #CAPACITY} halves at once. A half that finds no free slot is not published: the
 * worker then ends its request at once (as when nothing finishes it), and a finished response whose
 * request was not published is dropped ({@link #STALE_RESPONSE_NANOS}), ended by its worker instead.
 * A request whose response never finishes keeps its slot.
 */
final class JdkHttpHandOffs {
    static final int CAPACITY = 256;
    /**
     * A finished response's half whose request never comes (begun before the attach, or ended by
     * its worker when the table was full) is dropped once this old: the worker of one that does come
     * publishes its half as soon as its handler returns.
     */
    static final long STALE_RESPONSE_NANOS = 10_000_000_000L;

    private static final AtomicReferenceArray<Half> SLOTS = new AtomicReferenceArray<>(CAPACITY);

    private JdkHttpHandOffs() {
    }

    /** One side's half; {@code taken} marks the request's half once a side has claimed the pair. */
    private static final class Half {
        final Object exchange;
        final ServerRequest request;
        final int status;
        final long responseBodyBytes;
        final long endNanos;
        final AtomicBoolean taken = new AtomicBoolean();
        int slot;

        Half(Object exchange, ServerRequest request, int status, long responseBodyBytes, long endNanos) {
            this.exchange = exchange;
            this.request = request;
            this.status = status;
            this.responseBodyBytes = responseBodyBytes;
            this.endNanos = endNanos;
        }
    }

    /**
     * The worker's task for {@code exchange} returned with its response not finished: {@code request}
     * now belongs to this table (the worker takes a new one).
     *
     * @return false if the table is full: the caller ends the request itself
     */
    static boolean handedOff(Object exchange, ServerRequest request) {
        Half half = new Half(exchange, request, 0, 0, 0);
        if (!publish(half)) {
            return false;
        }
        pair(exchange);
        return true;
    }

    /** Another thread than the request's worker finished {@code exchange}'s response. */
    static void finished(Object exchange, int status, long responseBodyBytes, long endNanos) {
        if (publish(new Half(exchange, null, status, responseBodyBytes, endNanos))) {
            pair(exchange);
        }
    }

    private static boolean publish(Half half) {
        long now = System.nanoTime();
        for (int i = 0; i < CAPACITY; i++) {
            Half there = SLOTS.get(i);
            if (there != null && there.request == null && now - there.endNanos > STALE_RESPONSE_NANOS) {
                SLOTS.compareAndSet(i, there, null);
                there = null;
            }
            if (there == null) {
                half.slot = i;
                if (SLOTS.compareAndSet(i, null, half)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Ends {@code exchange}'s request if both halves are here and no other side has claimed them. */
    private static void pair(Object exchange) {
        Half requestHalf = null;
        Half responseHalf = null;
        for (int i = 0; i < CAPACITY && (requestHalf == null || responseHalf == null); i++) {
            Half h = SLOTS.get(i);
            if (h != null && h.exchange == exchange) {
                if (h.request != null) {
                    requestHalf = h;
                } else {
                    responseHalf = h;
                }
            }
        }
        if (requestHalf == null || responseHalf == null || !requestHalf.taken.compareAndSet(false, true)) {
            return;
        }
        SLOTS.compareAndSet(requestHalf.slot, requestHalf, null);
        SLOTS.compareAndSet(responseHalf.slot, responseHalf, null);
        ServerRequest request = requestHalf.request;
        if (responseHalf.status != 0) {
            request.status(responseHalf.status);
        }
        request.responseBodyWritten(responseHalf.responseBodyBytes);
        request.end(responseHalf.endNanos);
    }

    /** How many halves wait for their other half; for tests. */
    static int waiting() {
        int n = 0;
        for (int i = 0; i < CAPACITY; i++) {
            if (SLOTS.get(i) != null) {
                n++;
            }
        }
        return n;
    }
}
