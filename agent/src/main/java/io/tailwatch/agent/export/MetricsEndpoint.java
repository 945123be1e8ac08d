package io.tailwatch.agent.export;

import io.tailwatch.agent.support.AgentLog;
import io.tailwatch.agent.support.AgentThread;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's HTTP endpoint: {@code GET /metrics} and nothing else of substance.
 *
 * <p>It is a small HTTP/1.1 server of its own on a plain {@link ServerSocket} rather than
 * {@code com.sun.net.httpserver}: starting the JDK's server in {@code premain} would initialise
 * {@code sun.net.httpserver.ServerConfig} before the application's {@code main} and freeze the
 * {@code sun.net.httpserver.*} properties the application sets there, and the agent's own scrapes
 * would pass through the instrumented JDK server. Requests are bounded (request line and headers
 * 8 KiB each, 64 headers, no body), connections are capped and time out when idle.
 */
public final class MetricsEndpoint implements Closeable {
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 64;
    static final int IDLE_TIMEOUT_MILLIS = 30_000;
    static final int MAX_CONNECTIONS = 8;

    /** Produces the body of {@code /metrics} for an {@code Accept} header. */
    public interface Exposition {
        /** @return the content type written */
        String write(String accept, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final Exposition exposition;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private volatile boolean closed;

    private MetricsEndpoint(ServerSocket server, Exposition exposition) {
        this.server = server;
        this.exposition = exposition;
    }

    /** Binds and starts serving; throws if the address cannot be bound. */
    public static MetricsEndpoint start(String host, int port, Exposition exposition) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 50);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(socket, exposition);
        AgentThread.create("metrics-endpoint", endpoint::acceptLoop).start();
        return endpoint;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    AgentLog.once("endpoint-accept", "metrics endpoint accept failed: " + AgentLog.describe(e));
                }
                continue;
            }
            if (!connections.tryAcquire()) {
                respondAndClose(socket, 503, "too many connections\n");
                continue;
            }
            try {
                AgentThread.create("metrics-connection", () -> {
                    try {
                        serve(socket);
                    } finally {
                        connections.release();
                    }
                }).start();
            } catch (Throwable t) {
                connections.release();
                respondAndClose(socket, 503, "unavailable\n");
            }
        }
    }

    private void respondAndClose(Socket socket, int status, String body) {
        try (socket) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            writeResponse(out, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false, false, true);
        } catch (IOException ignored) {
            // The client went away; nothing to tell it.
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                HttpRequest request;
                try {
                    request = HttpRequest.read(in);
                } catch (HttpRequest.BadRequest e) {
                    writeResponse(out, e.status, "text/plain; charset=utf-8",
                            (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), false, false, true);
                    return;
                }
                if (request == null) {
                    return;
                }
                boolean close = request.wantsClose();
                handle(request, out, close);
                if (close) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // An idle keep-alive connection: closing it is the normal end.
        } catch (IOException e) {
            // The client went away mid-exchange.
        } catch (Throwable t) {
            AgentLog.once("endpoint-serve", "metrics endpoint failed to answer a request: " + AgentLog.describe(t));
        }
    }

    private void handle(HttpRequest request, OutputStream out, boolean close) throws IOException {
        boolean head = request.method.equals("HEAD");
        if (!request.method.equals("GET") && !head) {
            writeResponse(out, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8),
                    false, head, close);
            return;
        }
        String path = request.path();
        if (path.equals("/metrics")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            boolean gzip = request.acceptsGzip();
            String contentType;
            if (gzip) {
                try (GZIPOutputStream zip = new GZIPOutputStream(body)) {
                    contentType = exposition.write(request.header("accept"), zip);
                }
            } else {
                contentType = exposition.write(request.header("accept"), body);
            }
            writeResponse(out, 200, contentType, body.toByteArray(), gzip, head, close);
        } else if (path.equals("/")) {
            writeResponse(out, 200, "text/plain; charset=utf-8",
                    "tailwatch agent: metrics at /metrics\n".getBytes(StandardCharsets.UTF_8), false, head, close);
        } else {
            writeResponse(out, 404, "text/plain; charset=utf-8", "not found; metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8),
                    false, head, close);
        }
    }

    private static void writeResponse(OutputStream out, int status, String contentType, byte[] body, boolean gzip,
                                      boolean head, boolean close) throws IOException {
        StringBuilder headers = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (gzip) {
            headers.append("Content-Encoding: gzip\r\n");
        }
        if (status == 405) {
            headers.append("Allow: GET, HEAD\r\n");
        }
        if (close) {
            headers.append("Connection: close\r\n");
        }
        headers.append("\r\n");
        out.write(headers.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Payload Too Large";
            case 431: return "Request Header Fields Too Large";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status";
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }

    /** A parsed request head; bodies are refused. */
    static final class HttpRequest {
        final String method;
        final String target;
        final String version;
        private final java.util.Map<String, String> headers;

        private HttpRequest(String method, String target, String version, java.util.Map<String, String> headers) {
            this.method = method;
            this.target = target;
            this.version = version;
            this.headers = headers;
        }

        /** @return the next request, or null at a clean end of stream between requests */
        static HttpRequest read(InputStream in) throws IOException {
            String line = readLine(in, true);
            while (line != null && line.isEmpty()) {
                line = readLine(in, true); // RFC 9112 2.2: ignore empty lines before a request line
            }
            if (line == null) {
                return null;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
                throw new BadRequest(parts.length == 3 && parts[2].startsWith("HTTP/") ? 505 : 400, "malformed request line");
            }
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (int n = 0; ; n++) {
                String header = readLine(in, false);
                if (header == null) {
                    throw new BadRequest(400, "request ended inside its headers");
                }
                if (header.isEmpty()) {
                    break;
                }
                if (n >= MAX_HEADERS) {
                    throw new BadRequest(431, "too many headers");
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new BadRequest(400, "malformed header");
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                headers.merge(name, header.substring(colon + 1).trim(), (a, b) -> a + "," + b);
            }
            String length = headers.get("content-length");
            if ((length != null && !length.equals("0")) || headers.containsKey("transfer-encoding")) {
                throw new BadRequest(413, "request bodies are not accepted");
            }
            return new HttpRequest(parts[0], parts[1], parts[2], headers);
        }

        private static String readLine(InputStream in, boolean endAllowed) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (sb.length() == 0 && endAllowed) {
                        return null;
                    }
                    throw new BadRequest(400, "incomplete request");
                }
                if (b == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() >= MAX_LINE) {
                    throw new BadRequest(431, "request line or header too long");
                }
                sb.append((char) b);
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** True when {@code Accept-Encoding} lists {@code gzip} (or {@code *}) with a non-zero q-value. */
        boolean acceptsGzip() {
            String enc = headers.get("accept-encoding");
            if (enc == null) {
                return false;
            }
            for (String part : enc.toLowerCase(Locale.ROOT).split(",")) {
                String[] params = part.split(";");
                String coding = params[0].trim();
                if (!coding.equals("gzip") && !coding.equals("*")) {
                    continue;
                }
                double q = 1;
                for (int i = 1; i < params.length; i++) {
                    String p = params[i].trim();
                    if (p.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(p.substring(2).trim());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                return q > 0;
            }
            return false;
        }

        boolean wantsClose() {
            String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
            if (version.equals("HTTP/1.0")) {
                return !connection.contains("keep-alive");
            }
            return connection.contains("close");
        }

        static final class BadRequest extends IOException {
            private static final long serialVersionUID = 1L;
            final int status;

            BadRequest(int status, String message) {
                super(message);
                this.status = status;
            }
        }
    }
}
