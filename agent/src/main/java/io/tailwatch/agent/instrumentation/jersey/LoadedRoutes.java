package io.tailwatch.agent.instrumentation.jersey;

import java.util.List;

/**
 * The routes of Jersey's template chains where Jersey was loaded before the agent and its
 * {@code UriTemplate} has no field to keep a route on ({@link JerseyInstrumentation#extendLoaded}):
 * a direct-mapped cache indexed by the innermost template's identity hash. A request whose chain
 * is in its slot costs an array read and a few identity comparisons and allocates nothing; one
 * that is not builds its route ({@link JerseyRoute#ofLoaded}) and takes the slot. Two chains of
 * one application that share a slot take turns and build their routes on each request; with
 * {@value #SLOTS} slots and a few dozen resource methods that is rare.
 *
 * <p>Threads: no lock. A slot is a plain array element written and read racily; a
 * {@link JerseyRoute} is immutable (final fields), so a reader sees a whole route or the slot's
 * previous one, and a lost write only costs a rebuild.
 */
final class LoadedRoutes {
    static final int SLOTS = 256;

    private final JerseyRoute[] slots = new JerseyRoute[SLOTS];

    /**
     * The route of {@code matched} (innermost first, Jersey's {@code UriTemplate} objects) under
     * {@code basePath}, or null if the templates' text cannot be read.
     */
    JerseyRoute route(List<?> matched, String basePath) throws ReflectiveOperationException {
        int slot = System.identityHashCode(matched.get(0)) & (SLOTS - 1);
        JerseyRoute route = slots[slot];
        if (route == null || !route.matches(matched, basePath)) {
            route = JerseyRoute.ofLoaded(matched, basePath);
            if (route != null) {
                slots[slot] = route;
            }
        }
        return route;
    }
}
