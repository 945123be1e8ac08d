package io.tailwatch.agent.instrumentation.jersey;

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
 */
final class JerseyRoute {
    final String template;
    private final Object[] chain;
    private final String basePath;

    private JerseyRoute(String template, Object[] chain, String basePath) {
        this.template = template;
        this.chain = chain;
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
        return new JerseyRoute(route.toString(), chain, basePath);
    }

    /** Whether this route was computed from exactly these template objects and base path; allocates nothing. */
    boolean matches(List<?> matched, String basePath) {
        if (matched.size() != chain.length || !this.basePath.equals(basePath)) {
            return false;
        }
        for (int i = 0; i < chain.length; i++) {
            if (matched.get(i) != chain[i]) {
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
