package io.tailwatch.agent.instrumentation.springwebflux;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.instrumentation.LoaderProbe;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Spring WebFlux 6 routes: the path pattern its handler mappings matched becomes the request's
 * {@code http_route}, for annotated controllers and router functions; an exception the web exception
 * handlers turn into a 5xx becomes its {@code error_type}. The requests are measured by the
 * instrumentation of the server underneath (Netty for Reactor Netty); see {@link SpringWebfluxHooks}.
 *
 * <p>Exception handlers are matched by their supertype (an application may declare its own, ahead of
 * Spring Boot's), among classes whose name ends in {@code Handler}, as Spring's, Spring Boot's and
 * nearly every application's do: resolving supertypes reads class files, which no other class pays.
 */
public final class SpringWebfluxInstrumentation implements InstrumentationModule {
    static final String WEB_EXCEPTION_HANDLER = "org.springframework.web.server.WebExceptionHandler";

    private final LoaderProbe webFlux = new LoaderProbe(WEB_EXCEPTION_HANDLER);

    @Override
    public String name() {
        return "spring-webflux";
    }

    @Override
    public Class<?> hooksClass() {
        return SpringWebfluxHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping",
                "org.springframework.web.reactive.function.server.support.RouterFunctionMapping");
    }

    /**
     * The exception handlers: a class named {@code ...Handler} outside the JDK, Netty and Reactor,
     * in a loader that sees {@code WebExceptionHandler} (asked once per loader). Elsewhere (Tomcat,
     * Jetty, Netty applications) such classes are many and Byte Buddy would read the class file of
     * each and of its supertypes to find out.
     */
    @Override
    public boolean mayMatchOther(String internalName, ClassLoader loader) {
        return internalName.endsWith("Handler") && loader != null && !internalName.startsWith("java/")
                && !internalName.startsWith("jdk/") && !internalName.startsWith("sun/") && !internalName.startsWith("com/sun/")
                && !internalName.startsWith("io/netty/") && !internalName.startsWith("reactor/")
                && webFlux.sees(loader);
    }

    /** Its advice adds no members, so it applies to classes loaded before the agent as well. */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        return extend(agent);
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping"))
                .transform((builder, type, loader, module, domain) -> {
                    SpringWebfluxHooks.present();
                    return builder.visit(AdviceFactory.to(SpringWebfluxAdvice.HandleMatch.class).on(
                            named("handleMatch").and(takesArguments(3))));
                })
                .type(named("org.springframework.web.reactive.function.server.support.RouterFunctionMapping"))
                .transform((builder, type, loader, module, domain) -> {
                    SpringWebfluxHooks.present();
                    return builder.visit(AdviceFactory.to(SpringWebfluxAdvice.RouterFunctionMatch.class).on(
                            named("setAttributes").and(takesArguments(3))));
                })
                // By name first: resolving supertypes reads class files, which only these few classes pay.
                .type(nameEndsWith("Handler").and(not(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                                .or(nameStartsWith("com.sun."))
                                .or(nameStartsWith("io.netty.")).or(nameStartsWith("reactor."))))
                        .and(not(isInterface())).and(hasSuperType(named(WEB_EXCEPTION_HANDLER))))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(SpringWebfluxAdvice.ExceptionHandled.class).on(
                                named("handle").and(not(isAbstract())).and(takesArguments(2))
                                        .and(takesArgument(0, named("org.springframework.web.server.ServerWebExchange")))
                                        .and(takesArgument(1, Throwable.class)))));
    }
}
