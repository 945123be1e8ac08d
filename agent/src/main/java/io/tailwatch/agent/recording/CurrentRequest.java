package io.tailwatch.agent.recording;

/**
 * The request a thread is handling right now, for the instrumentation of routing frameworks (Spring
 * MVC, WebFlux, Vert.x Web), which learn a request's route template deep inside the application's
 * call stack, far from the server object that holds the {@link ServerRequest}.
 *
 * <p>Servers publish the request around the call into the application ({@link #enter}/{@link #exit});
 * a router hook calls {@link #route}. Publishing costs a thread-local write, so it happens only
 * once a routing framework's instrumentation has applied ({@link #wanted}); an application without
 * one pays a volatile read per request.
 */
public final class CurrentRequest {
    private static final ThreadLocal<ServerRequest> CURRENT = new ThreadLocal<>();
    private static volatile boolean wanted;

    private CurrentRequest() {
    }

    /** A routing framework was instrumented: servers start publishing their requests. */
    public static void want() {
        wanted = true;
    }

    /**
     * The calling thread starts handling {@code request}.
     *
     * @return what was published before, to hand back to {@link #exit}; null if nothing was
     */
    public static ServerRequest enter(ServerRequest request) {
        if (!wanted) {
            return null;
        }
        ServerRequest previous = CURRENT.get();
        CURRENT.set(request);
        return previous;
    }

    /** The calling thread returns from handling; {@code previous} is what {@link #enter} returned. */
    public static void exit(ServerRequest previous) {
        if (wanted) {
            CURRENT.set(previous);
        }
    }

    /**
     * The request published on this thread, or null: for instrumentation that carries it to where
     * the request's work goes on (a task handed to a worker pool, a router's context object).
     */
    public static ServerRequest current() {
        return wanted ? CURRENT.get() : null;
    }

    /** The router matched the current request to {@code template}; ignored when no request is published. */
    public static void route(String template) {
        ServerRequest request = CURRENT.get();
        if (request != null && template != null) {
            request.route(template);
        }
    }

    /**
     * As {@link #route}, unless the current request already has a route: for routers that see the
     * same request again on its later dispatches (a forward, an include, an async dispatch).
     */
    public static void routeIfAbsent(String template) {
        ServerRequest request = CURRENT.get();
        if (request != null && template != null) {
            request.routeIfAbsent(template);
        }
    }
}
