package io.tailwatch.agent.instrumentation.reactor;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.netty.ChannelOwner;
import net.bytebuddy.implementation.MethodCall;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Reactor Netty's HTTP server and Reactor core's schedulers, which Spring WebFlux runs on; the
 * Netty instrumentation measures the requests. See {@link ReactorHooks}.
 *
 * <ul>
 *   <li>{@code ServerTransport.Acceptor.channelRead}: Reactor Netty accepts with an acceptor of its own,
 *       not {@code ServerBootstrap}'s: the connection is opened here for the Netty instrumentation.</li>
 *   <li>{@code ChannelOperations} implements {@link ChannelOwner}: a connection's channel.</li>
 *   <li>{@code HttpServerOperations.onInboundNext}: publishes the request being handled.</li>
 *   <li>{@code Schedulers.workerSchedule} and {@code directSchedule}: every task of Reactor's
 *       executor-backed schedulers (bounded elastic, parallel, single, from an executor service).</li>
 * </ul>
 */
public final class ReactorInstrumentation implements InstrumentationModule {
    @Override
    public String name() {
        return "reactor";
    }

    @Override
    public Class<?> hooksClass() {
        return ReactorHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("reactor.netty.transport.ServerTransport$Acceptor",
                "reactor.netty.channel.ChannelOperations",
                "reactor.netty.http.server.HttpServerOperations",
                "reactor.core.scheduler.Schedulers");
    }

    /** The connection object gets an interface. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of("reactor.netty.channel.ChannelOperations");
    }

    /**
     * Without added members (attached to a running Reactor Netty, whose Netty the Netty
     * instrumentation then measures through each channel's attribute): the request being handled is
     * still published while its messages reach the application, found through the channel's
     * attribute, so that Spring WebFlux names its route. Left out: the accept of Reactor Netty's own
     * acceptor (a connection figure) and the hand-off to a scheduler, which only moves the handler
     * start, not measured then.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named("reactor.netty.http.server.HttpServerOperations"))
                .transform((builder, type, loader, module, domain) -> {
                    ReactorHooks.serverPresent();
                    return builder.visit(AdviceFactory.to(ReactorAttachedAdvice.InboundNext.class).on(
                            named("onInboundNext").and(takesArguments(2))));
                });
    }

    @Override
    public String loadedLimits() {
        return "its requests, measured by the netty instrumentation, are published to routers only while Reactor Netty passes"
                + " them to the application, and their wait for a scheduler's worker is not told apart";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("reactor.netty.transport.ServerTransport$Acceptor"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(ReactorAdvice.ChildAccepted.class).on(named("channelRead").and(takesArguments(2)))))
                .type(named("reactor.netty.channel.ChannelOperations"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(ChannelOwner.class)
                        .intercept(MethodCall.invoke(named("channel").and(takesNoArguments()))))
                .type(named("reactor.netty.http.server.HttpServerOperations"))
                .transform((builder, type, loader, module, domain) -> {
                    ReactorHooks.serverPresent();
                    return builder.visit(AdviceFactory.to(ReactorAdvice.InboundNext.class).on(
                            named("onInboundNext").and(takesArguments(2))));
                })
                .type(named("reactor.core.scheduler.Schedulers"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(ReactorAdvice.WorkerSchedule.class).on(
                                named("workerSchedule").and(isStatic()).and(takesArguments(5))
                                        .and(takesArgument(2, Runnable.class)).and(takesArgument(3, long.class))))
                        .visit(AdviceFactory.to(ReactorAdvice.DirectSchedule.class).on(
                                named("directSchedule").and(isStatic()).and(takesArguments(5))
                                        .and(takesArgument(1, Runnable.class)).and(takesArgument(3, long.class)))));
    }
}
