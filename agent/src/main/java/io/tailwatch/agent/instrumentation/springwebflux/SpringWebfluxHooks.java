package io.tailwatch.agent.instrumentation.springwebflux;

import io.tailwatch.agent.instrumentation.netty.NettyHooks;
import io.tailwatch.agent.instrumentation.reactor.ReactorHooks;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Spring WebFlux advice calls: a handler mapping matched the exchange's request to a path
 * pattern, whose pattern string becomes the request's {@code http_route}; an exception reached the
 * web exception handlers, which turn it into the response (it never reaches the server), and
 * becomes the request's {@code error_type}.
 *
 * <p>Which request: on Reactor Netty, the one whose response is due next on the exchange's
 * channel (Reactor Netty hands a connection's requests to the application one at a time, in
 * order), so that a mapping that runs outside the call that received the request (after an
 * asynchronous web filter, on another thread) still names the right one; on a servlet container
 * or Undertow, the one the server published ({@link CurrentRequest}). Nothing here throws.
 */
public final class SpringWebfluxHooks {
    static final String COMPONENT = "spring-webflux";

    private SpringWebfluxHooks() {
    }

    /** Spring WebFlux is in the application: servers start publishing their requests. */
    public static void present() {
        CurrentRequest.want();
    }

    /**
     * @param nativeRequest the server's own request under the exchange's (Reactor Netty's
     *                      {@code HttpServerOperations}), or null
     * @param template      the matched pattern's string, as the application declared it
     */
    public static void matched(Object nativeRequest, String template) {
        if (template == null) {
            return;
        }
        try {
            ServerRequest request = requestOf(nativeRequest);
            if (request != null) {
                request.route(template);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A web exception handler is given an exception that escaped the handler (or a filter); the
     * advice has already left out those that ask for a 4xx (a {@code ResponseStatusException(404)}
     * for a path no mapping matched). What it answers with is the server's 500.
     */
    public static void threw(Object nativeRequest, Throwable error) {
        try {
            ServerRequest request = requestOf(nativeRequest);
            if (request != null) {
                request.threw(error);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    private static ServerRequest requestOf(Object nativeRequest) {
        ServerRequest request = null;
        Object channel = ReactorHooks.channelOf(nativeRequest);
        if (channel != null) {
            request = NettyHooks.requestDueNext(channel);
        }
        return request != null ? request : CurrentRequest.current();
    }
}
