package io.tailwatch.testservers.jetty94;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.servlet.AsyncContext;
import javax.servlet.RequestDispatcher;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A servlet on Jetty 9.4 (javax.servlet), mapped to each path the abstract servlet server test
 * sends, in a {@code ServletContextHandler} on a {@code ServerConnector}, as an application builds
 * them. Usage: {@code Jetty94Service PORT WORKERS}; prints {@code LISTENING <port>} when ready.
 * Unmapped paths are answered 404 by Jetty's servlet handler. Jetty logs through SLF4J, here its
 * no-op provider, so that standard error stays empty.
 *
 * <p>The pool: a {@code QueuedThreadPool} lends threads for good to the connector's acceptors and
 * selectors, so it is given {@code WORKERS + ACCEPTORS + SELECTORS} threads and runs at most
 * {@code WORKERS} requests at once; its reserved threads (the selector's hand-over) are among those.
 */
public final class Jetty94Service {
    static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] FAILED = "failed\n".getBytes(StandardCharsets.UTF_8);

    private static final int ACCEPTORS = 1;
    private static final int SELECTORS = 1;

    /** Completes the /async responses, and starts the /async-dispatch dispatches, 5 ms after their servlet returned. */
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private Jetty94Service() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        QueuedThreadPool pool = new QueuedThreadPool(workers + ACCEPTORS + SELECTORS);
        pool.setName("jetty-worker");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, ACCEPTORS, SELECTORS, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder paths = new ServletHolder("paths", new Paths());
        paths.setAsyncSupported(true);
        for (String path : new String[]{"/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
                "/forward", "/include", "/send-error", "/async-dispatch"}) {
            context.addServlet(paths, path);
        }
        server.setHandler(context);
        server.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    private static final class Paths extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            // An included request keeps the includer's servlet path; the included one is an attribute.
            Object included = request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
            switch (included != null ? (String) included : request.getServletPath()) {
                case "/hello" -> respond(response, 200, HELLO);
                case "/error" -> respond(response, 500, FAILED);
                case "/throw" -> throw new IllegalStateException("servlet failed on purpose");
                case "/nobody" -> response.setStatus(204);
                case "/chunked" -> {
                    response.setStatus(200);
                    response.setContentType("text/plain");
                    OutputStream out = response.getOutputStream();
                    for (int i = 0; i < 3; i++) {
                        out.write(HELLO);
                        out.flush();
                    }
                }
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    LATER.schedule(() -> {
                        try {
                            respond((HttpServletResponse) async.getResponse(), 200, HELLO);
                        } catch (IOException e) {
                            // The client went away; complete() below ends the exchange all the same.
                        } finally {
                            async.complete();
                        }
                    }, 5, TimeUnit.MILLISECONDS);
                }
                case "/sleep" -> {
                    sleep(sleepMillis(request.getQueryString()));
                    respond(response, 200, HELLO);
                }
                case "/echo" -> respond(response, 200, request.getInputStream().readAllBytes());
                case "/forward" -> request.getRequestDispatcher("/hello").forward(request, response);
                case "/include" -> {
                    response.setContentType("text/plain");
                    request.getRequestDispatcher("/hello").include(request, response);
                }
                case "/send-error" -> response.sendError(503);
                case "/async-dispatch" -> {
                    AsyncContext async = request.startAsync();
                    LATER.schedule(() -> async.dispatch("/hello"), 5, TimeUnit.MILLISECONDS);
                }
                default -> response.sendError(404);
            }
        }

        private static void respond(HttpServletResponse response, int status, byte[] body) throws IOException {
            response.setStatus(status);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /** {@code ms=N} of a query string, 5 by default. */
    private static long sleepMillis(String query) {
        return query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 5;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
