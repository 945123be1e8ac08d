package io.tailwatch.agent.instrumentation.jersey;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;

import java.util.List;

/**
 * What the Jersey advice calls. Jersey is not a server: it names the route of a request that a
 * server instrumentation (Tomcat, Jetty, Undertow) measures and publishes through
 * {@link CurrentRequest}. This class lives in the bootstrap loader and sees no Jersey type: the
 * templates arrive as Jersey's own list, their text through {@link JerseyTemplate}.
 */
public final class JerseyHooks {
    static final String COMPONENT = "jersey";

    /** The routes when Jersey was loaded before the agent (see {@link LoadedRoutes}). */
    private static final LoadedRoutes LOADED_ROUTES = new LoadedRoutes();

    private JerseyHooks() {
    }

    /** Jersey built an application's router: servers start publishing their requests. */
    public static void routerCreated() {
        CurrentRequest.want();
    }

    /**
     * Jersey's routing found the resource method for the request the calling thread handles.
     *
     * @param matched  the templates it matched, innermost first (its {@code UriRoutingContext}'s own list)
     * @param basePath the raw path of the application's base URI
     */
    public static void matched(List<?> matched, String basePath) {
        try {
            if (matched.isEmpty() || !(matched.get(0) instanceof JerseyTemplate)) {
                return;
            }
            JerseyTemplate innermost = (JerseyTemplate) matched.get(0);
            String base = basePath != null ? basePath : "";
            Object cached = innermost.tailwatch$route();
            JerseyRoute route = cached instanceof JerseyRoute ? (JerseyRoute) cached : null;
            if (route == null || !route.matches(matched, base)) {
                route = JerseyRoute.of(matched, base);
                innermost.tailwatch$route(route);
            }
            CurrentRequest.routeIfAbsent(route.template);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * As {@link #matched}, where Jersey was loaded before the agent: its templates are its own
     * {@code UriTemplate} objects, without {@link JerseyTemplate}, and their routes are kept in
     * {@link LoadedRoutes}.
     */
    public static void matchedLoaded(List<?> matched, String basePath) {
        try {
            if (matched.isEmpty()) {
                return;
            }
            JerseyRoute route = LOADED_ROUTES.route(matched, basePath != null ? basePath : "");
            if (route != null) {
                CurrentRequest.routeIfAbsent(route.template);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
