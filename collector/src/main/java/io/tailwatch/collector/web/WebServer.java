package io.tailwatch.collector.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The live page: its static files from the jar (uPlot from its WebJar, so the page works offline),
 * and {@code /api/state}, the JSON the page polls every second. GET only; nothing a request sends can
 * change the collector.
 */
public final class WebServer implements AutoCloseable {

    private static final String ASSETS = "/io/tailwatch/collector/web/";
    /** The WebJar's path; its version comes from the jar's pom properties, filtered in at build time. */
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";

    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {ASSETS + "index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {ASSETS + "app.js", "text/javascript; charset=utf-8"},
            "/app.css", new String[] {ASSETS + "app.css", "text/css; charset=utf-8"},
            "/uplot/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/uplot/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final HttpServer server;
    private final ExecutorService executor;

    private WebServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on {@code host:port} (port 0: any free one) until closed. */
    public static WebServer start(InetSocketAddress address, Supplier<String> stateJson) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new IllegalArgumentException("--web " + address.getHostString() + ":" + address.getPort()
                    + ": address in use (another collector?); choose another with --web HOST:PORT or turn the page off with --no-web");
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "web");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, stateJson);
            }
        });
        server.start();
        return new WebServer(server, executor);
    }

    private static void handle(HttpExchange exchange, Supplier<String> stateJson) throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            send(exchange, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/state")) {
            send(exchange, 200, "application/json", stateJson.get().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String[] file = FILES.get(path);
        if (file == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = WebServer.class.getResourceAsStream(file[0])) {
            if (in == null) {
                send(exchange, 500, "text/plain; charset=utf-8", ("missing from the jar: " + file[0] + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, file[1], in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // The page's own script and style only: a value that slipped into markup still could not run.
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/";
    }

    private static String uplotVersion() {
        try (InputStream in = WebServer.class.getResourceAsStream(ASSETS + "versions.properties")) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("uplot");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the jar lacks " + ASSETS + "versions.properties", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
