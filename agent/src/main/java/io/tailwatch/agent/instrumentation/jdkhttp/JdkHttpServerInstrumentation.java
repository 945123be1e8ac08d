package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.AdviceFactory;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FieldAccessor;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * The JDK's HTTP server ({@code com.sun.net.httpserver}, implemented in {@code sun.net.httpserver}).
 *
 * <p>Handlers are often lambdas, which are hidden classes that cannot be transformed, so the advice
 * sits on the server's own per-connection and per-exchange classes, which every request passes
 * through whatever its handler. Fields and accessor interfaces are added to classes as they load;
 * a server class already loaded when the agent attaches cannot be given them, and the failure is
 * reported once.
 */
public final class JdkHttpServerInstrumentation implements InstrumentationModule {
    static final String CONNECTION_FIELD = "tailwatch$connection";
    private static final String PKG = "sun.net.httpserver.";

    @Override
    public String name() {
        return "jdk-httpserver";
    }

    @Override
    public boolean transformsJdkClasses() {
        return true;
    }

    @Override
    public Class<?> hooksClass() {
        return JdkHttpServerHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of(PKG + "ServerImpl",
                PKG + "HttpConnection",
                PKG + "ServerImpl$Exchange",
                PKG + "ExchangeImpl",
                PKG + "HttpExchangeImpl",
                PKG + "HttpsExchangeImpl",
                PKG + "FixedLengthOutputStream",
                PKG + "ChunkedOutputStream",
                PKG + "UndefLengthOutputStream",
                PKG + "Event$WriteFinished",
                PKG + "WriteFinishedEvent",
                "com.sun.net.httpserver.Filter$Chain");
    }

    /** The connection gets a field and accessor; the exchanges get accessors. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of(PKG + "HttpConnection", PKG + "ExchangeImpl", PKG + "HttpExchangeImpl", PKG + "HttpsExchangeImpl");
    }

    /**
     * Without added members: the request's state is kept by the worker thread that runs it, and the
     * clock starts when that worker starts (JdkHttpWorkerRequest). The connections' figures need a
     * field in the connection and are left out.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named(PKG + "ServerImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ServerStarted.class).on(named("start").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ServerStopped.class).on(named("stop").and(takesArguments(int.class)))))
                .type(named(PKG + "ServerImpl$Exchange"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.TaskRun.class).on(named("run").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.Rejected.class)
                                .on(named("reject").and(takesArguments(int.class, String.class, String.class)))))
                .type(named(PKG + "ExchangeImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.ExchangeCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.ResponseHeadersSent.class)
                                .on(named("sendResponseHeaders").and(takesArguments(int.class, long.class)))))
                .type(namedOneOf(PKG + "FixedLengthOutputStream", PKG + "ChunkedOutputStream", PKG + "UndefLengthOutputStream"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.BodyByteWritten.class).on(named("write").and(takesArguments(int.class))))
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.BodyBytesWritten.class)
                                .on(named("write").and(takesArguments(byte[].class, int.class, int.class)))))
                .type(namedOneOf(PKG + "Event$WriteFinished", PKG + "WriteFinishedEvent"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.WriteFinished.class).on(isConstructor().and(takesArguments(1)))))
                .type(named("com.sun.net.httpserver.Filter$Chain"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAttachedAdvice.FilterChainThrew.class).on(named("doFilter").and(takesArguments(1)))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when a worker thread runs the handler (time queued for a worker and the "
                + "connections' figures are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named(PKG + "ServerImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ServerStarted.class).on(named("start").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ServerStopped.class).on(named("stop").and(takesArguments(int.class)))))
                .type(named(PKG + "HttpConnection"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, JdkHttpConnection.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(ConnectionAccess.class).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ConnectionCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ConnectionClosed.class).on(named("close").and(takesNoArguments()))))
                .type(named(PKG + "ServerImpl$Exchange"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ExchangeTaskCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ExchangeTaskRun.class).on(named("run").and(takesNoArguments())))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ExchangeRejected.class)
                                .on(named("reject").and(takesArguments(int.class, String.class, String.class)))))
                .type(named(PKG + "ExchangeImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(ExchangeAccess.class).intercept(FieldAccessor.ofField("connection"))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ExchangeCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.ResponseHeadersSent.class)
                                .on(named("sendResponseHeaders").and(takesArguments(int.class, long.class)))))
                .type(namedOneOf(PKG + "HttpExchangeImpl", PKG + "HttpsExchangeImpl"))
                .transform((builder, type, loader, module, domain) -> builder
                        .implement(PublicExchangeAccess.class).intercept(FieldAccessor.ofField("impl")))
                .type(namedOneOf(PKG + "FixedLengthOutputStream", PKG + "ChunkedOutputStream", PKG + "UndefLengthOutputStream"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.BodyByteWritten.class).on(named("write").and(takesArguments(int.class))))
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.BodyBytesWritten.class)
                                .on(named("write").and(takesArguments(byte[].class, int.class, int.class)))))
                // JDK 17 to 25 name the event Event$WriteFinished; older builds WriteFinishedEvent.
                .type(namedOneOf(PKG + "Event$WriteFinished", PKG + "WriteFinishedEvent"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.WriteFinished.class).on(isConstructor().and(takesArguments(1)))))
                .type(named("com.sun.net.httpserver.Filter$Chain"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JdkHttpServerAdvice.FilterChainThrew.class).on(named("doFilter").and(takesArguments(1)))));
    }
}
