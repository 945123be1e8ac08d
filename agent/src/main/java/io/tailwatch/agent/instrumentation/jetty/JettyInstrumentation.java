package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.matcher.ElementMatcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasClassFileVersionAtLeast;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Jetty 12 (tested on 12.1.14 and 12.0.39): the core server, and so everything that runs as a core
 * handler, the servlet environments included.
 *
 * <p>Handlers are often lambdas and always the application's, so nothing here touches them. A
 * request is followed through Jetty's own {@code HttpChannelState}, which every request of every
 * protocol passes through: {@code onRequest} (head parsed: the measurement begins, with the
 * connection's arrival time), {@code HandlerInvoker.run} (a thread starts the handlers: queue time,
 * allocation), the request callback's {@code failed} (what a handler threw) and
 * {@code completeStream} (the last write is done, or the exchange failed: the end, exactly once,
 * with the status the client received). Connections are followed through
 * {@code internal.HttpConnection} (HTTP/1: open, close) and the socket's
 * {@code SelectableChannelEndPoint} (the selector sees it readable, before any pool thread is
 * involved). The servlet layer answers a servlet's exception itself, so ee10's and ee11's
 * {@code ServletChannel.handleException} is watched too.
 *
 * <p>Fields and interfaces are added as the classes load. When the agent attaches to a JVM whose
 * Jetty classes are already loaded, which cannot be given them, {@link #extendLoaded} measures each
 * request where it completes instead, from Jetty's own objects.
 *
 * <p>Only classes built for Java 17 or later are matched, as every Jetty 12 class is: Jetty 9.4
 * (Java 8, instrumented by {@code jetty9}) and Jetty 10 and 11 (Java 11) have classes of the same
 * names ({@code ManagedSelector$Accept}, {@code AbstractConnection}, {@code Server},
 * {@code ServerConnector}) that work differently, and a request must not be measured by two modules.
 */
public final class JettyInstrumentation implements InstrumentationModule {
    static final String REQUEST_FIELD = "tailwatch$request";
    static final String CONNECTION_FIELD = "tailwatch$connection";
    static final String ACCEPTED_FIELD = "tailwatch$acceptedNanos";
    static final String ACCEPT_QUEUED_FIELD = "tailwatch$acceptQueued";

    private static final String IO = "org.eclipse.jetty.io.";
    private static final String SERVER = "org.eclipse.jetty.server.";
    private static final String INTERNAL = SERVER + "internal.";

    /** Jetty 12 requires Java 17, and its classes are built for it. */
    private static final ElementMatcher.Junction<TypeDescription> JETTY_12 = hasClassFileVersionAtLeast(ClassFileVersion.JAVA_V17);

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public Class<?> hooksClass() {
        return JettyHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of(IO + "ManagedSelector$Accept",
                IO + "SelectableChannelEndPoint",
                IO + "AbstractConnection",
                INTERNAL + "HttpConnection",
                INTERNAL + "HttpChannelState",
                INTERNAL + "HttpChannelState$HandlerInvoker",
                INTERNAL + "HttpChannelState$ChannelCallback",
                INTERNAL + "HttpChannelState$ChannelRequest",
                SERVER + "Server",
                SERVER + "ServerConnector",
                "org.eclipse.jetty.ee10.servlet.ServletChannel",
                "org.eclipse.jetty.ee11.servlet.ServletChannel");
    }

    /** Only Jetty 12's: Jetty 9.4's {@code ManagedSelector$Accept}, of the same name, does not switch this module. */
    @Override
    public boolean givesMembersTo(Class<?> loaded) {
        int version = classFileMajorVersion(loaded);
        return version < 0 || version >= ClassFileVersion.JAVA_V17.getMajorVersion();
    }

    /**
     * The major version of a loaded class's class file, read from its loader's resource (Jetty 9.4's
     * and 12's classes of the same name differ in it); -1 where it cannot be read.
     */
    public static int classFileMajorVersion(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        ClassLoader loader = type.getClassLoader();
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource) : ClassLoader.getSystemResourceAsStream(resource)) {
            byte[] head = in != null ? in.readNBytes(8) : new byte[0];
            if (head.length < 8 || (head[0] & 0xff) != 0xCA || (head[1] & 0xff) != 0xFE) {
                return -1;
            }
            return ((head[6] & 0xff) << 8) | (head[7] & 0xff);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The classes {@link #extend} gives fields or interfaces; the others take advice alone. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of(IO + "ManagedSelector$Accept",
                IO + "SelectableChannelEndPoint",
                INTERNAL + "HttpConnection",
                INTERNAL + "HttpChannelState",
                INTERNAL + "HttpChannelState$ChannelRequest");
    }

    /**
     * Without added members ({@link JettyAttachedAdvice}): each request is recorded whole where it
     * completes ({@code completeStream}), from Jetty's own request and response, its clock started
     * at Jetty's begin time of the request. The connections' figures, the queue time and the
     * requests in flight need state of the agent's in Jetty's objects and are left out, and so is
     * {@code http_route}: no request is published to the routing frameworks.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named(INTERNAL + "HttpChannelState").and(JETTY_12)
                        .and(declaresMethod(named("completeStream").and(takesArguments(2)))))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAttachedAdvice.StreamCompleted.class)
                                .on(named("completeStream").and(takesArguments(2)))))
                .type(named(INTERNAL + "HttpChannelState$HandlerInvoker").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAttachedAdvice.HandlerInvoked.class).on(named("run").and(takesNoArguments()))))
                .type(named(INTERNAL + "HttpChannelState$ChannelCallback").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAttachedAdvice.CallbackFailed.class)
                                .on(named("failed").and(takesArguments(Throwable.class)))))
                .type(named(SERVER + "Server").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAttachedAdvice.ServerHandled.class).on(named("handle").and(takesArguments(3)))))
                .type(named(SERVER + "ServerConnector").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.ConnectorStarted.class).on(named("doStart").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JettyAdvice.ConnectorStopping.class).on(named("doStop").and(takesNoArguments()))))
                .type(named("org.eclipse.jetty.ee10.servlet.ServletChannel").or(named("org.eclipse.jetty.ee11.servlet.ServletChannel"))
                        .and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAttachedAdvice.ServletThrew.class)
                                .on(named("handleException").and(takesArguments(Throwable.class)))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when Jetty begins to parse the request (the connections' figures, the time queued "
                + "for a thread, the requests in flight and http_route are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named(IO + "ManagedSelector$Accept").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(ACCEPTED_FIELD, long.class, Visibility.PRIVATE)
                        .visit(AdviceFactory.to(JettyAdvice.AcceptCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(JettyAdvice.AcceptRun.class).on(named("run").and(takesNoArguments()))))
                .type(named(IO + "SelectableChannelEndPoint").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .defineField(ACCEPT_QUEUED_FIELD, boolean.class, Visibility.PRIVATE)
                        .implement(JettyEndPointAccess.class)
                        .method(named("tailwatch$connection")).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .method(named("tailwatch$acceptQueued")).intercept(FieldAccessor.ofField(ACCEPT_QUEUED_FIELD))
                        .visit(AdviceFactory.to(JettyAdvice.EndPointSelected.class).on(named("onSelected").and(takesNoArguments()))))
                .type(named(IO + "AbstractConnection").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.ConnectionClosed.class)
                                .on(named("onClose").and(takesArguments(Throwable.class)))))
                .type(named(INTERNAL + "HttpConnection").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(JettyConnectionAccess.class)
                        .method(named("tailwatch$connection")).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .method(named("tailwatch$httpChannel")).intercept(FieldAccessor.ofField("_httpChannel"))
                        .visit(AdviceFactory.to(JettyAdvice.ConnectionOpened.class).on(named("onOpen").and(takesNoArguments()))))
                // Older 12.0 releases complete the stream elsewhere: a request begun there would never
                // end, so such a channel is left alone and its requests go unmeasured.
                .type(named(INTERNAL + "HttpChannelState").and(JETTY_12)
                        .and(declaresMethod(named("completeStream").and(takesArguments(2)))))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(JettyChannelAccess.class)
                        .method(named("tailwatch$request")).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                        .method(named("tailwatch$requestStarted"))
                        .intercept(AdviceFactory.to(JettyAdvice.RequestStartedBody.class).wrap(StubMethod.INSTANCE))
                        .method(named("tailwatch$streamCompleted"))
                        .intercept(AdviceFactory.to(JettyAdvice.StreamCompletedBody.class).wrap(StubMethod.INSTANCE))
                        .visit(AdviceFactory.to(JettyAdvice.RequestStarted.class)
                                .on(named("onRequest").and(takesArguments(1))
                                        .and(takesArgument(0, named("org.eclipse.jetty.http.MetaData$Request")))))
                        .visit(AdviceFactory.to(JettyAdvice.StreamCompleted.class)
                                .on(named("completeStream").and(takesArguments(2)))))
                .type(named(INTERNAL + "HttpChannelState$HandlerInvoker").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.HandlerInvoked.class).on(named("run").and(takesNoArguments()))))
                .type(named(INTERNAL + "HttpChannelState$ChannelCallback").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.CallbackFailed.class)
                                .on(named("failed").and(takesArguments(Throwable.class)))))
                .type(named(INTERNAL + "HttpChannelState$ChannelRequest").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(JettyChannelRequestAccess.class).intercept(FieldAccessor.ofField("_httpChannelState")))
                .type(named(SERVER + "Server").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.ServerHandled.class).on(named("handle").and(takesArguments(3)))))
                .type(named(SERVER + "ServerConnector").and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.ConnectorStarted.class).on(named("doStart").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JettyAdvice.ConnectorStopping.class).on(named("doStop").and(takesNoArguments()))))
                .type(named("org.eclipse.jetty.ee10.servlet.ServletChannel").or(named("org.eclipse.jetty.ee11.servlet.ServletChannel"))
                        .and(JETTY_12))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JettyAdvice.ServletThrew.class)
                                .on(named("handleException").and(takesArguments(Throwable.class)))));
    }
}
