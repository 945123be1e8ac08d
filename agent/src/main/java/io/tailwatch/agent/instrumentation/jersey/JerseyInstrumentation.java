package io.tailwatch.agent.instrumentation.jersey;

import io.tailwatch.agent.instrumentation.AdviceFactory;
import io.tailwatch.agent.instrumentation.InstrumentationModule;
import io.tailwatch.agent.instrumentation.Transformations;
import io.tailwatch.agent.recording.CurrentRequest;
import net.bytebuddy.description.modifier.FieldManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FieldAccessor;

import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Jersey, the JAX-RS implementation (tested on 3.1, jakarta): the {@code http_route} label of
 * requests that a server instrumentation measures, from the {@code @Path} templates of the resource
 * that answers them, such as {@code /owners/{ownerId}} (class {@code @Path("/owners")}, method
 * {@code @Path("{ownerId}")}), sub-resource locators included. It measures nothing itself.
 *
 * <p>Hooked at the single place where Jersey's routing has matched all it will match:
 * {@code UriRoutingContext.setEndpoint}, called by the routing stage once it found the endpoint,
 * when the context's list of matched templates is complete. The route is the application's base
 * path (servlet context and mapping) and the templates, outermost first; it is computed once per
 * chain of templates and kept on the innermost one ({@link JerseyRoute}), so a request costs a few
 * identity comparisons. The routing stage's constructor asks servers to publish their requests.
 */
public final class JerseyInstrumentation implements InstrumentationModule {
    static final String ROUTE_FIELD = "tailwatch$route";

    private static final String ROUTING = "org.glassfish.jersey.server.internal.routing.";

    @Override
    public String name() {
        return JerseyHooks.COMPONENT;
    }

    @Override
    public Class<?> hooksClass() {
        return JerseyHooks.class;
    }

    @Override
    public List<String> typeNames() {
        return List.of("org.glassfish.jersey.uri.UriTemplate",
                ROUTING + "RoutingStage",
                ROUTING + "UriRoutingContext");
    }

    /** Only the template gets a field and accessors; the routing classes take advice alone. */
    @Override
    public List<String> typesGivenMembers() {
        return List.of("org.glassfish.jersey.uri.UriTemplate");
    }

    /**
     * Jersey loaded before the agent (attached to a running JVM): the same routes, kept in
     * {@link LoadedRoutes} instead of a field of the innermost template, so nothing is measured
     * less and {@link #loadedLimits} says nothing. The application's router was most likely built
     * before the attach, where the constructor's advice could not ask servers to publish their
     * requests: it is asked here, once, when the agent chooses these transformations.
     */
    @Override
    public Transformations extendLoaded(Transformations agent) {
        CurrentRequest.want();
        return agent
                .type(named(ROUTING + "RoutingStage"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JerseyAdvice.RouterCreated.class).on(isConstructor())))
                .type(named(ROUTING + "UriRoutingContext"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JerseyAdvice.EndpointMatchedLoaded.class)
                                .on(named("setEndpoint").and(takesArguments(1)))));
    }

    @Override
    public Transformations extend(Transformations agent) {
        return agent
                .type(named("org.glassfish.jersey.uri.UriTemplate"))
                .transform((builder, type, loader, module, domain) -> builder
                        .defineField(ROUTE_FIELD, Object.class, Visibility.PRIVATE, FieldManifestation.VOLATILE)
                        .implement(JerseyTemplate.class)
                        .method(named("tailwatch$template")).intercept(FieldAccessor.ofField("template"))
                        .method(named("tailwatch$route")).intercept(FieldAccessor.ofField(ROUTE_FIELD)))
                .type(named(ROUTING + "RoutingStage"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JerseyAdvice.RouterCreated.class).on(isConstructor())))
                .type(named(ROUTING + "UriRoutingContext"))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(AdviceFactory.to(JerseyAdvice.EndpointMatched.class)
                                .on(named("setEndpoint").and(takesArguments(1)))));
    }
}
