package io.tailwatch.agent.instrumentation.vertx;

import io.tailwatch.agent.instrumentation.netty.ChannelOwner;
import io.tailwatch.agent.instrumentation.netty.NettyAttachedHooks;
import io.tailwatch.agent.instrumentation.netty.NettyHooks;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Vert.x advice calls. Vert.x runs on Netty, whose instrumentation measures each request
 * (clock, status, body sizes); this adds what only Vert.x knows:
 *
 * <ul>
 *   <li>the route: Vert.x Web's routing context, created when the router receives a request, is
 *       given that request, the one whose response is due next on its connection (Vert.x answers
 *       one request of a connection at a time, in order); each route handler it calls names the
 *       request with the route's path template and publishes it as {@link CurrentRequest};</li>
 *   <li>the exception: a handler's exception never reaches Netty; Vert.x Web catches it and fails
 *       the routing context, which answers 500;</li>
 *   <li>the worker pool: a task that a request's handler gives Vert.x's worker pool
 *       ({@code executeBlocking}, a blocking handler, a worker verticle) hands the request off
 *       ({@link ServerRequest#handOff}); its handler starts when a worker runs the task, and the
 *       time the task waited for one is its queue time, as for a thread-pool server.</li>
 * </ul>
 *
 * <p>Threads: a routing context's handlers run on its event loop (or, for a blocking handler, on a
 * worker the event loop handed the context to). A task's fields are written before Vert.x submits
 * it to its pool and read by the worker that runs it. Nothing here throws.
 */
public final class VertxHooks {
    static final String COMPONENT = "vertx";
    /** What a hook that published nothing returns, for the matching exit to restore nothing. */
    public static final Object NOT_PUBLISHED = new Object();

    private VertxHooks() {
    }

    /** Vert.x Web is in the application: servers start publishing their requests to routers. */
    public static void routerPresent() {
        CurrentRequest.want();
    }

    /**
     * The router created a routing context for a request it received on {@code connection}.
     */
    public static void contextCreated(Object context, Object connection) {
        try {
            if (!(context instanceof RequestCarrier)) {
                return;
            }
            ServerRequest request = null;
            if (connection instanceof ChannelOwner) {
                request = NettyHooks.requestDueNext(((ChannelOwner) connection).tailwatch$channel());
            }
            if (request == null) {
                request = CurrentRequest.current();
            }
            if (request != null && request.inFlight()) {
                carry((RequestCarrier) context, request);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** A sub-router wraps a routing context: the wrapper carries the same request. */
    public static void contextWrapped(Object wrapper, Object inner) {
        if (wrapper instanceof RequestCarrier && inner instanceof RequestCarrier) {
            RequestCarrier from = (RequestCarrier) inner;
            RequestCarrier to = (RequestCarrier) wrapper;
            to.tailwatch$request(from.tailwatch$request());
            to.tailwatch$arrival(from.tailwatch$arrival());
        }
    }

    /**
     * A route's handler is about to run for a routing context: the route names the request (the
     * last route whose handler runs wins: a catch-all route's handlers usually come first), and the
     * request is published while the handler runs.
     *
     * @param path      the route's path as Vert.x keeps it (without a trailing {@code *}), null for a
     *                  route without a path or with a regular expression: those name nothing
     * @param exact     false for a prefix route ({@code /static/*})
     * @param subRouted whether the context is a sub-router's, whose paths are relative to a mount
     *                  point: the route that mounted the sub-router names the request
     * @return what to hand to {@link #handlerReturned}
     */
    public static Object handlerStarting(Object route, String path, boolean exact, Object context, boolean subRouted) {
        try {
            ServerRequest request = carried(context);
            if (request == null) {
                return NOT_PUBLISHED;
            }
            if (!subRouted) {
                String template = template(route, path, exact);
                if (template != null) {
                    request.route(template);
                }
            }
            return CurrentRequest.enter(request);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return NOT_PUBLISHED;
        }
    }

    public static void handlerReturned(Object published) {
        if (published != NOT_PUBLISHED) {
            CurrentRequest.exit((ServerRequest) published);
        }
    }

    /**
     * The routing context fails: with an exception and a 5xx status (a handler threw, or called
     * {@code fail}), that exception is the request's {@code error_type}. A 4xx failure
     * ({@code HttpException(404)}) is the client's and names no error.
     */
    public static void failed(Object context, int statusCode, Throwable failure) {
        if (failure == null || (statusCode > 0 && statusCode < 500)) {
            return;
        }
        try {
            ServerRequest request = carried(context);
            if (request != null) {
                request.threw(failure);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * Netty's classes were loaded before the agent: a route's handler runs for the request due next
     * on the channel whose attribute value is {@code nettyConnection}; the route names it.
     *
     * @param template an exact route's path, the same string for every request of the route
     */
    public static void routedAttached(Object nettyConnection, String template) {
        try {
            ServerRequest request = NettyAttachedHooks.requestDueNext(nettyConnection);
            if (request != null) {
                request.route(template);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** As {@link #failed}, for the request due next on the channel whose attribute value is {@code nettyConnection}. */
    public static void failedAttached(Object nettyConnection, int statusCode, Throwable failure) {
        if (failure == null || (statusCode > 0 && statusCode < 500)) {
            return;
        }
        try {
            ServerRequest request = NettyAttachedHooks.requestDueNext(nettyConnection);
            if (request != null) {
                request.threw(failure);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** A worker task was created: made while a request is published, it hands that request off. */
    public static void taskCreated(Object task) {
        try {
            ServerRequest request = CurrentRequest.current();
            if (request != null && request.inFlight() && task instanceof RequestCarrier && task instanceof HandOffTime) {
                carry((RequestCarrier) task, request);
                ((HandOffTime) task).tailwatch$handedOff(System.nanoTime());
                request.handOff();
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A worker starts a task: the handler of the request it carries starts now, if it had not, with
     * the time the task waited as its queue time (what the event loop did for the request before
     * it handed it off is handler work, not a wait); the request is published while the task runs.
     *
     * @return what to hand to {@link #taskFinished}
     */
    public static Object taskStarting(Object task) {
        try {
            ServerRequest request = carried(task);
            if (request == null) {
                return NOT_PUBLISHED;
            }
            long waited = System.nanoTime() - ((HandOffTime) task).tailwatch$handedOff();
            request.handlerStarted(request.arrivalNanos() + Math.max(0, waited));
            return CurrentRequest.enter(request);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return NOT_PUBLISHED;
        }
    }

    public static void taskFinished(Object task, Object published) {
        if (published != NOT_PUBLISHED) {
            CurrentRequest.exit((ServerRequest) published);
            ((RequestCarrier) task).tailwatch$request(null);
        }
    }

    /**
     * A route's {@code http_route} label: its path, with the {@code *} of a prefix route; the same
     * string for every request, kept on the route.
     */
    static String template(Object route, String path, boolean exact) {
        if (path == null) {
            return null;
        }
        if (exact) {
            return path;
        }
        if (!(route instanceof RouteTemplate)) {
            return null;
        }
        RouteTemplate r = (RouteTemplate) route;
        String template = r.tailwatch$template();
        if (template == null) {
            template = path + "*";
            // Racing event loops compute equal strings; either may stay.
            r.tailwatch$template(template);
        }
        return template;
    }

    private static void carry(RequestCarrier carrier, ServerRequest request) {
        carrier.tailwatch$request(request);
        carrier.tailwatch$arrival(request.arrivalNanos());
    }

    /** The request a carrier carries while that request is in flight; null once it has ended. */
    static ServerRequest carried(Object carrier) {
        if (!(carrier instanceof RequestCarrier)) {
            return null;
        }
        RequestCarrier c = (RequestCarrier) carrier;
        ServerRequest request = c.tailwatch$request();
        return request != null && request.inFlight() && request.arrivalNanos() == c.tailwatch$arrival() ? request : null;
    }
}
