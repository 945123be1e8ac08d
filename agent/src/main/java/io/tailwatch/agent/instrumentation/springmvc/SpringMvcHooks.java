package io.tailwatch.agent.instrumentation.springmvc;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;

/**
 * What the Spring MVC advice calls. Spring MVC is not a server: it learns the route of a request
 * that a server instrumentation measures and publishes through {@link CurrentRequest}. This class
 * lives in the bootstrap loader and sees no Spring or servlet type; the advice reads what Spring
 * matched and passes the template as a String.
 */
public final class SpringMvcHooks {
    static final String COMPONENT = "spring-webmvc";

    private SpringMvcHooks() {
    }

    /** A handler mapping that knows route templates was created: servers start publishing their requests. */
    public static void mappingCreated() {
        CurrentRequest.want();
    }

    /**
     * Spring matched the request the calling thread handles to {@code template} (the
     * {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE} it has just set, such as
     * {@code /owners/{ownerId}}). The first dispatch that matches names the request: a forward or an
     * async dispatch of the same request does not rename it. An empty template (an empty mapping
     * matched at the root) is left out: Prometheus reads an empty label as an absent one.
     */
    public static void matched(String template) {
        try {
            if (template != null && !template.isEmpty()) {
                CurrentRequest.routeIfAbsent(template);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
