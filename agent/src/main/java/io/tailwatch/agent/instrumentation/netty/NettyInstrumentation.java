package io.tailwatch.agent.instrumentation.netty;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.StubMethod;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Netty 4.1 and 4.2 HTTP/1 servers, on any transport (NIO, epoll, ...), and so the servers built on
 * them (Vert.x, Reactor Netty): the advice sits in Netty's bootstrap, channel, pipeline, promise and
 * HTTP codec classes, never in application handlers.
 *
 * <ul>
 *   <li>Connection: opened when {@code ServerBootstrapAcceptor} receives an accepted channel,
 *       closed when the channel's close future completes.</li>
 *   <li>Request start: the wake-up of the event loop that read its first bytes, in a loop that
 *       serves ready channels through {@code processSelectedKeys} (NIO) or {@code processReady}
 *       (epoll), else the read itself ({@code ByteToMessageDecoder.channelRead} of the HTTP
 *       decoder); begun when {@code HttpObjectDecoder.decode} produces its head.</li>
 *   <li>Handler start: as the head is passed on, or when a thread other than the event loop invokes
 *       a handler with it ({@code AbstractChannelHandlerContext}).</li>
 *   <li>Response: status and body from {@code HttpObjectEncoder.write}; the request ends when the
 *       promise of its last part completes ({@code DefaultPromise}), that is when the bytes have
 *       been written to the socket.</li>
 * </ul>
 */
public final class NettyInstrumentation implements InstrumentationModule {
    static final String CONNECTION_FIELD = "tailwatch$connection";
    static final String REQUEST_FIELD = "tailwatch$request";

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public Class<?> hooksClass() {
        return NettyHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("io.netty.channel.nio.NioEventLoop",
                "io.netty.channel.nio.NioIoHandler",
                "io.netty.channel.epoll.EpollEventLoop",
                "io.netty.channel.epoll.EpollIoHandler",
                "io.netty.bootstrap.ServerBootstrap$ServerBootstrapAcceptor",
                "io.netty.channel.AbstractChannel",
                "io.netty.channel.AbstractChannel$CloseFuture",
                "io.netty.channel.AbstractChannelHandlerContext",
                "io.netty.channel.DefaultChannelPromise",
                "io.netty.util.concurrent.DefaultPromise",
                "io.netty.handler.codec.ByteToMessageDecoder",
                "io.netty.handler.codec.http.HttpObjectDecoder",
                "io.netty.handler.codec.http.HttpObjectEncoder",
                "io.netty.handler.codec.http.HttpRequest");
    }

