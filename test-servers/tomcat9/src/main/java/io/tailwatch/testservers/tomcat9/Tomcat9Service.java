package io.tailwatch.testservers.tomcat9;

import javax.servlet.AsyncContext;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * A service on embedded Tomcat 9 (javax.servlet), one servlet per behaviour the agent must
 * measure; any other path is Tomcat's own 404. Usage: {@code Tomcat9Service PORT WORKERS} (port 0
 * picks a free port; WORKERS is the connector's thread pool, {@code maxThreads} and
 * {@code minSpareThreads}). Prints {@code LISTENING <port>} when ready. Tomcat's logging goes to
 * standard output.
 */
public final class Tomcat9Service {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private Tomcat9Service() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat9-service").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(workers));
        connector.setProperty("minSpareThreads", Integer.toString(workers));
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", null);
        for (String path : new String[]{"/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
                "/forward", "/include", "/send-error", "/async-dispatch"}) {
            String name = path.substring(1);
            Tomcat.addServlet(context, name, new PathServlet(path)).setAsyncSupported(true);
            context.addServletMappingDecoded(path, name);
        }
        tomcat.start();
        System.out.println("LISTENING " + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }

    /** Tomcat logs through java.util.logging, whose console handler writes to standard error. */
    private static void logToStandardOutput() {
        LogManager.getLogManager().reset();
        Handler out = new StreamHandler(System.out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Logger.getLogger("").addHandler(out);
    }

    /** The servlet of one path. */
    private static final class PathServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String path;

        PathServlet(String path) {
            this.path = path;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            switch (path) {
                case "/hello" -> respond(response, 200, HELLO);
                case "/error" -> respond(response, 500, "failed\n".getBytes(StandardCharsets.UTF_8));
                case "/throw" -> throw new IllegalStateException("handler failed on purpose");
                case "/nobody" -> response.setStatus(204);
                case "/chunked" -> {
                    response.setContentType("text/plain");
                    OutputStream out = response.getOutputStream();
                    for (int i = 0; i < 3; i++) {
                        out.write(HELLO);
                        out.flush();
                    }
                }
                case "/sleep" -> {
                    String ms = request.getParameter("ms");
                    try {
                        Thread.sleep(ms == null ? 5 : Long.parseLong(ms));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    respond(response, 200, HELLO);
                }
                case "/echo" -> respond(response, 200, request.getInputStream().readAllBytes());
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    LATER.schedule(() -> {
                        try {
                            respond((HttpServletResponse) async.getResponse(), 200, HELLO);
                        } catch (IOException e) {
                            // The client went away; complete() below ends the request all the same.
                        }
                        async.complete();
                    }, 5, TimeUnit.MILLISECONDS);
                }
                case "/forward" -> request.getRequestDispatcher("/hello").forward(request, response);
                case "/include" -> request.getRequestDispatcher("/hello").include(request, response);
                case "/send-error" -> response.sendError(503);
                case "/async-dispatch" -> {
                    AsyncContext async = request.startAsync();
                    LATER.schedule(() -> async.dispatch("/hello"), 5, TimeUnit.MILLISECONDS);
                }
                default -> response.sendError(404);
            }
        }
    }

    private static void respond(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
