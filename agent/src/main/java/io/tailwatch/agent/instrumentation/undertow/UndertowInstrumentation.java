package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.StubMethod;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Undertow 2.x ({@code io.undertow:undertow-core}) over HTTP/1.1, and through it Undertow servlet.
 *
 * <p>Handlers are the application's (often lambdas, which cannot be transformed), so the advice sits
 * on the server's own path that every request takes: the connection ({@code HttpServerConnection},
 * one {@link ServerConnection} and one reused {@link ServerRequest} each), its read listener on the
 * I/O thread ({@code HttpReadListener}, readable since the wake-up of XNIO's loop, seen where it
 * serves a ready connection and where it turns to its tasks), the exchange ({@code HttpServerExchange}: the root
 * handler's runs and the completion of the exchange) and {@code Connectors.executeRootHandler}.
 * No listener object is added per request. HTTP/2 and AJP exchanges are not measured. The worker
 * pool is XNIO's ({@code XnioWorker}, given a busy-thread count), registered by {@code Undertow.start()}.
 *
 * <p>Attached to a JVM whose Undertow is loaded already ({@link #extendLoaded}), no field can be
 * added: the request's state is kept in an attachment of its connection instead
 * ({@link UndertowAttachedConnection}, one per connection, reused by each of its exchanges).
 */
public final class UndertowInstrumentation implements InstrumentationModule {
    static final String CONNECTION_FIELD = "tailwatch$connection";
    static final String REQUEST_FIELD = "tailwatch$request";
    static final String IO_STARTED_FIELD = "tailwatch$ioStarted";
    static final String MARK_FIELD = "tailwatch$allocationMark";
    static final String MEASURED_FIELD = "tailwatch$allocationMeasured";
    static final String BUSY_FIELD = "tailwatch$busyWorkers";

    private static final String SERVER = "io.undertow.server.";

    @Override
    public String name() {
        return UndertowHooks.COMPONENT;
    }

    @Override
    public Class<?> hooksClass() {
        return UndertowHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("io.undertow.Undertow",
                SERVER + "protocol.http.HttpServerConnection",
                SERVER + "protocol.http.HttpReadListener",
                "org.xnio.XnioWorker",
                "org.xnio.nio.WorkerThread",
                "org.xnio.nio.NioSocketConduit",
                SERVER + "Connectors",
                SERVER + "HttpServerExchange",
                SERVER + "AbstractServerConnection$CloseSetter",
                "io.undertow.servlet.handlers.ServletDispatchingHandler");
    }

    /** The connection and the exchange get fields and accessors, the XNIO worker its busy-thread count. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of(SERVER + "protocol.http.HttpServerConnection", "org.xnio.XnioWorker", SERVER + "HttpServerExchange");
    }

    /**
     * Without added members: the state lives in an attachment of the connection
     * ({@link UndertowAttachedAdvice}); the clock starts where the I/O thread creates the exchange
     * for a request's first bytes, as read. Left out: queue time (not claimed in this mode), the
     * connections' figures (their open time is before the attach, for most), and the worker pool's
     * gauges (its busy count is kept in a field of the worker; the server started before the attach
     * anyway, so {@code Undertow.start()} is not advised).
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named(SERVER + "protocol.http.HttpServerConnection"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.ExchangeBegins.class)
                                .on(named("setCurrentExchange").and(takesArguments(1)))))
                .type(named(SERVER + "protocol.http.HttpReadListener"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.Rejected.class).on(named("sendBadRequestAndClose"))))
                .type(named(SERVER + "Connectors"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.RootHandler.class)
                                .on(named("executeRootHandler").and(takesArguments(2)))))
                .type(named(SERVER + "HttpServerExchange"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.ExchangeCreated.class).on(isConstructor()
                                .and(takesArguments(2)).and(takesArgument(0, named(SERVER + "ServerConnection")))
                                .and(takesArgument(1, long.class))))
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.HandlerCall.class)
                                .on(named("setInCall").and(takesArguments(boolean.class))))
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.ExchangeCompleted.class)
                                .on(named("invokeExchangeCompleteListeners").and(takesNoArguments()))))
                .type(named(SERVER + "AbstractServerConnection$CloseSetter"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.ConnectionClosed.class).on(named("handleEvent").and(not(isBridge()))
                                .and(takesArgument(0, named("org.xnio.StreamConnection"))))))
                .type(named("io.undertow.servlet.handlers.ServletDispatchingHandler"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAttachedAdvice.ServletThrew.class).on(named("handleRequest").and(takesArguments(1)))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when the I/O thread reads the request's first bytes (time queued for a worker, "
                + "the connections' figures and the worker pool's gauges are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("io.undertow.Undertow"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.ServerStarted.class).on(named("start").and(takesNoArguments())))
                        .visit(AdviceFactory.to(UndertowAdvice.ServerStopped.class).on(named("stop").and(takesNoArguments()))))
                .type(named(SERVER + "protocol.http.HttpServerConnection"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(ConnectionAccess.class)
                        .method(named(CONNECTION_FIELD).and(takesNoArguments())).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .method(named(REQUEST_FIELD).and(takesNoArguments())).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                        .visit(AdviceFactory.to(UndertowAdvice.ConnectionCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(UndertowAdvice.ExchangeBegins.class)
                                .on(named("setCurrentExchange").and(takesArguments(1)))))
                .type(named(SERVER + "protocol.http.HttpReadListener"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.Readable.class).on(named("handleEvent").and(not(isBridge()))
                                .and(takesArgument(0, named("org.xnio.conduits.ConduitStreamSourceChannel")))))
                        .visit(AdviceFactory.to(UndertowAdvice.Rejected.class).on(named("sendBadRequestAndClose"))))
                .type(named("org.xnio.XnioWorker"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(BUSY_FIELD, BusyWorkers.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(WorkerAccess.class).intercept(FieldAccessor.ofField(BUSY_FIELD))
                        .visit(AdviceFactory.to(UndertowAdvice.WorkerCreated.class).on(isConstructor())))
                .type(named("org.xnio.nio.WorkerThread"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.IoThreadRunsTasks.class)
                                .on(named("safeRun").and(isStatic()).and(takesArguments(Runnable.class)))))
                .type(named("org.xnio.nio.NioSocketConduit"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.IoThreadServesReady.class)
                                .on(named("handleReady").and(takesArguments(int.class)))))
                .type(named(SERVER + "Connectors"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.RootHandler.class).on(named("executeRootHandler").and(takesArguments(2)))))
                .type(named(SERVER + "HttpServerExchange"))
                .transform((builder, type, loader, module, domain) -> builder
                        // Per exchange, never per request object allocated: Undertow creates a new exchange for each request.
                        .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE)
                        .defineField(IO_STARTED_FIELD, long.class, Visibility.PRIVATE)
                        .defineField(MARK_FIELD, long.class, Visibility.PRIVATE)
                        .defineField(MEASURED_FIELD, boolean.class, Visibility.PRIVATE)
                        .implement(ExchangeAccess.class)
                        .method(named(REQUEST_FIELD)).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                        .method(named("tailwatch$rootHandlerEntered"))
                        .intercept(AdviceFactory.to(UndertowAdvice.RootHandlerEnteredBody.class).wrap(StubMethod.INSTANCE))
                        .method(named("tailwatch$rootHandlerReturned"))
                        .intercept(AdviceFactory.to(UndertowAdvice.RootHandlerReturnedBody.class).wrap(StubMethod.INSTANCE))
                        .visit(AdviceFactory.to(UndertowAdvice.HandlerCall.class).on(named("setInCall").and(takesArguments(boolean.class))))
                        .visit(AdviceFactory.to(UndertowAdvice.ExchangeCompleted.class)
                                .on(named("invokeExchangeCompleteListeners").and(takesNoArguments()))))
                .type(named(SERVER + "AbstractServerConnection$CloseSetter"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.ConnectionClosed.class).on(named("handleEvent").and(not(isBridge()))
                                .and(takesArgument(0, named("org.xnio.StreamConnection"))))))
                .type(named("io.undertow.servlet.handlers.ServletDispatchingHandler"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(UndertowAdvice.ServletThrew.class).on(named("handleRequest").and(takesArguments(1)))));
    }
}
