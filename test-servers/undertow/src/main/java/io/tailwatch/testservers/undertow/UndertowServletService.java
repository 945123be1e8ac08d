package io.tailwatch.testservers.undertow;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A service on Undertow servlet: one servlet deployed for the test paths, served by an
 * {@link Undertow} server; other paths go to the deployment's default servlet, which answers 404.
 * Usage: {@code UndertowServletService PORT WORKERS}; prints {@code LISTENING <port>} when ready.
 */
public final class UndertowServletService {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private UndertowServletService() {
    }

    public static void main(String[] args) throws ServletException {
        StdoutLogging.install();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowServletService.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("tailwatch-test")
                .addServlet(Servlets.servlet("app", AppServlet.class)
                        .setAsyncSupported(true)
                        .addMappings("/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
                                "/forward", "/include", "/send-error", "/async-dispatch"));
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        HttpHandler handler = manager.start();

        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setWorkerThreads(workers)
                .setHandler(handler)
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("LISTENING " + address.getPort());
        System.out.flush();
    }

    /** The test paths; instantiated by the container. */
    public static final class AppServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            // Within an include the request keeps the including path; the included one is an attribute.
            Object included = request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
            switch (included != null ? included.toString() : request.getServletPath()) {
                case "/hello" -> write(response, 200, HELLO);
                case "/error" -> write(response, 500, "failed\n".getBytes(StandardCharsets.UTF_8));
                case "/throw" -> throw new IllegalStateException("servlet failed on purpose");
                case "/nobody" -> response.setStatus(204);
                case "/chunked" -> {
                    response.setContentType("text/plain");
                    OutputStream out = response.getOutputStream();
                    for (int i = 0; i < 3; i++) {
                        out.write(HELLO);
                        response.flushBuffer();
                    }
                }
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    LATER.schedule(() -> {
                        try {
                            write((HttpServletResponse) async.getResponse(), 200, HELLO);
                        } catch (IOException e) {
                            // The client went away; complete anyway.
                        }
                        async.complete();
                    }, 5, TimeUnit.MILLISECONDS);
                }
                case "/sleep" -> {
                    String ms = request.getParameter("ms");
                    try {
                        Thread.sleep(ms == null ? 5 : Long.parseLong(ms));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    write(response, 200, HELLO);
                }
                case "/echo" -> write(response, 200, request.getInputStream().readAllBytes());
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

        private static void write(HttpServletResponse response, int status, byte[] body) throws IOException {
            response.setStatus(status);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
