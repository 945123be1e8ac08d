package io.tailwatch.agent.instrumentation.jersey;

/**
 * Implemented by Jersey's {@code org.glassfish.jersey.uri.UriTemplate} once instrumented: its
 * template as written in {@code @Path} (normalised by Jersey to start with a slash), and the full
 * route last computed for a match that ended on this template, in a field the agent adds, so that
 * every request of a resource method hands over the same string.
 */
public interface JerseyTemplate {
    String tailwatch$template();

    Object tailwatch$route();

    void tailwatch$route(Object route);
}
