package io.tailwatch.testservices;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A service on the JDK's own HTTP server, written as applications write it (handlers as lambdas),
 * with one handler per behaviour the agent must measure. Usage: {@code JdkHttpService PORT [WORKERS]}
 * (port 0 picks a free port; workers 0 runs handlers on the dispatcher thread). With
 * {@code -Dtls.keystore=FILE -Dtls.password=PW} (PKCS12) it serves HTTPS instead. Prints
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
        HttpServer server = createServer(new InetSocketAddress("127.0.0.1", port));
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-completer");
            t.setDaemon(true);
            return t;
        });

        server.createContext("/hello", exchange -> respond(exchange, 200, HELLO));
        server.createContext("/error", exchange -> respond(exchange, 500, "failed\n".getBytes(StandardCharsets.UTF_8)));
        // Any status, as JdkAnyStatusService answers it (/status/?code=418): many label sets for the
        // scrape benchmark (ServerOverhead --series).
        server.createContext("/status/", exchange -> {
            exchange.sendResponseHeaders(JdkAnyStatusService.requestedStatus(exchange.getRequestURI().getRawQuery()), -1);
            exchange.close();
        });
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

        addFaultPaths(server);

        ExecutorService pool = workers > 0 ? Executors.newFixedThreadPool(workers) : null;
        server.setExecutor(pool);
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
    }

    /**
     * The paths of AbstractServerFaultsIT: {@code /hang?ms=N&id=X} answers 200 after N ms and then
     * prints {@code HANG_DONE X}, whether its client still listens or not; {@code /close-mid-response}
     * declares 1000 bytes, writes 100 and closes the stream, whose {@code IOException}
     * ("insufficient bytes") the handler lets through, so that the server closes the connection;
     * {@code /big?bytes=N} sends N bytes, and prints {@code BIG_DONE <bytes written or the exception>}.
     */
    private static void addFaultPaths(HttpServer server) {
        server.createContext("/hang", exchange -> {
            Map<String, String> query = query(exchange);
            sleep(Long.parseLong(query.getOrDefault("ms", "1000")));
            try {
                respond(exchange, 200, HELLO);
            } finally {
                System.out.println("HANG_DONE " + query.get("id"));
            }
        });
        server.createContext("/close-mid-response", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[100]);
            out.flush();
            out.close();
        });
        server.createContext("/big", exchange -> {
            long bytes = Long.parseLong(query(exchange).getOrDefault("bytes", "1048576"));
            exchange.sendResponseHeaders(200, bytes);
            byte[] chunk = new byte[64 * 1024];
            long written = 0;
            try (OutputStream out = exchange.getResponseBody()) {
                while (written < bytes) {
                    int n = (int) Math.min(chunk.length, bytes - written);
                    out.write(chunk, 0, n);
                    written += n;
                }
            } catch (IOException e) {
                System.out.println("BIG_DONE " + e);
                throw e;
            }
            System.out.println("BIG_DONE " + written);
        });
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> values = new HashMap<>();
        String query = exchange.getRequestURI().getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return values;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HttpServer createServer(InetSocketAddress address) throws Exception {
        String keystore = System.getProperty("tls.keystore");
        if (keystore == null) {
            return HttpServer.create(address, 1024);
        }
        char[] password = System.getProperty("tls.password", "").toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(address, 1024);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        return https;
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
