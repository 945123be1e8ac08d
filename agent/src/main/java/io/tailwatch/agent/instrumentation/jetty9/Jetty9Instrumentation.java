package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.jetty.JettyEndPointAccess;
import io.tailwatch.agent.instrumentation.jetty.JettyInstrumentation;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.hasClassFileVersionAtMost;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Jetty 9.4 (javax.servlet; tested on 9.4.58), HTTP/1.1 on a {@code ServerConnector}: every request
 * counts once whatever handlers, servlets, filters, forwards, error pages or async processing it
 * goes through, because it is followed in the server's own {@code HttpChannel}, below them all.
 *
 * <p>Where the clock starts: Jetty 9.4's selector thread finds a socket readable
 * ({@code ChannelEndPoint.onSelected}) and produces the task that reads and parses it. Its default
 * strategy ({@code EatWhatYouKill}) then either runs that task itself, handing the selector to a
 * reserved thread (no wait), or, when no reserved thread is free, queues it in the
 * {@code QueuedThreadPool}, where it waits for a worker. The readable event is before either, so it
 * is the request's arrival (with {@code ServerConnection}'s rule for keep-alive and pipelined
 * requests); {@code HttpChannel.onRequest} (head parsed) begins the measurement with it, and the
 * channel's first {@code handle()} of the request is where a thread starts on it (queue time). A
 * new connection is created by a pool task too, so its accept and first readable event are
 * followed as for Jetty 12 (see {@code JettyHooks}, whose code this module shares).
 *
 * <p>Where it ends: {@code HttpChannel.onCompleted()}, which Jetty calls once the response's last
 * write has completed (or failed), on whatever thread that was: the worker for an ordinary
 * request, the thread that called {@code AsyncContext.complete()} or finished the last async
 * write for an async one, the parsing thread for a request Jetty rejects itself (400). The status
 * is the one committed to the client. A servlet's exception reaches {@code HttpChannel.handleException},
 * and becomes the request's {@code error_type} when the response the client got is a 5xx.
 *
 * <p>The advice is compiled against Jetty 12 and names only Jetty methods whose signatures 9.4 and
 * 12 share ({@code Connection.getEndPoint}, {@code EndPoint.getConnection},
 * {@code MetaData$Request.getMethod}, {@code MetaData.getContentLength},
 * {@code MetaData$Response.getStatus}, {@code Connector.getExecutor},
 * {@code NetworkConnector.getLocalPort}); everything else is read from fields.
 *
 * <p>Only classes built for Java 8 or earlier are matched, as Jetty 9.4's are: Jetty 10, 11 and 12
 * have classes of the same names that work differently (and Jetty 12 has its own module).
 */
public final class Jetty9Instrumentation implements InstrumentationModule {
    static final String REQUEST_FIELD = "tailwatch$request";
    static final String DISPATCHED_FIELD = "tailwatch$dispatched";
    static final String FAILURE_FIELD = "tailwatch$failure";
    static final String CONNECTION_FIELD = "tailwatch$connection";
    static final String SELECTOR_FOLLOWS_FIELD = "tailwatch$selectorFollows";
    static final String ACCEPTED_FIELD = "tailwatch$acceptedNanos";
    static final String ACCEPT_QUEUED_FIELD = "tailwatch$acceptQueued";

    private static final String IO = "org.eclipse.jetty.io.";
    private static final String SERVER = "org.eclipse.jetty.server.";

    /** Jetty 9.4 runs on Java 8, and its classes are built for it. */
    private static final ElementMatcher.Junction<TypeDescription> JETTY_94 = hasClassFileVersionAtMost(ClassFileVersion.JAVA_V8);

    @Override
    public String name() {
        return Jetty9Hooks.COMPONENT;
    }

    @Override
    public Class<?> hooksClass() {
        return Jetty9Hooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of(SERVER + "ServerConnector",
                IO + "ManagedSelector$Accept",
                IO + "ChannelEndPoint",
                SERVER + "HttpConnection",
                SERVER + "HttpChannel");
    }

