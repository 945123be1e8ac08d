package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.EventLoopWakeTimes;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.ThreadAllocation;

import java.util.concurrent.CancellationException;

/**
 * What the Netty advice calls. Netty's objects arrive as {@code Object} (this class lives in the
 * bootstrap loader, which cannot see Netty); the accessors the instrumentation added lead to the
 * {@link NettyConnection}. Nothing here throws.
 */
public final class NettyHooks {
    private static final String COMPONENT = "netty";
    private static final CancellationException CANCELLED = new CancellationException("write cancelled");

    private NettyHooks() {
    }

    /**
     * {@code ServerBootstrapAcceptor} is handed a channel the server accepted.
     *
     * @param countAccept whether to count the accept here: the server channel did not accept
     *                    through {@code ServerSocketChannel.accept()}, which counts it already
     */
    public static void accepted(Object child, boolean countAccept) {
        try {
            if (countAccept) {
                Recording r = Recording.current();
                if (r != null) {
                    r.connections().accepted();
                }
            }
            if (child instanceof ChannelAccess && ((ChannelAccess) child).tailwatch$connection() == null) {
                ServerConnection connection = ServerConnection.open();
                if (connection != null) {
                    ((ChannelAccess) child).tailwatch$connection(new NettyConnection(connection));
                }
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The channel's close future completed: it is closed. */
    public static void closed(Object channel) {
        NettyConnection c = of(channel);
        if (c != null) {
            try {
                c.closed(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /** The tracked connection of a channel, or null. */
    public static Object connection(Object channel) {
        return of(channel);
    }

    /**
     * {@code HttpObjectEncoder.write} is entered: hands over to the encoder's own
     * {@link HttpEncoder#tailwatch$responseWriting}, which reads the message with Netty's types.
     * Through here, so that the advice names no agent type but the hooks.
     */
    public static Object encoderWriting(Object encoder, Object ctx, Object message, Object promise) {
        return encoder instanceof HttpEncoder ? ((HttpEncoder) encoder).tailwatch$responseWriting(ctx, message, promise) : null;
    }

    public static boolean isHttpDecoder(Object decoder) {
        return decoder instanceof HttpDecoder;
    }

    /**
     * An HTTP decoder is handed bytes read from the channel.
     *
     * @param cumulation the bytes it still holds from earlier reads, null if none
     */
    public static void decoderRead(Object channel, Object cumulation) {
        if (cumulation == null) {
            NettyConnection c = of(channel);
            if (c != null) {
                c.readable(EventLoopWakeTimes.readableSince());
            }
        }
    }

    /**
     * An event loop starts serving the channels its select returned; see {@link EventLoopWakeTimes}.
     *
     * @return what to hand to {@link #loopServed}, null if nothing was kept
     */
    public static long[] loopWoke() {
        try {
            return EventLoopWakeTimes.woke();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /** The event loop has served them; {@code woke} is what {@link #loopWoke} returned. */
    public static void loopServed(long[] woke) {
        if (woke != null) {
            EventLoopWakeTimes.served(woke);
        }
    }

    public static boolean pipelineUnknown(Object connection) {
        return ((NettyConnection) connection).pipelineUnknown();
    }

    public static void pipelineScanned(Object connection, boolean offLoop) {
        ((NettyConnection) connection).pipelineScanned(offLoop);
    }

    /** @param contentLength the Content-Length header's value, or null */
    public static void requestDecoded(Object connection, Object decoderContext, String method, String contentLength) {
        try {
            ((NettyConnection) connection).requestDecoded(decoderContext, method, parseLength(contentLength), System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void contentDecoded(Object connection, boolean last) {
        ((NettyConnection) connection).contentDecoded(last);
    }

    /** @return the connection whose decoded request the decoder now passes on, with its allocation measured; or null */
    public static Object dispatchStarting(Object channel, Object decoderContext) {
        NettyConnection c = of(channel);
        return c != null && c.dispatchStarting(decoderContext) ? c : null;
    }

    public static long allocationMark() {
        return ThreadAllocation.currentThreadAllocatedBytes();
    }

    public static void dispatchFinished(Object connection, long mark) {
        try {
            ((NettyConnection) connection).dispatchFinished(mark);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** Whether a message read from a channel is the head of an HTTP request. */
    public static boolean isRequest(Object message) {
        return message instanceof HttpRequestMessage;
    }

    /**
     * A thread other than the channel's event loop invokes a handler with a request's head.
     *
     * @return the connection whose request's handler started with it, for {@link #handlerReturned}; or null
     */
    public static Object handlerPickedUp(Object channel, Object message) {
        NettyConnection c = of(channel);
        if (c == null) {
            return null;
        }
        try {
            return c.pickedUp(message, System.nanoTime()) ? c : null;
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /**
     * The handler invocation that {@link #handlerPickedUp} saw start has returned.
     *
     * @param mark the thread's allocation counter when it started, -1 if unmeasured
     */
    public static void handlerReturned(Object connection, long mark) {
        try {
            ((NettyConnection) connection).unpublish();
            ServerRequest.handlerReturned(mark);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void exceptionCaught(Object channel, Throwable cause) {
        NettyConnection c = of(channel);
        if (c != null) {
            c.exceptionCaught(cause);
        }
    }

    /**
     * The HTTP encoder is given part of a response.
     *
     * @param status 1xx to 5xx for a response head, 0 for content
     * @return the request this part completes, for {@link #endsWithPromise} or {@link #responseWritten}; or null
     */
    public static Object responseWriting(Object connection, int status, long bodyBytes, boolean last) {
        try {
            return ((NettyConnection) connection).responseWriting(status, bodyBytes, last, System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /**
     * The request ends when the write of its last part completes, if its promise can say when.
     *
     * @return false for a promise that cannot (a void promise): end the request at the write
     */
    public static boolean endsWithPromise(Object promise, Object request) {
        if (promise instanceof PromiseAccess) {
            ((PromiseAccess) promise).tailwatch$request(request);
            return true;
        }
        return false;
    }

    /** The last part of a response has been handed to the channel, with a promise that cannot tell when it is written. */
    public static void responseWritten(Object request) {
        if (request instanceof NettyConnection.Slot) {
            ((NettyConnection.Slot) request).request.end(System.nanoTime());
        }
    }

    /**
     * A promise completes; a write promise carrying a request ends that request (the last part of
     * its response has been written to the socket, or failed). Called before the promise's
     * listeners run: one of them may close the channel.
     *
     * @param cause the failure, null on success
     */
    public static void promiseDone(Object promise, Throwable cause) {
        if (promise instanceof PromiseAccess) {
            PromiseAccess access = (PromiseAccess) promise;
            Object request = access.tailwatch$request();
            if (request instanceof NettyConnection.Slot) {
                access.tailwatch$request(null);
                ServerRequest r = ((NettyConnection.Slot) request).request;
                if (cause != null) {
                    r.threw(cause);
                    r.status(0);
                }
                r.end(System.nanoTime());
            }
        }
    }

    public static void promiseCancelled(Object promise) {
        promiseDone(promise, CANCELLED);
    }

    /**
     * The request a server that answers one request at a time at a connection is handling: the one
     * whose response is due next on {@code channel}; null if none, or the channel is not tracked.
     * See {@link NettyConnection#requestDueNext}.
     */
    public static ServerRequest requestDueNext(Object channel) {
        NettyConnection c = of(channel);
        return c == null ? null : c.requestDueNext();
    }

    /** A Content-Length value, or -1 if absent or not a number; without the exception {@code Long.parseLong} would throw. */
    static long parseLength(String value) {
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            n = n * 10 + (ch - '0');
        }
        return n;
    }

    private static NettyConnection of(Object channel) {
        return channel instanceof ChannelAccess ? ((ChannelAccess) channel).tailwatch$connection() : null;
    }
}
