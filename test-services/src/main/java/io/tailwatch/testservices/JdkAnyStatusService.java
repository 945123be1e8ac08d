package io.tailwatch.testservices;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server that answers whatever status a client asks for, for tests that try to grow the
 * agent's label sets: {@code /status/ANY/PATH?code=NNN&ANY=QUERY} answers status NNN (100 to 599)
 * to any method, {@code /hello} answers 200; every other path gets the server's own 404 (no
 * context), after which the JDK server closes the connection. Statuses that carry no body (1xx,
 * 204, 304) and HEAD requests are answered without one, as the JDK server requires, so that it logs
 * no warning. Usage: {@code JdkAnyStatusService PORT [WORKERS]}; prints {@code LISTENING <port>}.
 */
public final class JdkAnyStatusService {
    private static final byte[] BODY = "status\n".getBytes(StandardCharsets.UTF_8);

    private JdkAnyStatusService() {
    }

    public static void main(String[] args) throws IOException {
        // Without it JDK 17's server writes a response's head and body in two segments, and Nagle's
        // algorithm holds the second for the client's delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/hello", exchange -> respond(exchange, 200));
        server.createContext("/status/", exchange -> respond(exchange, requestedStatus(exchange.getRequestURI().getRawQuery())));
        server.setExecutor(Executors.newFixedThreadPool(workers));
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
    }

    /** The {@code code} query parameter if it is a status 100..599, else 400. */
    static int requestedStatus(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("code=")) {
                    try {
                        int code = Integer.parseInt(pair.substring(5));
                        return code >= 100 && code <= 599 ? code : 400;
                    } catch (NumberFormatException e) {
                        return 400;
                    }
                }
            }
        }
        return 400;
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.getRequestBody().readAllBytes();
        boolean bodyless = status < 200 || status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
        if (bodyless) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, BODY.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
        }
    }
}
