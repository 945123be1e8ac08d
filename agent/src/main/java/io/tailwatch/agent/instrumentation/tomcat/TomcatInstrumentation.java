package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.StubMethod;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

/**
 * Apache Tomcat 9, 10.1 and 11 (embedded or standalone), HTTP/1.1 on any of its connectors, measured
 * in Coyote, below the servlet container: every request counts once whatever servlet API, filters,
 * forwards, includes, error pages or async processing it goes through.
 *
 * <p>The clock starts where the poller hands a readable connection to the executor
 * ({@code AbstractEndpoint.processSocket}), before the wait for a worker; a request's arrival is the
 * connection's arrival when the processor reads its first byte ({@code Http11InputBuffer.parseRequestLine}),
 * which also covers keep-alive and pipelined requests read in one run. It stops where Tomcat counts
 * the request done ({@code org.apache.coyote.Request.updateCounters()}): after the response's last
 * byte, on the worker for an ordinary request and on the thread that finished an async one.
 * The status is the one committed to the client ({@code Http11Processor.prepareResponse()}).
 *
 * <p>Attached to a JVM whose Tomcat is already loaded, {@link #extendLoaded} measures the same
 * requests without the fields this adds: see {@link TomcatAttachedHooks}.
 */
public final class TomcatInstrumentation implements InstrumentationModule {
    static final String CONNECTION_FIELD = "tailwatch$connection";
    static final String WORKER_START_FIELD = "tailwatch$workerStartNanos";
    static final String REQUEST_FIELD = "tailwatch$request";
    static final String ARRIVAL_FIELD = "tailwatch$arrivalNanos";

    private static final String NET = "org.apache.tomcat.util.net.";

    @Override
    public String name() {
        return TomcatHooks.COMPONENT;
    }

    @Override
    public Class<?> hooksClass() {
        return TomcatHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of(NET + "SocketWrapperBase",
                NET + "AbstractEndpoint",
                NET + "SocketProcessorBase",
                "org.apache.coyote.http11.Http11InputBuffer",
                "org.apache.coyote.http11.Http11Processor",
                "org.apache.coyote.Request",
                "org.apache.catalina.core.StandardWrapperValve",
                "org.apache.catalina.connector.CoyoteAdapter");
    }

    /** The socket wrapper and the coyote request get fields and accessors; the rest only advice. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of(NET + "SocketWrapperBase", "org.apache.coyote.Request");
    }

    /**
     * Without added members: a request's state lives in a note of its coyote request (one
     * {@link TomcatAttachedRequest} per processor), its clock starts when a worker starts reading
     * its request line and ends, as with {@link #extend}, where Tomcat counts it done. The
     * connections' figures and the arrival before a worker takes the connection need fields in the
     * socket wrapper and are left out; so is the worker pool of an endpoint already started, whose
     * start was before the advice.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return agent
                .type(named(NET + "AbstractEndpoint"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.EndpointStarted.class).on(named("start").and(takesNoArguments())))
                        .visit(AdviceFactory.to(TomcatAdvice.ExecutorShutdown.class)
                                .on(named("shutdownExecutor").and(takesNoArguments()))))
                .type(named("org.apache.coyote.http11.Http11InputBuffer"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.ParseRequestLine.class)
                                .on(named("parseRequestLine").and(takesArguments(boolean.class, int.class, int.class)))))
                .type(named("org.apache.coyote.http11.Http11Processor"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.RequestPrepared.class).on(named("prepareRequest").and(takesNoArguments())))
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.ResponseCommitted.class)
                                .on(named("prepareResponse").and(takesNoArguments()))))
                .type(named("org.apache.coyote.Request"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.RequestEnded.class)
                                .on(namedOneOf("updateCounters", "recycle").and(takesNoArguments()))))
                .type(named("org.apache.catalina.core.StandardWrapperValve"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.ApplicationThrew.class).on(named("exception").and(takesArguments(4)))))
                .type(named("org.apache.catalina.connector.CoyoteAdapter"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.AdapterService.class).on(named("service").and(takesArguments(2))))
                        .visit(AdviceFactory.to(TomcatAttachedAdvice.AdapterPublish.class)
                                .on(named("service").and(takesArguments(2)).or(named("asyncDispatch").and(takesArguments(3))))));
    }

    @Override
    public String loadedLimits() {
        return "its request clock starts when a worker starts reading the request (time queued for a worker, the "
                + "connections' figures and the worker pool of a connector started before the attach are not measured)";
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named(NET + "SocketWrapperBase"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(CONNECTION_FIELD, ServerConnection.class, Visibility.PRIVATE)
                        .defineField(WORKER_START_FIELD, long.class, Visibility.PRIVATE)
                        .implement(SocketWrapperAccess.class)
                        .method(named(CONNECTION_FIELD)).intercept(FieldAccessor.ofField(CONNECTION_FIELD))
                        .method(named(WORKER_START_FIELD)).intercept(FieldAccessor.ofField(WORKER_START_FIELD))
                        .visit(AdviceFactory.to(TomcatAdvice.WrapperCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(TomcatAdvice.WrapperClosed.class).on(named("close").and(takesNoArguments()))))
                .type(named(NET + "AbstractEndpoint"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.ProcessSocket.class).on(named("processSocket").and(takesArguments(3))))
                        .visit(AdviceFactory.to(TomcatAdvice.EndpointStarted.class).on(named("start").and(takesNoArguments())))
                        .visit(AdviceFactory.to(TomcatAdvice.ExecutorShutdown.class)
                                .on(named("shutdownExecutor").and(takesNoArguments()))))
                .type(named(NET + "SocketProcessorBase"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.SocketProcessorRun.class).on(named("run").and(takesNoArguments()))))
                .type(named("org.apache.coyote.http11.Http11InputBuffer"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.ParseRequestLine.class)
                                .on(named("parseRequestLine").and(takesArguments(boolean.class, int.class, int.class)))))
                .type(named("org.apache.coyote.http11.Http11Processor"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.RequestPrepared.class).on(named("prepareRequest").and(takesNoArguments())))
                        .visit(AdviceFactory.to(TomcatAdvice.ResponseCommitted.class).on(named("prepareResponse").and(takesNoArguments()))))
                .type(named("org.apache.coyote.Request"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(REQUEST_FIELD, ServerRequest.class, Visibility.PRIVATE)
                        .defineField(ARRIVAL_FIELD, long.class, Visibility.PRIVATE)
                        .implement(CoyoteRequestAccess.class)
                        .method(named(REQUEST_FIELD)).intercept(FieldAccessor.ofField(REQUEST_FIELD))
                        .method(named(ARRIVAL_FIELD)).intercept(FieldAccessor.ofField(ARRIVAL_FIELD))
                        .method(named("tailwatch$requestEnded"))
                        .intercept(AdviceFactory.to(TomcatAdvice.RequestEndedBody.class).wrap(StubMethod.INSTANCE))
                        .visit(AdviceFactory.to(TomcatAdvice.RequestEnded.class)
                                .on(namedOneOf("updateCounters", "recycle").and(takesNoArguments()))))
                .type(named("org.apache.catalina.core.StandardWrapperValve"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.ApplicationThrew.class).on(named("exception").and(takesArguments(4)))))
                .type(named("org.apache.catalina.connector.CoyoteAdapter"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(TomcatAdvice.AdapterService.class).on(named("service").and(takesArguments(2))))
                        .visit(AdviceFactory.to(TomcatAdvice.AdapterPublish.class)
                                .on(named("service").and(takesArguments(2)).or(named("asyncDispatch").and(takesArguments(3))))));
    }
}
