package io.tailwatch.agent.instrumentation.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import net.bytebuddy.asm.Advice;

import java.util.List;

/**
 * The advice woven into Netty classes loaded before the agent: only method bodies change. Each
 * channel's state is its attribute under {@link NettyAttachedHooks#KEY_NAME}, created by the decoder's
 * advice at the first request the agent sees on the channel, only looked up ({@code hasAttr}) by
 * the others, so that no other channel gets one. The key object comes from
 * {@link NettyAttachedHooks#channelKey}, else from {@code AttributeKey.valueOf}. A piece names only
 * types of the jar it is woven into and of the jars that one depends on.
 */
final class NettyAttachedAdvice {
    private NettyAttachedAdvice() {
    }

    /**
     * {@code HttpObjectDecoder.decode(ctx, buffer, out)}: a request's head it adds to {@code out}
     * starts the request's clock.
     */
    static final class Decoded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter(@Advice.Argument(2) List<Object> out) {
            return out.size();
        }

        @SuppressWarnings("unchecked")
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Argument(2) List<Object> out,
                         @Advice.Enter int before) {
            int size = out.size();
            for (int i = before; i < size; i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest) {
                    Object k = NettyAttachedHooks.channelKey();
                    AttributeKey<Object> key;
                    if (k instanceof AttributeKey) {
                        key = (AttributeKey<Object>) k;
                    } else {
                        key = AttributeKey.valueOf(NettyAttachedHooks.KEY_NAME);
                        NettyAttachedHooks.offerChannelKey(key);
                    }
                    io.netty.util.Attribute<Object> attribute = ctx.channel().attr(key);
                    Object connection = attribute.get();
                    if (connection == null) {
                        connection = NettyAttachedHooks.newConnection();
                        attribute.set(connection);
                    }
                    HttpRequest request = (HttpRequest) message;
                    NettyAttachedHooks.requestDecoded(connection, request.method().name(),
                            request.headers().get(HttpHeaderNames.CONTENT_LENGTH));
                }
            }
        }
    }

    /**
     * {@code HttpObjectEncoder.write(ctx, msg, promise)}: part of a response is written. Read on
     * entry: encoding releases the message. The part that ends a response ends its request when
     * its promise completes, awaited by the event loop that completes it; with a promise other than
     * Netty's {@code DefaultChannelPromise} (a void one, a framework's own), or an encoder on
     * another executor than the channel's loop, as the encoder has passed it on.
     */
    static final class ResponseWrite {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Argument(1) Object message,
                            @Advice.Argument(2) ChannelPromise promise) {
            Object k = NettyAttachedHooks.channelKey();
            if (k == null) {
                return null;
            }
            AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                    : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
            Channel channel = ctx.channel();
            if (!channel.hasAttr(key)) {
                return null;
            }
            Object connection = channel.attr(key).get();
            int status = message instanceof HttpResponse ? ((HttpResponse) message).status().code() : 0;
            long bytes = 0;
            if (message instanceof HttpContent) {
                bytes = ((HttpContent) message).content().readableBytes();
            } else if (message instanceof ByteBuf) {
                bytes = ((ByteBuf) message).readableBytes();
            } else if (message instanceof FileRegion) {
                bytes = ((FileRegion) message).count();
            }
            Object slot = NettyAttachedHooks.responseWriting(connection, status, bytes, message instanceof LastHttpContent);
            if (slot == null) {
                return null;
            }
            // Only Netty's own promise completes through the DefaultPromise methods the advice watches
            // (Vert.x passes one that delegates to a promise of its own).
            if (promise instanceof DefaultChannelPromise && channel.eventLoop().inEventLoop()) {
                NettyAttachedHooks.awaitWrite(connection, slot, promise);
                return null;
            }
            return slot;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object slot) {
            if (slot != null) {
                NettyAttachedHooks.responseWritten(slot);
            }
        }
    }

    /** {@code DefaultPromise.setSuccess0(result)}: taken on entry, before listeners (which may close the channel) run. */
    static final class PromiseSucceeded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object promise) {
            NettyAttachedHooks.promiseDone(promise, null);
        }
    }

    /** {@code DefaultPromise.setFailure0(cause)}. */
    static final class PromiseFailed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object promise, @Advice.Argument(0) Throwable cause) {
            NettyAttachedHooks.promiseDone(promise, cause);
        }
    }

    /** {@code DefaultPromise.cancel(boolean)}: taken on exit, as a flushed write refuses to be cancelled. */
    static final class PromiseCancelled {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object promise, @Advice.Return boolean cancelled) {
            if (cancelled) {
                NettyAttachedHooks.promiseCancelled(promise);
            }
        }
    }

    /** {@code AbstractChannel.CloseFuture.setClosed()}: true once, when the channel has closed. */
    static final class ChannelClosed {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This ChannelFuture closeFuture, @Advice.Return boolean closedNow) {
            Object k = NettyAttachedHooks.channelKey();
            if (closedNow && k != null) {
                AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                        : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
                Channel channel = closeFuture.channel();
                if (channel.hasAttr(key)) {
                    NettyAttachedHooks.closed(channel.attr(key).get());
                }
            }
        }
    }

    /** {@code AbstractChannelHandlerContext.invokeExceptionCaught(cause)}: an exception reaches a handler. */
    static final class ExceptionCaught {
        @SuppressWarnings("unchecked")
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This ChannelHandlerContext ctx, @Advice.Argument(0) Throwable cause) {
            Object k = NettyAttachedHooks.channelKey();
            if (k != null) {
                AttributeKey<Object> key = k instanceof AttributeKey ? (AttributeKey<Object>) k
                        : AttributeKey.<Object>valueOf(NettyAttachedHooks.KEY_NAME);
                Channel channel = ctx.channel();
                if (channel.hasAttr(key)) {
                    NettyAttachedHooks.exceptionCaught(channel.attr(key).get(), cause);
                }
            }
        }
    }
}
