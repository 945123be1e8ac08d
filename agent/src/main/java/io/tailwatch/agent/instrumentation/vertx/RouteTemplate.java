package io.tailwatch.agent.instrumentation.vertx;

/**
 * Implemented by Vert.x Web's {@code RouteState} once instrumented: the route's template as the
 * {@code http_route} label, computed on the first request it handles and kept, so that every
 * request of a route hands over the same string.
 */
public interface RouteTemplate {
    String tailwatch$template();

    void tailwatch$template(String template);
}
