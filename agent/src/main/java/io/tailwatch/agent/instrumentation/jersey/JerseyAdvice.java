package io.tailwatch.agent.instrumentation.jersey;

import net.bytebuddy.asm.Advice;
import org.glassfish.jersey.server.ContainerRequest;

import java.util.List;

/**
 * The advice woven into Jersey's server. Jersey's types appear only in the advice bodies, never in
 * their signatures (see the Tomcat advice for why), and only {@code ContainerRequest.getBaseUri()},
 * which Jersey 2 (javax) and 3 (jakarta) share.
 */
final class JerseyAdvice {
    private JerseyAdvice() {
    }

    /** {@code RoutingStage(Router)}: an application's request router was built. */
    static final class RouterCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit() {
            JerseyHooks.routerCreated();
        }
    }

    /**
     * {@code UriRoutingContext.setEndpoint(Endpoint)}: routing is over and found the resource
     * method (or sub-resource method through locators) that will answer; every template on the way
     * has been pushed on the context's list. A request that matched nothing (404, 405) never gets
     * here, and has no route.
     */
    static final class EndpointMatched {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object endpoint, @Advice.FieldValue("templates") Object templates,
                         @Advice.FieldValue("requestContext") Object request) {
            if (endpoint != null) {
                JerseyHooks.matched((List<?>) templates, ((ContainerRequest) request).getBaseUri().getRawPath());
            }
        }
    }

    /** As {@link EndpointMatched}, where Jersey was loaded before the agent and its templates have no added members. */
    static final class EndpointMatchedLoaded {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object endpoint, @Advice.FieldValue("templates") Object templates,
                         @Advice.FieldValue("requestContext") Object request) {
            if (endpoint != null) {
                JerseyHooks.matchedLoaded((List<?>) templates, ((ContainerRequest) request).getBaseUri().getRawPath());
            }
        }
    }
}
