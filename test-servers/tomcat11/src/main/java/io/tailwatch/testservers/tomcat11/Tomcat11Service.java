package io.tailwatch.testservers.tomcat11;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
 * A service on embedded Tomcat 11 (jakarta.servlet), one servlet per behaviour the agent must
 * measure; any other path is Tomcat's own 404. Usage: {@code Tomcat11Service PORT WORKERS} (port 0
 * picks a free port; WORKERS is the connector's thread pool, {@code maxThreads} and
 * {@code minSpareThreads}). With {@code -Dtomcat.virtualThreads=true} the connector runs each
 * request on a virtual thread ({@code useVirtualThreads}) and has no pool. Prints
 * {@code LISTENING <port>} when ready. Tomcat's logging goes to standard output.
 */
public final class Tomcat11Service {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "async-completer");
        t.setDaemon(true);
        return t;
    });

    private Tomcat11Service() {
    }

    public static void main(String[] args) throws Exception {
        logToStandardOutput();
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat11-service").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        if (Boolean.getBoolean("tomcat.virtualThreads")) {
            connector.setProperty("useVirtualThreads", "true");
        } else {
            connector.setProperty("maxThreads", Integer.toString(workers));
            connector.setProperty("minSpareThreads", Integer.toString(workers));
        }
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", null);
        for (String path : new String[]{"/hello", "/error", "/throw", "/nobody", "/chunked", "/async", "/sleep", "/echo",
                "/forward", "/include", "/send-error", "/async-dispatch", "/hang", "/close-mid-response", "/big"}) {
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
                case "/hang" -> {
                    try {
                        Thread.sleep(Long.parseLong(request.getParameter("ms")));
                        respond(response, 200, HELLO);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        System.out.println("HANG_DONE " + request.getParameter("id"));
                    }
                }
                case "/close-mid-response" -> {
                    // A servlet cannot close its connection; an exception after the response is
                    // committed is how it aborts one: Tomcat's ErrorReportValve then closes it now.
                    response.setContentLength(1000);
                    response.getOutputStream().write(new byte[100]);
                    response.flushBuffer();
                    throw new IOException("response aborted on purpose");
                }
                case "/big" -> {
                    long bytes = Long.parseLong(request.getParameter("bytes"));
                    response.setContentLengthLong(bytes);
                    byte[] chunk = new byte[64 * 1024];
                    long written = 0;
                    try {
                        OutputStream out = response.getOutputStream();
                        while (written < bytes) {
                            int n = (int) Math.min(chunk.length, bytes - written);
                            out.write(chunk, 0, n);
                            written += n;
                        }
                        out.flush();
                    } catch (IOException e) {
                        System.out.println("BIG_DONE " + e);
                        throw e;
                    }
                    System.out.println("BIG_DONE " + written);
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
