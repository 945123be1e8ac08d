package io.tailwatch.agent.instrumentation.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.FileRegion;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import net.bytebuddy.asm.Advice;

import java.util.List;
import java.util.Map;

/**
 * The advice woven into Netty. Each piece reads what it needs from Netty's objects and hands plain
 * values to {@link NettyHooks}. A piece names only types of the jar it is woven into and of the
 * jars that one depends on (transport advice never names the HTTP codec), so that it resolves in
 * an application that has only some of Netty.
 */
final class NettyAdvice {
    private NettyAdvice() {
    }

    /**
     * {@code ServerBootstrap.ServerBootstrapAcceptor.channelRead(ctx, child)}: the server channel
     * hands over a channel it accepted. NIO accepts through the JDK, whose accept path counts it;
     * a native transport (epoll, io_uring, kqueue) does not.
     */
    static final class ChildAccepted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Argument(1) Object child) {
            Channel server = ctx.channel();
            NettyHooks.accepted(child, !(server instanceof AbstractNioChannel) && !(server instanceof LocalServerChannel));
        }
    }

    /**
     * The event loop's method that serves the channels its select returned: NIO's
     * {@code processSelectedKeys()} ({@code NioEventLoop} in 4.1, {@code NioIoHandler} in 4.2), epoll's
     * {@code processReady(events, ready)} ({@code EpollEventLoop}, {@code EpollIoHandler}).
     */
    static final class LoopServesReadyChannels {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long[] enter() {
            return NettyHooks.loopWoke();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter long[] woke) {
            NettyHooks.loopServed(woke);
        }
    }

    /** {@code AbstractChannel.CloseFuture.setClosed()}: true once, when the channel has closed. */
    static final class ChannelClosed {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This ChannelFuture closeFuture, @Advice.Return boolean closedNow) {
            if (closedNow) {
                NettyHooks.closed(closeFuture.channel());
            }
        }
    }

    /**
     * {@code ByteToMessageDecoder.channelRead(ctx, msg)}: bytes reach a decoder. For the HTTP
     * decoder, bytes that find it holding nothing start a request.
     */
    static final class DecoderRead {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object decoder, @Advice.Argument(0) ChannelHandlerContext ctx,
                          @Advice.FieldValue("cumulation") Object cumulation) {
            if (NettyHooks.isHttpDecoder(decoder)) {
                NettyHooks.decoderRead(ctx.channel(), cumulation);
            }
        }
    }

    /**
     * {@code HttpObjectDecoder.decode(ctx, buffer, out)}: what one call adds to {@code out} belongs
     * to one request (the decoder returns after a request's last content). On a connection's first
     * request, the handlers after the decoder are scanned once for one bound to another executor.
     */
    static final class Decoded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter(@Advice.Argument(2) List<Object> out) {
            return out.size();
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Argument(2) List<Object> out,
                         @Advice.Enter int before) {
            int size = out.size();
            if (size <= before) {
                return;
            }
            Channel channel = ctx.channel();
            Object connection = NettyHooks.connection(channel);
            if (connection == null) {
                return;
            }
            for (int i = before; i < size; i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest) {
                    if (NettyHooks.pipelineUnknown(connection)) {
                        boolean offLoop = false;
                        boolean afterDecoder = false;
                        EventExecutor loop = channel.eventLoop();
                        ChannelPipeline pipeline = ctx.pipeline();
                        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
                            ChannelHandlerContext handlerContext = pipeline.context(entry.getValue());
                            if (afterDecoder && handlerContext != null && handlerContext.executor() != loop) {
                                offLoop = true;
                            }
                            afterDecoder |= entry.getValue() == ctx.handler();
                        }
                        NettyHooks.pipelineScanned(connection, offLoop);
                    }
                    HttpRequest request = (HttpRequest) message;
                    NettyHooks.requestDecoded(connection, ctx, request.method().name(),
                            request.headers().get(HttpHeaderNames.CONTENT_LENGTH));
                }
                if (message instanceof HttpContent) {
                    NettyHooks.contentDecoded(connection, message instanceof LastHttpContent);
                }
            }
        }
    }

    /**
     * {@code ByteToMessageDecoder.fireChannelRead(ctx, CodecOutputList, n)}: a decoder passes its
     * output on. For an HTTP decoder whose handlers run on the event loop, they run inside.
     */
    static final class DecodedPassedOn {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.Argument(0) ChannelHandlerContext ctx, @Advice.Local("mark") long mark) {
            Object connection = NettyHooks.dispatchStarting(ctx.channel(), ctx);
            if (connection != null) {
                mark = NettyHooks.allocationMark();
            }
            return connection;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object connection, @Advice.Local("mark") long mark) {
            if (connection != null) {
                NettyHooks.dispatchFinished(connection, mark);
            }
        }
    }

    /**
     * {@code AbstractChannelHandlerContext.fireChannelRead(msg)} and, in Netty 4.1,
     * {@code invokeChannelRead(msg)}: the methods that invoke a handler's {@code channelRead} on the
     * thread it runs on. Off the event loop, a request's head starts its handler.
     */
    static final class HandlerInvoked {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.This ChannelHandlerContext ctx, @Advice.Argument(0) Object message,
                            @Advice.Local("mark") long mark) {
            // The thread first: on the event loop (most calls) no type test of the message is made.
            Channel channel = ctx.channel();
            if (!channel.eventLoop().inEventLoop() && NettyHooks.isRequest(message)) {
                Object connection = NettyHooks.handlerPickedUp(channel, message);
                if (connection != null) {
                    mark = NettyHooks.allocationMark();
                }
                return connection;
            }
            return null;
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object connection, @Advice.Local("mark") long mark) {
            if (connection != null) {
                NettyHooks.handlerReturned(connection, mark);
            }
        }
    }

    /** {@code AbstractChannelHandlerContext.invokeExceptionCaught(cause)}: an exception reaches a handler. */
    static final class ExceptionCaught {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This ChannelHandlerContext ctx, @Advice.Argument(0) Throwable cause) {
            NettyHooks.exceptionCaught(ctx.channel(), cause);
        }
    }

    /**
     * {@code HttpObjectEncoder.write(ctx, msg, promise)}: part of a response is written. Read on
     * entry: encoding releases the message. The part that ends a response ends its request when
     * the promise completes, or, for a void promise, when the encoder has passed it on. The advice
     * only calls {@link ResponseWritingBody}, added to the encoder as a method of its own (see
     * {@link HttpEncoder}).
     */
    static final class ResponseWrite {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter(@Advice.This Object encoder, @Advice.Argument(0) Object ctx, @Advice.Argument(1) Object message,
                            @Advice.Argument(2) Object promise) {
            return NettyHooks.encoderWriting(encoder, ctx, message, promise);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.Enter Object request) {
            if (request != null) {
                NettyHooks.responseWritten(request);
            }
        }
    }

    /** The body of {@link HttpEncoder#tailwatch$responseWriting}, which returns the request to end after the write, or null. */
    static final class ResponseWritingBody {
        @Advice.OnMethodExit(suppress = Throwable.class, backupArguments = false)
        static void exit(@Advice.Argument(0) Object context, @Advice.Argument(1) Object message, @Advice.Argument(2) Object promise,
                         @Advice.Return(readOnly = false) Object ended) {
            Object connection = NettyHooks.connection(((ChannelHandlerContext) context).channel());
            if (connection == null) {
                return;
            }
            int status = message instanceof HttpResponse ? ((HttpResponse) message).status().code() : 0;
            long bytes = 0;
            if (message instanceof HttpContent) {
                bytes = ((HttpContent) message).content().readableBytes();
            } else if (message instanceof ByteBuf) {
                bytes = ((ByteBuf) message).readableBytes();
            } else if (message instanceof FileRegion) {
                bytes = ((FileRegion) message).count();
            }
            Object request = NettyHooks.responseWriting(connection, status, bytes, message instanceof LastHttpContent);
            ended = request == null || NettyHooks.endsWithPromise(promise, request) ? null : request;
        }
    }

    /** {@code DefaultPromise.setSuccess0(result)}: taken on entry, before listeners (which may close the channel) run. */
    static final class PromiseSucceeded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object promise) {
            NettyHooks.promiseDone(promise, null);
        }
    }

    /** {@code DefaultPromise.setFailure0(cause)}. */
    static final class PromiseFailed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object promise, @Advice.Argument(0) Throwable cause) {
            NettyHooks.promiseDone(promise, cause);
        }
    }

    /** {@code DefaultPromise.cancel(boolean)}: taken on exit, as a flushed write refuses to be cancelled. */
    static final class PromiseCancelled {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object promise, @Advice.Return boolean cancelled) {
            if (cancelled) {
                NettyHooks.promiseCancelled(promise);
            }
        }
    }
}