    /** Only Jetty 9.4's: Jetty 12's {@code ManagedSelector$Accept}, of the same name, does not switch this module. */
    @Override
    public boolean givesMembersTo(Class<?> loaded) {
        int version = JettyInstrumentation.classFileMajorVersion(loaded);
        return version < 0 || version <= ClassFileVersion.JAVA_V8.getMajorVersion();
    }

    /** The classes {@link #extend} gives fields or interfaces; {@code ServerConnector} takes advice alone. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of(IO + "ManagedSelector$Accept",
                IO + "ChannelEndPoint",
                SERVER + "HttpConnection",
                SERVER + "HttpChannel");
    }

    /**
     * Without added members ({@link Jetty9AttachedAdvice}): the request is kept under its channel in
     * {@link Jetty9InFlight}, timed from the connection's read that parsed it
     * ({@link Jetty9AttachedHooks}) and ended at {@code onCompleted}. The
     * connections' figures and the queue time need the selector's readable event, kept in fields of
     * the endpoint and connection, and are left out.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named(SERVER + "HttpConnection").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.Filling.class).on(named("onFillable").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.ConnectionClosed.class).on(named("onClose").and(takesNoArguments()))))
                .type(named(SERVER + "HttpChannel").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.RequestStarted.class)
                                .on(named("onRequest").and(takesArguments(1))
                                        .and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Request")))))
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.Handled.class).on(named("handle").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.HandlerThrew.class)
                                .on(named("handleException").and(takesArguments(Throwable.class))))
                        .visit(AdviceFactory.to(Jetty9AttachedAdvice.Completed.class).on(named("onCompleted").and(takesNoArguments()))))
                .type(named(SERVER + "ServerConnector").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectorStarted.class).on(named("doStart").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectorStopping.class).on(named("doStop").and(takesNoArguments()))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when a thread starts to read the request (the time it waited for that thread, "
                + "and the connections' figures, are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named(IO + "ManagedSelector$Accept").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(ACCEPTED_FIELD, long.class, Visibility.PRIVATE)
                        .visit(AdviceFactory.to(Jetty9Advice.AcceptCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(Jetty9Advice.AcceptRun.class).on(named("run").and(takesNoArguments()))))
                .type(named(IO + "ChannelEndPoint").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .defineField(ACCEPT_QUEUED_FIELD, boolean.class, Visibility.PRIVATE)
                        .implement(JettyEndPointAccess.class)
                        .method(named("tailwatch$connection")).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .method(named("tailwatch$acceptQueued")).intercept(FieldAccessor.ofField(ACCEPT_QUEUED_FIELD))
                        .visit(AdviceFactory.to(Jetty9Advice.EndPointSelected.class).on(named("onSelected").and(takesNoArguments()))))
                .type(named(SERVER + "HttpConnection").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .defineField(SELECTOR_FOLLOWS_FIELD, boolean.class, Visibility.PRIVATE)
                        .implement(Jetty9ConnectionAccess.class).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectionOpened.class).on(named("onOpen").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectionFilling.class).on(named("onFillable").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectionClosed.class).on(named("onClose").and(takesNoArguments()))))
                .type(named(SERVER + "HttpChannel").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .defineField(DISPATCHED_FIELD, boolean.class, Visibility.PRIVATE)
                        .defineField(FAILURE_FIELD, Throwable.class, Visibility.PRIVATE)
                        .implement(Jetty9ChannelAccess.class).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                        .visit(AdviceFactory.to(Jetty9Advice.RequestStarted.class)
                                .on(named("onRequest").and(takesArguments(1))
                                        .and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Request")))))
                        .visit(AdviceFactory.to(Jetty9Advice.Handled.class).on(named("handle").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9Advice.HandlerThrew.class)
                                .on(named("handleException").and(takesArguments(Throwable.class))))
                        .visit(AdviceFactory.to(Jetty9Advice.Completed.class).on(named("onCompleted").and(takesNoArguments()))))
                .type(named(SERVER + "ServerConnector").and(JETTY_94))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectorStarted.class).on(named("doStart").and(takesNoArguments())))
                        .visit(AdviceFactory.to(Jetty9Advice.ConnectorStopping.class).on(named("doStop").and(takesNoArguments()))));
    }
}
