package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.ServerRequest;

import java.util.concurrent.CancellationException;

/**
 * What the Netty advice calls when Netty's classes were loaded before the agent
 * ({@link NettyInstrumentation#extendLoaded}): the same events as {@link NettyHooks}, with each
 * channel's {@link NettyAttachedConnection} kept in the channel's own attribute map rather than in a
 * field, and the write promise that ends a request remembered by the event loop that wrote it
 * ({@link LoopWrites}) rather than in a field of the promise. Netty's objects arrive as
 * {@code Object}: this class lives in the bootstrap loader, which cannot see Netty; the advice reads
 * the attribute. Nothing here throws.
 */
public final class NettyAttachedHooks {
    /** The name of the {@code AttributeKey} under which a channel keeps its {@link NettyAttachedConnection}. */
    public static final String KEY_NAME = "io.tailwatch.agent.netty.connection";
    private static final String COMPONENT = "netty";
    private static final CancellationException CANCELLED = new CancellationException("write cancelled");

    /**
     * The {@code AttributeKey} of {@link #KEY_NAME}, made by the first Netty whose decoder produced a
     * request (as {@code Object}: a JVM may hold several copies of Netty, whose advice then asks
     * their own {@code AttributeKey.valueOf} each time).
     */
    private static volatile Object channelKey;
    /** Whether any write has ever been awaited: until then a promise's completion costs this read alone. */
    private static volatile boolean awaiting;

    private NettyAttachedHooks() {
    }

    /** The channel attribute key, or null before the first request: the advice then makes it with {@code AttributeKey.valueOf(KEY_NAME)}. */
    public static Object channelKey() {
        return channelKey;
    }

    /** Remembers the key made by the advice, unless one is remembered already. */
    public static void offerChannelKey(Object key) {
        if (channelKey == null) {
            channelKey = key;
        }
    }

    /** The state of a channel the agent sees a request on for the first time; held by its attribute. */
    public static Object newConnection() {
        return new NettyAttachedConnection();
    }

