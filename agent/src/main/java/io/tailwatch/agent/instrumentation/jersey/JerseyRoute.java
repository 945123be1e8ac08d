package io.tailwatch.agent.instrumentation.jersey;

import java.lang.ref.WeakReference;
import java.util.List;

/**
 * The {@code http_route} of one chain of matched Jersey templates: the application's base path
 * followed by the templates from the outermost ({@code @Path} of the root resource class) to the
 * innermost (the resource method's, or a sub-resource's through a locator). Immutable, so that it
 * may be published through a plain field and read by any thread.
 *
 * <p>Kept on the innermost template; since a sub-resource's templates can be reached through
 * several locators, a cached route is used only if the chain it was computed from is the same
 * template objects, compared by identity, and the same base path ({@link #matches}).
 *
 * <p>Where Jersey was loaded before the agent and its templates have no field to keep a route,
 * {@link #ofLoaded} builds one for {@link LoadedRoutes}: it reads the templates' text through their
 * public {@code getTemplate()} and holds them weakly, so that a route left in the cache does not
 * keep an undeployed application's classes.
 */
final class JerseyRoute {
    final String template;
    /** The templates, innermost first; each in a {@link WeakReference} if {@link #weak}. */
    private final Object[] chain;
    private final boolean weak;
    private final String basePath;

    private JerseyRoute(String template, Object[] chain, boolean weak, String basePath) {
        this.template = template;
        this.chain = chain;
        this.weak = weak;
        this.basePath = basePath;
    }

    /**
     * @param matched  Jersey's matched templates, innermost first, each a {@link JerseyTemplate}
     * @param basePath the raw path of the application's base URI (the servlet's context and mapping)
     */
    static JerseyRoute of(List<?> matched, String basePath) {
        StringBuilder route = new StringBuilder();
        appendPath(route, basePath);
        Object[] chain = new Object[matched.size()];
        for (int i = chain.length - 1; i >= 0; i--) {
            chain[i] = matched.get(i);
            appendPath(route, ((JerseyTemplate) chain[i]).tailwatch$template());
        }
        if (route.length() == 0) {
            route.append('/');
        }
        return new JerseyRoute(route.toString(), chain, false, basePath);
    }

    /**
     * As {@link #of}, for Jersey's own {@code UriTemplate} objects, which the agent could not give
     * {@link JerseyTemplate}: their text is read by reflection (once per route, not per request)
     * and they are held weakly.
     *
     * @return null if a template's text cannot be read
     */
    static JerseyRoute ofLoaded(List<?> matched, String basePath) throws ReflectiveOperationException {
        StringBuilder route = new StringBuilder();
        appendPath(route, basePath);
        Object[] chain = new Object[matched.size()];
        for (int i = chain.length - 1; i >= 0; i--) {
            Object template = matched.get(i);
            Object text = template.getClass().getMethod("getTemplate").invoke(template);
            if (!(text instanceof String)) {
                return null;
            }
            chain[i] = new WeakReference<>(template);
            appendPath(route, (String) text);
        }
        if (route.length() == 0) {
            route.append('/');
        }
        return new JerseyRoute(route.toString(), chain, true, basePath);
    }

    /** Whether this route was computed from exactly these template objects and base path; allocates nothing. */
    boolean matches(List<?> matched, String basePath) {
        if (matched.size() != chain.length || !this.basePath.equals(basePath)) {
            return false;
        }
        for (int i = 0; i < chain.length; i++) {
            Object template = weak ? ((WeakReference<?>) chain[i]).get() : chain[i];
            if (matched.get(i) != template) {
                return false;
            }
        }
        return true;
    }

    /** Appends one path part, with exactly one slash between it and what is there; a trailing slash is dropped. */
    private static void appendPath(StringBuilder route, String part) {
        if (part == null) {
            return;
        }
        int start = 0;
        int end = part.length();
        while (start < end && part.charAt(start) == '/') {
            start++;
        }
        while (end > start && part.charAt(end - 1) == '/') {
            end--;
        }
        if (start < end) {
            route.append('/').append(part, start, end);
        }
    }
}
