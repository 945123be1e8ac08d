package io.tailwatch.agent.export;

import io.tailwatch.agent.support.AgentLog;
import io.tailwatch.agent.support.AgentThread;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * The agent's HTTP endpoint: {@code GET /metrics} and nothing else of substance.
 *
 * <p>It is a small HTTP/1.1 server of its own on a plain {@link ServerSocket} rather than
 * {@code com.sun.net.httpserver}: starting the JDK's server in {@code premain} would initialise
 * {@code sun.net.httpserver.ServerConfig} before the application's {@code main} and freeze the
 * {@code sun.net.httpserver.*} properties the application sets there, and the agent's own scrapes
 * would pass through the instrumented JDK server.
 *
 * <p>Exposed to whatever network it binds to, it gives no client a way to hold it up or to reach
 * the host's logs: a request head is bounded (request line and each header 8 KiB, all of it 16 KiB,
 * 64 headers, no body); every connection has a deadline for its current phase (first request head,
 * TLS handshake included, within {@link Limits#headMillis} of the accept, later ones within that of
 * their first byte; an idle keep-alive {@link Limits#idleMillis}; a response, however slowly its
 * client reads, {@link Limits#responseMillis}), enforced by a reaper thread that closes the socket,
 * so a slowly dripping or silent client is cut off; at most {@link #MAX_CONNECTIONS} connections are
 * served, each by its own thread, and when all are taken a new one replaces the connection that has
 * waited longest for a request, so that held-open connections cannot lock scrapers out (503 only
 * when every connection is being answered). Nothing of a request (line, header, cookie, body) is
 * ever logged or echoed. With {@link EndpointSecurity} it demands credentials (401 before anything
 * else) and speaks TLS only.
 */
public final class MetricsEndpoint implements Closeable {
    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 16384;
    static final int MAX_HEADERS = 64;
    static final int MAX_CONNECTIONS = 8;
    /** How often the reaper looks at the deadlines, while there are connections. */
    private static final long REAP_TICK_MILLIS = 200;
    /** How long an error response waits for the client to stop sending, so that closing does not reset it. */
    private static final int LINGER_MILLIS = 1000;
    private static final int LINGER_BYTES = 64 * 1024;
    private static final String TEXT = "text/plain; charset=utf-8";

    /** Produces the body of {@code /metrics} for an {@code Accept} header. */
    public interface Exposition {
        /** @return the content type written */
        String write(String accept, OutputStream out) throws IOException;
    }

    /** The time limits of a connection's phases; tests shorten them. */
    static final class Limits {
        static final Limits DEFAULT = new Limits(10_000, 30_000, 30_000);

        /** From accept (or a keep-alive request's first byte) to the end of the request head. */
        final long headMillis;
        /** Between requests on a keep-alive connection. */
        final long idleMillis;
        /** From the end of the request head to the last byte of the response handed to the socket. */
        final long responseMillis;

        Limits(long headMillis, long idleMillis, long responseMillis) {
            this.headMillis = headMillis;
            this.idleMillis = idleMillis;
            this.responseMillis = responseMillis;
        }
    }

    private final ServerSocket server;
    private final EndpointSecurity security;
    private final Exposition exposition;
    private final Limits limits;
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
    /** The connections being served; the reaper and the eviction read it, connection threads leave it. */
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Object reaperSignal = new Object();
    private volatile boolean closed;

    private MetricsEndpoint(ServerSocket server, EndpointSecurity security, Exposition exposition, Limits limits) {
        this.server = server;
        this.security = security;
        this.exposition = exposition;
        this.limits = limits;
    }

    /** Plain HTTP without authentication; binds and starts serving, throws if the address cannot be bound. */
    public static MetricsEndpoint start(String host, int port, Exposition exposition) throws IOException {
        return start(host, port, EndpointSecurity.none(), exposition, Limits.DEFAULT);
    }

    /** Binds and starts serving; throws if the address cannot be bound. */
    public static MetricsEndpoint start(String host, int port, EndpointSecurity security, Exposition exposition)
            throws IOException {
        return start(host, port, security, exposition, Limits.DEFAULT);
    }

    static MetricsEndpoint start(String host, int port, EndpointSecurity security, Exposition exposition, Limits limits)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 50);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(socket, security, exposition, limits);
        AgentThread.create("metrics-endpoint", endpoint::acceptLoop).start();
        AgentThread.create("metrics-reaper", endpoint::reapLoop).start();
        return endpoint;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** One accepted connection and the deadline of the phase it is in. */
    private final class Connection implements Runnable {
        final Socket socket;
        /** {@code System.nanoTime()} by which the current phase must end, or the reaper closes the socket. */
        volatile long deadline;
        /** When it began waiting for its current request: the oldest waiting one is replaced first. */
        volatile long waitingSince;
        /** Between a complete request head and the end of its response: not to be replaced. */
        volatile boolean answering;

        Connection(Socket socket) {
            this.socket = socket;
            long now = System.nanoTime();
            waitingSince = now;
            deadline = now + TimeUnit.MILLISECONDS.toNanos(limits.headMillis);
        }

        void phase(long millis) {
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        }

        /** Closes the socket under whatever the connection's thread is doing; that thread then ends. */
        void abort() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that was wanted.
            }
        }

        @Override
        public void run() {
            try {
                serve(this);
            } finally {
                abort();
                open.remove(this);
                permits.release();
            }
        }
    }

    private void acceptLoop() {
        int failures = 0;
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
                failures = 0;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                AgentLog.once("endpoint-accept", "metrics endpoint accept failed: " + AgentLog.describe(e));
                // Out of file descriptors, for example: retrying at once would spin a core of the host.
                sleepQuietly(Math.min(1000, 10L << Math.min(failures++, 7)));
                continue;
            }
            Connection connection = new Connection(socket);
            if (!admit()) {
                reject(socket);
                continue;
            }
            open.add(connection);
            synchronized (reaperSignal) {
                reaperSignal.notifyAll();
            }
            try {
                AgentThread.create("metrics-connection", connection).start();
            } catch (Throwable t) {
                open.remove(connection);
                permits.release();
                reject(socket);
            }
        }
    }

    /**
     * Takes a connection permit, replacing the connection that has waited longest for a request if
     * none is free. False when every connection is being answered.
     */
    private boolean admit() {
        if (permits.tryAcquire()) {
            return true;
        }
        Connection oldest = null;
        for (Connection c : open) {
            if (!c.answering && (oldest == null || c.waitingSince - oldest.waitingSince < 0)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        oldest.abort();
        try {
            // Its thread gives the permit back as soon as its blocked read fails.
            return permits.tryAcquire(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes connections past their deadline; sleeps while there are none. */
    private void reapLoop() {
        try {
            while (!closed) {
                synchronized (reaperSignal) {
                    while (open.isEmpty() && !closed) {
                        reaperSignal.wait();
                    }
                }
                Thread.sleep(REAP_TICK_MILLIS);
                long now = System.nanoTime();
                for (Connection c : open) {
                    if (now - c.deadline > 0) {
                        c.abort();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            AgentLog.once("endpoint-reaper", "metrics endpoint reaper stopped: " + AgentLog.describe(t));
        }
    }

    /** 503 over plain HTTP; over TLS a plain answer would be noise to the client, so only the close. */
    private void reject(Socket socket) {
        try (socket) {
            if (!security.tls()) {
                socket.setSoTimeout(1000);
                writeResponse(socket.getOutputStream(), 503, TEXT, "too many connections\n".getBytes(StandardCharsets.UTF_8),
                        false, false, true, "");
            }
        } catch (IOException ignored) {
            // The client went away; nothing to tell it.
        }
    }

    private void serve(Connection connection) {
        Socket socket = connection.socket;
        try {
            // A backstop only: the reaper enforces the deadlines, which also bound writes.
            socket.setSoTimeout((int) Math.max(limits.headMillis, limits.idleMillis));
            socket.setTcpNoDelay(true);
            InputStream rawIn = socket.getInputStream();
            OutputStream rawOut = socket.getOutputStream();
            Socket tlsSocket = null;
            if (security.tls()) {
                int first = rawIn.read();
                if (first < 0) {
                    return;
                }
                if (first != 0x16) { // not a TLS handshake record: most likely plain HTTP
                    writeResponse(rawOut, 400, TEXT, "this endpoint speaks HTTPS only\n".getBytes(StandardCharsets.UTF_8),
                            false, false, true, "");
                    linger(connection, rawIn);
                    return;
                }
                tlsSocket = security.wrap(socket, first);
                rawIn = tlsSocket.getInputStream();
                rawOut = tlsSocket.getOutputStream();
            }
            try (Socket closedLast = tlsSocket) {
                InputStream in = new BufferedInputStream(rawIn);
                OutputStream out = new BufferedOutputStream(rawOut);
                serveRequests(connection, in, out, tlsSocket == null);
            }
        } catch (SocketTimeoutException e) {
            // A client that stopped sending: closing it is the normal end.
        } catch (IOException e) {
            // The client went away mid-exchange, a TLS handshake failed, or the reaper closed the socket.
        } catch (Throwable t) {
            AgentLog.once("endpoint-serve", "metrics endpoint failed to answer a request: " + AgentLog.describe(t));
        }
    }

    private void serveRequests(Connection connection, InputStream in, OutputStream out, boolean plain) throws IOException {
        boolean first = true;
        while (!closed) {
            if (!first) {
                connection.waitingSince = System.nanoTime();
                connection.phase(limits.idleMillis);
                in.mark(1);
                if (in.read() < 0) {
                    return;
                }
                in.reset();
                connection.phase(limits.headMillis);
            }
            first = false;
            HttpRequest request;
            try {
                request = HttpRequest.read(in);
            } catch (HttpRequest.BadRequest e) {
                connection.answering = true;
                connection.phase(LINGER_MILLIS * 2L);
                writeResponse(out, e.status, TEXT, (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), false, false, true, "");
                if (plain) {
                    linger(connection, in);
                }
                return;
            }
            if (request == null) {
                return;
            }
            connection.answering = true;
            connection.phase(limits.responseMillis);
            boolean close = request.wantsClose();
            handle(request, out, close);
            connection.answering = false;
            if (close) {
                return;
            }
        }
    }

    /**
     * After an error response on a connection whose request was not read to its end: half-closes
     * and reads (and drops) what the client still sends, briefly, so that the close does not reset
     * the connection before the client has read the response.
     */
    private void linger(Connection connection, InputStream in) {
        try {
            connection.phase(LINGER_MILLIS);
            connection.socket.shutdownOutput();
            connection.socket.setSoTimeout(LINGER_MILLIS);
            byte[] drain = new byte[4096];
            int total = 0;
            for (int n = in.read(drain); n >= 0 && total < LINGER_BYTES; n = in.read(drain)) {
                total += n;
            }
        } catch (IOException ignored) {
            // Timed out or reset: the response has had its chance.
        }
    }

    private void handle(HttpRequest request, OutputStream out, boolean close) throws IOException {
        boolean head = request.method.equals("HEAD");
        // An HTTP/1.0 client keeps the connection only if the response says so (RFC 9112 9.3); ab -k waits otherwise.
        String keepAlive = !close && request.version.equals("HTTP/1.0") ? "Connection: keep-alive\r\n" : "";
        Credentials credentials = security.credentials();
        if (!credentials.permits(request.header("authorization"))) {
            writeResponse(out, 401, TEXT, "authentication required\n".getBytes(StandardCharsets.UTF_8), false, head, close,
                    credentials.challenges() + keepAlive);
            return;
        }
        if (!request.method.equals("GET") && !head) {
            writeResponse(out, 405, TEXT, "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8),
                    false, head, close, "Allow: GET, HEAD\r\n" + keepAlive);
            return;
        }
        String path = request.path();
        if (path.equals("/metrics")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            boolean gzip = request.acceptsGzip();
            String contentType;
            if (gzip) {
                try (GZIPOutputStream zip = new FastGzipOutputStream(body)) {
                    contentType = exposition.write(request.header("accept"), zip);
                }
            } else {
                contentType = exposition.write(request.header("accept"), body);
            }
            writeResponse(out, 200, contentType, body.toByteArray(), gzip, head, close, keepAlive);
        } else if (path.equals("/")) {
            writeResponse(out, 200, TEXT, "tailwatch agent: metrics at /metrics\n".getBytes(StandardCharsets.UTF_8), false, head, close,
                    keepAlive);
        } else {
            writeResponse(out, 404, TEXT, "not found; metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8),
                    false, head, close, keepAlive);
        }
    }

    /** @param extraHeaders whole header lines, each ending in CRLF */
    private static void writeResponse(OutputStream out, int status, String contentType, byte[] body, boolean gzip,
                                      boolean head, boolean close, String extraHeaders) throws IOException {
        StringBuilder headers = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (gzip) {
            headers.append("Content-Encoding: gzip\r\n");
        }
        headers.append(extraHeaders);
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
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status";
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Connection c : open) {
            c.abort();
        }
        synchronized (reaperSignal) {
            reaperSignal.notifyAll();
        }
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

        /**
         * Reads one request head: the request line (visible ASCII and single spaces, at most
         * {@link #MAX_LINE} bytes, else 414), then up to {@link #MAX_HEADERS} header lines (no
         * control character but tab, no folding, at most {@link #MAX_LINE} bytes each, else 431),
         * all of it within {@link #MAX_HEAD} bytes (431).
         *
         * @return the next request, or null at a clean end of stream between requests
         */
        static HttpRequest read(InputStream in) throws IOException {
            int[] budget = {MAX_HEAD};
            String line = readLine(in, true, true, budget);
            while (line != null && line.isEmpty()) {
                line = readLine(in, true, true, budget); // RFC 9112 2.2: ignore empty lines before a request line
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
                String header = readLine(in, false, false, budget);
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
                if (colon <= 0 || !isToken(header, colon)) {
                    // RFC 9112 5.1: no white space before the colon; 5.2: folded lines are refused.
                    throw new BadRequest(400, "malformed header");
                }
                String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
                headers.merge(name, header.substring(colon + 1).trim(), (a, b) -> a + "," + b);
            }
            String length = headers.get("content-length");
            if ((length != null && !length.equals("0")) || headers.containsKey("transfer-encoding")) {
                throw new BadRequest(413, "request bodies are not accepted");
            }
            return new HttpRequest(parts[0], parts[1], parts[2], headers);
        }

        /** RFC 9110 5.6.2 tchar, for a header name. */
        private static boolean isToken(String s, int end) {
            for (int i = 0; i < end; i++) {
                char c = s.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * One line without its end (CRLF or a bare LF). Refuses a byte a request cannot hold at once,
         * so that binary input (a TLS handshake sent to a plain port, say) is answered 400 rather than
         * read up to the limits.
         */
        private static String readLine(InputStream in, boolean endAllowed, boolean requestLine, int[] budget) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            boolean cr = false;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (sb.length() == 0 && !cr && endAllowed) {
                        return null;
                    }
                    throw new BadRequest(400, "incomplete request");
                }
                if (--budget[0] < 0) {
                    throw new BadRequest(requestLine ? 414 : 431, "request head too large");
                }
                if (b == '\n') {
                    return sb.toString();
                }
                if (cr) {
                    throw new BadRequest(400, "CR without LF");
                }
                if (b == '\r') {
                    cr = true;
                    continue;
                }
                boolean allowed = requestLine ? b > 0x20 && b < 0x7f || b == ' ' : b >= 0x20 && b != 0x7f || b == '\t';
                if (!allowed) {
                    throw new BadRequest(400, requestLine ? "malformed request line" : "malformed header");
                }
                if (sb.length() >= MAX_LINE) {
                    throw new BadRequest(requestLine ? 414 : 431, requestLine ? "request line too long" : "header too long");
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
