package io.tailwatch.agent.instrumentation.springmvc;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.recording.CurrentRequest;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Spring MVC 6 (Spring Framework 6.x, Spring Boot 3.x; jakarta.servlet): the {@code http_route}
 * label of requests that a server instrumentation (Tomcat, Jetty, Undertow) measures. It measures
 * nothing itself.
 *
 * <p>Hooked where Spring has just chosen the handler and set the pattern it matched: for annotated
 * controllers {@code RequestMappingInfoHandlerMapping.handleMatch} (protected and unchanged since
 * Spring 3.1, and every {@code @RequestMapping} match passes through it in both pattern-matching
 * modes); for functional endpoints {@code RouterFunctionMapping.getHandlerInternal}. URL-based
 * mappings ({@code SimpleUrlHandlerMapping}: static resources, view controllers) are left out on
 * purpose: Spring Boot maps static resources at {@code /**}, which would name every 404 for a
 * missing path. The constructors of the two mappings ask servers to publish their requests
 * ({@link io.tailwatch.agent.recording.CurrentRequest#want}), which they do only once a routing
 * framework is present.
 *
 * <p>Spring 5 (javax.servlet) is not matched: its methods take a {@code javax} request.
 */
public final class SpringMvcInstrumentation implements InstrumentationModule {
    private static final String SERVLET_REQUEST = "jakarta.servlet.http.HttpServletRequest";

    @Override
    public String name() {
        return SpringMvcHooks.COMPONENT;
    }

    @Override
    public Class<?> hooksClass() {
        return SpringMvcHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping",
                "org.springframework.web.servlet.function.support.RouterFunctionMapping");
    }

    /**
     * Its advice adds no members, so it applies to classes loaded before the agent as well. The
     * application's mappings were most likely created before the attach, where the constructors'
     * advice could not ask servers to publish their requests: it is asked here, once, when the
     * agent chooses these transformations.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        CurrentRequest.want();
        return extend(agent);
    }

    @Override
    public Transformations extend(Transformations agent) {
        ElementMatcher.Junction<MethodDescription> handleMatch = named("handleMatch").and(takesArguments(3))
                .and(takesArgument(0, named("org.springframework.web.servlet.mvc.method.RequestMappingInfo")))
                .and(takesArgument(2, named(SERVLET_REQUEST))).and(not(isBridge()));
        ElementMatcher.Junction<MethodDescription> getHandlerInternal = named("getHandlerInternal").and(takesArguments(1))
                .and(takesArgument(0, named(SERVLET_REQUEST))).and(not(isBridge()));
        return agent
                .type(named("org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping")
                        .and(declaresMethod(handleMatch)))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(SpringMvcAdvice.MappingCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(SpringMvcAdvice.HandlerMatched.class).on(handleMatch)))
                .type(named("org.springframework.web.servlet.function.support.RouterFunctionMapping")
                        .and(declaresMethod(getHandlerInternal)))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(SpringMvcAdvice.MappingCreated.class).on(isConstructor()))
                        .visit(AdviceFactory.to(SpringMvcAdvice.RouterMatched.class).on(getHandlerInternal)));
    }
}