    /**
     * The decoder produced a request's head on a channel.
     *
     * @param connection    the channel's attribute value, a {@link NettyAttachedConnection}
     * @param contentLength the Content-Length header's value, or null
     */
    public static void requestDecoded(Object connection, String method, String contentLength) {
        try {
            if (connection instanceof NettyAttachedConnection) {
                ((NettyAttachedConnection) connection).requestDecoded(method, NettyHooks.parseLength(contentLength), System.nanoTime());
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * The HTTP encoder is given part of a response.
     *
     * @param status 1xx to 5xx for a response head, 0 for content
     * @return the request slot this part completes, for {@link #awaitWrite} or {@link #responseWritten}; or null
     */
    public static Object responseWriting(Object connection, int status, long bodyBytes, boolean last) {
        try {
            if (connection instanceof NettyAttachedConnection) {
                return ((NettyAttachedConnection) connection).responseWriting(status, bodyBytes, last, System.nanoTime());
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
        return null;
    }

    /**
     * The request of {@code slot} ends when {@code promise}, the write promise of its last part,
     * completes: on the calling thread, the channel's event loop, which completes its channel's
     * write promises ({@link #promiseDone}).
     */
    public static void awaitWrite(Object connection, Object slot, Object promise) {
        try {
            if (connection instanceof NettyAttachedConnection && slot instanceof NettyAttachedConnection.Slot) {
                LoopWrites.ofThread().add(promise, (NettyAttachedConnection) connection, (NettyAttachedConnection.Slot) slot);
                awaiting = true;
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            responseWritten(slot);
        }
    }

    /** The last part of a response has been handed on, with a promise that cannot say when it is written. */
    public static void responseWritten(Object slot) {
        if (slot instanceof NettyAttachedConnection.Slot) {
            try {
                ((NettyAttachedConnection.Slot) slot).request.end(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /**
     * A promise completes (any of Netty's: most are no write of a response). One this thread awaits
     * ends its request: the last part of its response has been written to the socket, or failed.
     * Called before the promise's listeners run: one of them may close the channel.
     *
     * @param cause the failure, null on success
     */
    public static void promiseDone(Object promise, Throwable cause) {
        if (!awaiting) {
            return;
        }
        try {
            LoopWrites.ofThread().done(promise, cause, System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void promiseCancelled(Object promise) {
        promiseDone(promise, CANCELLED);
    }

    /** The channel closed: requests in flight end now; the writes this thread awaited for it are forgotten. */
    public static void closed(Object connection) {
        if (connection instanceof NettyAttachedConnection) {
            try {
                NettyAttachedConnection c = (NettyAttachedConnection) connection;
                c.closed(System.nanoTime());
                if (awaiting) {
                    LoopWrites.ofThread().forget(c);
                }
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    public static void exceptionCaught(Object connection, Throwable cause) {
        if (connection instanceof NettyAttachedConnection) {
            try {
                ((NettyAttachedConnection) connection).exceptionCaught(cause);
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /**
     * The request whose response is due next on the channel whose attribute value is
     * {@code connection}, for servers that answer one request of a connection at a time (Vert.x,
     * Reactor Netty); null if none.
     */
    public static ServerRequest requestDueNext(Object connection) {
        return connection instanceof NettyAttachedConnection ? ((NettyAttachedConnection) connection).requestDueNext() : null;
    }

    /**
     * The write promises an event loop thread awaits, each with the request its completion ends: an
     * unordered list scanned by identity. It holds the writes in flight on the loop's channels, which
     * complete within the flush that wrote them unless a client reads slowly: a handful. Grown, never
     * per request; entries of closed channels or ended requests are dropped when it would grow.
     *
     * <p>Threads: one per thread, used by that thread alone.
     */
    static final class LoopWrites {
        private static final ThreadLocal<LoopWrites> OF_THREAD = new ThreadLocal<LoopWrites>() {
            @Override
            protected LoopWrites initialValue() {
                return new LoopWrites();
            }
        };

        private Object[] promises = new Object[0];
        private NettyAttachedConnection[] owners = new NettyAttachedConnection[0];
        private NettyAttachedConnection.Slot[] slots = new NettyAttachedConnection.Slot[0];
        /** Each slot's request's arrival, which tells it from a later request the same slot measures. */
        private long[] arrivals = new long[0];
        private int size;

        static LoopWrites ofThread() {
            return OF_THREAD.get();
        }

        void add(Object promise, NettyAttachedConnection owner, NettyAttachedConnection.Slot slot) {
            if (size == promises.length) {
                dropStale();
                if (size == promises.length) {
                    int capacity = Math.max(4, size * 2);
                    promises = java.util.Arrays.copyOf(promises, capacity);
                    owners = java.util.Arrays.copyOf(owners, capacity);
                    slots = java.util.Arrays.copyOf(slots, capacity);
                    arrivals = java.util.Arrays.copyOf(arrivals, capacity);
                }
            }
            promises[size] = promise;
            owners[size] = owner;
            slots[size] = slot;
            arrivals[size] = slot.request.arrivalNanos();
            size++;
        }

        void done(Object promise, Throwable cause, long nowNanos) {
            for (int i = 0; i < size; i++) {
                if (promises[i] == promise) {
                    NettyAttachedConnection.Slot slot = slots[i];
                    long arrival = arrivals[i];
                    remove(i);
                    ServerRequest request = slot.request;
                    if (request.inFlight() && request.arrivalNanos() == arrival) {
                        if (cause != null) {
                            request.threw(cause);
                            request.status(0);
                        }
                        request.end(nowNanos);
                    }
                    return;
                }
            }
        }

        /** Drops the entries of a closed channel (its requests ended with the close). */
        void forget(NettyAttachedConnection owner) {
            for (int i = size - 1; i >= 0; i--) {
                if (owners[i] == owner) {
                    remove(i);
                }
            }
        }

        int size() {
            return size;
        }

        private void dropStale() {
            for (int i = size - 1; i >= 0; i--) {
                ServerRequest request = slots[i].request;
                if (owners[i].isClosed() || !request.inFlight() || request.arrivalNanos() != arrivals[i]) {
                    remove(i);
                }
            }
        }

        /** Moves the last entry into place {@code i}; the order does not matter. */
        private void remove(int i) {
            int last = --size;
            promises[i] = promises[last];
            owners[i] = owners[last];
            slots[i] = slots[last];
            arrivals[i] = arrivals[last];
            promises[last] = null;
            owners[last] = null;
            slots[last] = null;
        }
    }
}
