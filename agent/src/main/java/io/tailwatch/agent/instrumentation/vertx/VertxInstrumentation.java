package io.tailwatch.agent.instrumentation.vertx;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.netty.ChannelOwner;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.MethodCall;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Vert.x 5 (core and Web). Its HTTP server runs on Netty and is measured by the Netty
 * instrumentation; this module names Vert.x Web's routes, records the exceptions Vert.x Web turns
 * into 500s, and moves the handler start of a request that waits for Vert.x's worker pool to the
 * worker; see {@link VertxHooks}.
 *
 * <ul>
 *   <li>{@code ConnectionBase} implements {@link ChannelOwner}: a connection's channel.</li>
 *   <li>{@code RoutingContextImpl}'s constructor (the router received a request),
 *       {@code RoutingContextWrapper}'s (a sub-router), {@code RouteState.handleContext} (a matched
 *       route's handler runs), {@code RoutingContextImpl.fail(int, Throwable)}.</li>
 *   <li>{@code WorkerTask}'s constructor and {@code run()}: every task of Vert.x's worker pools.</li>
 * </ul>
 */
public final class VertxInstrumentation implements InstrumentationModule {
    static final String REQUEST_FIELD = "tailwatch$request";
    static final String ARRIVAL_FIELD = "tailwatch$arrival";
    static final String TEMPLATE_FIELD = "tailwatch$template";
    static final String HANDED_OFF_FIELD = "tailwatch$handedOff";

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public Class<?> hooksClass() {
        return VertxHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("io.vertx.core.net.impl.ConnectionBase",
                "io.vertx.ext.web.impl.RoutingContextImplBase",
                "io.vertx.ext.web.impl.RoutingContextImpl",
                "io.vertx.ext.web.impl.RoutingContextWrapper",
                "io.vertx.ext.web.impl.RouteState",
                "io.vertx.core.impl.WorkerTask");
    }

    /** The connection gets an interface; the routing context, the route and the worker task get fields. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of("io.vertx.core.net.impl.ConnectionBase",
                "io.vertx.ext.web.impl.RoutingContextImplBase",
                "io.vertx.ext.web.impl.RouteState",
                "io.vertx.core.impl.WorkerTask");
    }

    /**
     * Without added members (attached to a running Vert.x, whose Netty the Netty instrumentation
     * then measures through each channel's attribute): a route's handler and a routing context's
     * failure find their request as the one due next on the connection's channel. Left out: the
     * template of a prefix route (a string per request without the field that keeps it), and the
     * hand-off to the worker pool, which only moves the handler start, not measured then.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named("io.vertx.ext.web.impl.RoutingContextImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(VertxAttachedAdvice.Failed.class).on(
                                named("fail").and(takesArguments(int.class, Throwable.class)))))
                .type(named("io.vertx.ext.web.impl.RouteState"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(VertxAttachedAdvice.RouteHandler.class).on(named("handleContext").and(takesArguments(1)))));
    }

    @Override
    public String loadedLimits() {
        return "its requests, measured by the netty instrumentation, are named only by routes of an exact path (no prefix"
                + " route's template), and their wait for Vert.x's worker pool is not told apart";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("io.vertx.core.net.impl.ConnectionBase"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(ChannelOwner.class)
                        .intercept(MethodCall.invoke(named("channel").and(takesNoArguments()))))
                .type(named("io.vertx.ext.web.impl.RoutingContextImplBase"))
                .transform((builder, type, loader, module, domain) -> {
                    VertxHooks.routerPresent();
                    return carrier(builder);
                })
                .type(named("io.vertx.ext.web.impl.RoutingContextImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(VertxAdvice.ContextCreated.class).on(isConstructor().and(takesArguments(4))))
                        .visit(AdviceFactory.to(VertxAdvice.Failed.class).on(
                                named("fail").and(takesArguments(int.class, Throwable.class)))))
                .type(named("io.vertx.ext.web.impl.RoutingContextWrapper"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(VertxAdvice.ContextWrapped.class).on(isConstructor().and(takesArguments(4)))))
                .type(named("io.vertx.ext.web.impl.RouteState"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(TEMPLATE_FIELD, String.class, Visibility.PRIVATE)
                        .implement(RouteTemplate.class).intercept(FieldAccessor.ofField(TEMPLATE_FIELD))
                        .visit(AdviceFactory.to(VertxAdvice.RouteHandler.class).on(named("handleContext").and(takesArguments(1)))))
                .type(named("io.vertx.core.impl.WorkerTask"))
                .transform((builder, type, loader, module, domain) -> {
                    VertxHooks.routerPresent();
                    return carrier(builder)
                            .defineField(HANDED_OFF_FIELD, long.class, Visibility.PRIVATE)
                            .implement(HandOffTime.class).intercept(FieldAccessor.ofField(HANDED_OFF_FIELD))
                            .visit(AdviceFactory.to(VertxAdvice.TaskCreated.class).on(isConstructor()))
                            .visit(AdviceFactory.to(VertxAdvice.TaskRun.class).on(named("run").and(takesNoArguments())));
                });
    }

    /** Adds the fields of {@link RequestCarrier}. */
    private static DynamicType.Builder<?> carrier(DynamicType.Builder<?> builder) {
        return builder
                .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE)
                .defineField(ARRIVAL_FIELD, long.class, Visibility.PRIVATE)
                .implement(RequestCarrier.class)
                .method(named(REQUEST_FIELD)).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                .method(named(ARRIVAL_FIELD)).intercept(FieldAccessor.ofField(ARRIVAL_FIELD));
    }
}
