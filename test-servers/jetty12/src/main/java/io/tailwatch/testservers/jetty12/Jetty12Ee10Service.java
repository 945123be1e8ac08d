package io.tailwatch.testservers.jetty12;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A service on Jetty 12's ee10 servlet environment: {@link PathsServlet} mapped to each of its
 * paths. Usage: {@code Jetty12Ee10Service PORT WORKERS}; prints {@code LISTENING <port>} when ready.
 * Unmapped paths are answered 404 by Jetty's servlet handler.
 */
public final class Jetty12Ee10Service {
    private Jetty12Ee10Service() {
    }

    public static void main(String[] args) throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder paths = new ServletHolder("paths", new PathsServlet());
        paths.setAsyncSupported(true);
        for (String path : PathsServlet.PATHS) {
            context.addServlet(paths, path);
        }
        Jetty12Server.run(args, context);
    }
}
