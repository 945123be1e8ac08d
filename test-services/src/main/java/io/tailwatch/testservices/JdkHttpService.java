package io.tailwatch.testservices;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A service on the JDK's own HTTP server, written as applications write it (handlers as lambdas),
 * with one handler per behaviour the agent must measure. Usage: {@code JdkHttpService PORT [WORKERS]}
 * (port 0 picks a free port; workers 0 runs handlers on the dispatcher thread). Prints
 * {@code LISTENING <port>} when ready.
 */
public final class JdkHttpService {
    private static final byte[] HELLO = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private JdkHttpService() {
    }

    public static void main(String[] args) throws Exception {
        // Before anything else: did an agent start the JDK HTTP server (and freeze its config) before main?
        System.out.println("SERVERCONFIG_LOADED_BEFORE_MAIN " + isLoaded("sun.net.httpserver.ServerConfig"));
        System.setProperty("sun.net.httpserver.nodelay", "true");

        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-completer");
            t.setDaemon(true);
            return t;
        });

        server.createContext("/hello", exchange -> respond(exchange, 200, HELLO));
        server.createContext("/error", exchange -> respond(exchange, 500, "failed\n".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/throw", exchange -> {
            throw new IllegalStateException("handler failed on purpose");
        });
        server.createContext("/nobody", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 3; i++) {
                    out.write(HELLO);
                }
            }
        });
        server.createContext("/sleep", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            long millis = query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 5;
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, HELLO);
        });
        server.createContext("/async", exchange -> later.schedule(() -> {
            try {
                respond(exchange, 200, HELLO);
            } catch (IOException e) {
                exchange.close();
            }
        }, 5, TimeUnit.MILLISECONDS));
        server.createContext("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            respond(exchange, 200, body);
        });

        ExecutorService pool = workers > 0 ? Executors.newFixedThreadPool(workers) : null;
        server.setExecutor(pool);
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}; prints "unknown" without it. */
    private static String isLoaded(String className) {
        try {
            Method find = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            find.setAccessible(true);
            return String.valueOf(find.invoke(ClassLoader.getPlatformClassLoader(), className) != null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown";
        }
    }
}