    /** The channel and the write promise get a field, the decoder and the request message an interface. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of("io.netty.channel.AbstractChannel",
                "io.netty.channel.DefaultChannelPromise",
                "io.netty.handler.codec.http.HttpObjectDecoder",
                "io.netty.handler.codec.http.HttpObjectEncoder",
                "io.netty.handler.codec.http.HttpRequest");
    }

    /**
     * Without added members: each channel keeps its state in its own attribute map, made at the
     * first request seen on it ({@link NettyAttachedConnection}); a request's clock starts when the
     * decoder produces its head and ends when the write of its response's last part completes, the
     * promise awaited by the event loop that wrote it ({@link NettyAttachedHooks}). Left out: the
     * connections' figures (the accept and the channel's field), the handler start (no queue time),
     * the allocation per request and the publishing of the request to routers while the decoder
     * passes it on; Vert.x and Reactor Netty find a channel's request through its attribute.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named("io.netty.channel.AbstractChannel$CloseFuture"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAttachedAdvice.ChannelClosed.class).on(named("setClosed").and(takesNoArguments()))))
                .type(named("io.netty.channel.AbstractChannelHandlerContext"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAttachedAdvice.ExceptionCaught.class).on(
                                named("invokeExceptionCaught").and(takesArguments(Throwable.class)).and(not(isStatic())))))
                .type(named("io.netty.util.concurrent.DefaultPromise"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAttachedAdvice.PromiseSucceeded.class).on(named("setSuccess0").and(takesArguments(1))))
                        .visit(AdviceFactory.to(NettyAttachedAdvice.PromiseFailed.class).on(
                                named("setFailure0").and(takesArguments(Throwable.class))))
                        .visit(AdviceFactory.to(NettyAttachedAdvice.PromiseCancelled.class).on(
                                named("cancel").and(takesArguments(boolean.class)))))
                .type(named("io.netty.handler.codec.http.HttpObjectDecoder"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAttachedAdvice.Decoded.class).on(named("decode").and(takesArguments(3)))))
                .type(named("io.netty.handler.codec.http.HttpObjectEncoder"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAttachedAdvice.ResponseWrite.class).on(named("write").and(takesArguments(3)))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when Netty has decoded the request's head (time queued for a handler's executor"
                + " is not told apart, the connections' figures are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("io.netty.bootstrap.ServerBootstrap$ServerBootstrapAcceptor"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.ChildAccepted.class).on(named("channelRead").and(takesArguments(2)))))
                .type(named("io.netty.channel.AbstractChannel"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, NettyConnection.class, Visibility.PRIVATE)
                        .implement(ChannelAccess.class).intercept(FieldAccessor.ofField(CONNECTION_FIELD)))
                .type(named("io.netty.channel.AbstractChannel$CloseFuture"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.ChannelClosed.class).on(named("setClosed").and(takesNoArguments()))))
                .type(named("io.netty.channel.AbstractChannelHandlerContext"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.HandlerInvoked.class).on(
                                named("fireChannelRead").or(named("invokeChannelRead"))
                                        .and(takesArguments(Object.class)).and(not(isStatic()))))
                        .visit(AdviceFactory.to(NettyAdvice.ExceptionCaught.class).on(
                                named("invokeExceptionCaught").and(takesArguments(Throwable.class)).and(not(isStatic())))))
                .type(named("io.netty.channel.DefaultChannelPromise"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(REQUEST_FIELD, Object.class, Visibility.PRIVATE)
                        .implement(PromiseAccess.class).intercept(FieldAccessor.ofField(REQUEST_FIELD)))
                .type(named("io.netty.util.concurrent.DefaultPromise"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.PromiseSucceeded.class).on(named("setSuccess0").and(takesArguments(1))))
                        .visit(AdviceFactory.to(NettyAdvice.PromiseFailed.class).on(
                                named("setFailure0").and(takesArguments(Throwable.class))))
                        .visit(AdviceFactory.to(NettyAdvice.PromiseCancelled.class).on(
                                named("cancel").and(takesArguments(boolean.class)))))
                .type(named("io.netty.handler.codec.ByteToMessageDecoder"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.DecoderRead.class).on(
                                named("channelRead").and(takesArguments(2)).and(not(isStatic()))))
                        .visit(AdviceFactory.to(NettyAdvice.DecodedPassedOn.class).on(
                                named("fireChannelRead").and(isStatic()).and(takesArguments(3))
                                        .and(takesArgument(1, named("io.netty.handler.codec.CodecOutputList"))))))
                .type(named("io.netty.handler.codec.http.HttpObjectDecoder"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(HttpDecoder.class)
                        .visit(AdviceFactory.to(NettyAdvice.Decoded.class).on(named("decode").and(takesArguments(3)))))
                .type(named("io.netty.handler.codec.http.HttpObjectEncoder"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(HttpEncoder.class)
                        .intercept(AdviceFactory.to(NettyAdvice.ResponseWritingBody.class).wrap(StubMethod.INSTANCE))
                        .visit(AdviceFactory.to(NettyAdvice.ResponseWrite.class).on(named("write").and(takesArguments(3)))))
                .type(named("io.netty.handler.codec.http.HttpRequest"))
                .transform((builder, type, loader, module, domain) -> builder.implement(HttpRequestMessage.class))
                .type(named("io.netty.channel.nio.NioEventLoop").or(named("io.netty.channel.nio.NioIoHandler")))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.LoopServesReadyChannels.class).on(
                                named("processSelectedKeys").and(takesNoArguments()))))
                .type(named("io.netty.channel.epoll.EpollEventLoop").or(named("io.netty.channel.epoll.EpollIoHandler")))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(NettyAdvice.LoopServesReadyChannels.class).on(
                                named("processReady").and(takesArguments(2)))));
    }
}
