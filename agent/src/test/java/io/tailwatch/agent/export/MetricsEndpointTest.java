package io.tailwatch.agent.export;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over raw sockets, so that what is on the wire is what is checked. */
class MetricsEndpointTest {
    private static final String BODY = "# TYPE test_metric gauge\ntest_metric 1.0\n";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<String> accepts = new CopyOnWriteArrayList<>();
    private MetricsEndpoint endpoint;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        endpoint = MetricsEndpoint.start("127.0.0.1", 0, (accept, out) -> {
            accepts.add(String.valueOf(accept));
            out.write(BODY.getBytes(StandardCharsets.UTF_8));
            return CONTENT_TYPE;
        });
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        endpoint.close();
    }

    private Socket connect() throws IOException {
        return connect(endpoint.port());
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000); // only so that a broken server fails the test instead of hanging it
        return s;
    }

    private static final class Response {
        final String statusLine;
        final int status;
        final Map<String, String> headers;
        final byte[] body;

        Response(String statusLine, Map<String, String> headers, byte[] body) {
            this.statusLine = statusLine;
            this.status = Integer.parseInt(statusLine.split(" ")[1]);
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        int contentLength() {
            return Integer.parseInt(header("content-length"));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of stream inside a response head: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        assertTrue(s.endsWith("\r"), () -> "line not ended by CRLF: " + s);
        return s.substring(0, s.length() - 1);
    }

    /** Reads a status line and headers only. */
    private static Response head(InputStream in) throws IOException {
        String statusLine = line(in);
        assertTrue(statusLine.startsWith("HTTP/1.1 "), statusLine);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new Response(statusLine, headers, new byte[0]);
    }

    /** Reads a response and as much body as its Content-Length announces. */
    private static Response response(InputStream in) throws IOException {
        Response head = head(in);
        byte[] body = in.readNBytes(head.contentLength());
        assertEquals(head.contentLength(), body.length, "body shorter than its Content-Length");
        return new Response(head.statusLine, head.headers, body);
    }

    private static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void assertClosed(InputStream in) throws IOException {
        assertEquals(-1, in.read(), "connection should be closed");
    }

    /** Closed by the server: end of stream, or a reset if it closed with our bytes unread. */
    private static void assertClosedOrReset(Socket s) throws IOException {
        try {
            byte[] rest = s.getInputStream().readAllBytes();
            assertEquals(0, rest.length, () -> "unexpected bytes: " + new String(rest, StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException e) {
            // Connection reset: closed as well.
        }
    }

    private Response exchange(String request) throws IOException {
        Socket s = connect();
        send(s, request);
        return response(s.getInputStream());
    }

    @Test
    void getMetrics() throws IOException {
        Response r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n");
        assertEquals(200, r.status);
        assertEquals(CONTENT_TYPE, r.header("Content-Type"));
        assertEquals(BODY, r.text());
        assertNull(r.header("Content-Encoding"));
        assertEquals(List.of("text/plain"), accepts);
    }

    @Test
    void getMetricsWithQueryString() throws IOException {
        Response r = exchange("GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status);
        assertEquals(BODY, r.text());
        assertEquals(List.of("null"), accepts);
    }

    @Test
    void otherPathIsNotFound() throws IOException {
        Response r = exchange("GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, r.status);
        assertTrue(r.text().contains("/metrics"), r.text());
        assertEquals(List.of(), accepts);
    }

    @Test
    void rootPointsToMetrics() throws IOException {
        Response r = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status);
        assertTrue(r.text().contains("/metrics"), r.text());
    }

    @Test
    void postIsMethodNotAllowed() throws IOException {
        Response r = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, r.status);
        assertEquals(List.of(), accepts);
    }

    /** RFC 9110 15.5.6: "The origin server MUST generate an Allow header field in a 405 response". */
    @Test
    void methodNotAllowedNamesTheAllowedMethods() throws IOException {
        Response r = exchange("DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(405, r.status);
        String allow = r.header("Allow");
        assertNotNull(allow, "405 without an Allow header: " + r.headers);
        assertTrue(allow.contains("GET") && allow.contains("HEAD"), allow);
    }

    @Test
    void requestBodyIsRefused() throws IOException {
        Socket s = connect();
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n");
        InputStream in = s.getInputStream();
        Response r = head(in);
        assertEquals(413, r.status);
        assertEquals("close", r.header("Connection"));
    }

    @Test
    void requestLineOverEightKibIs414AndTheConnectionClosed() throws IOException {
        Socket s = connect();
        StringBuilder line = new StringBuilder("GET /");
        while (line.length() < MetricsEndpoint.MAX_LINE + 1) {
            line.append('a');
        }
        // Exactly one byte over the limit and no line end: the server reads all of it before answering,
        // so it closes without unread input (which could turn its close into a reset).
        send(s, line.toString());
        InputStream in = s.getInputStream();
        Response r = head(in);
        assertEquals(414, r.status);
        assertEquals("close", r.header("Connection"));
        in.readNBytes(r.contentLength()); // whatever body there is
        assertClosed(in);
        assertEquals(List.of(), accepts);
    }

    @Test
    void headerOverEightKibIs431() throws IOException {
        Socket s = connect();
        StringBuilder header = new StringBuilder("X-Big: ");
        while (header.length() < MetricsEndpoint.MAX_LINE + 1) {
            header.append('b');
        }
        send(s, "GET /metrics HTTP/1.1\r\n" + header);
        Response r = head(s.getInputStream());
        assertEquals(431, r.status);
    }

    @Test
    void garbageRequestLineIsBadRequestAndTheConnectionClosed() throws IOException {
        Socket s = connect();
        send(s, "garbage\r\n");
        InputStream in = s.getInputStream();
        Response r = head(in);
        assertEquals(400, r.status);
        assertEquals("close", r.header("Connection"));
        in.readNBytes(r.contentLength());
        assertClosed(in);
        assertEquals(List.of(), accepts);
    }

    @Test
    void unsupportedHttpVersionIs505() throws IOException {
        Socket s = connect();
        send(s, "GET /metrics HTTP/2.0\r\n");
        Response r = head(s.getInputStream());
        assertEquals(505, r.status);
    }

    /**
     * An error response announces its message in Content-Length; it must then send that many bytes,
     * or a client sees a truncated response (curl: "transfer closed with N bytes remaining to read").
     */
    @Test
    void errorResponseSendsTheBodyItsContentLengthAnnounces() throws IOException {
        Socket s = connect();
        send(s, "garbage\r\n");
        InputStream in = s.getInputStream();
        Response r = head(in);
        assertEquals(400, r.status);
        byte[] body = in.readAllBytes();
        assertEquals(r.contentLength(), body.length,
                "400 response announced Content-Length " + r.contentLength() + " but sent " + body.length + " body bytes");
    }

    @Test
    void twoRequestsOnOneKeepAliveConnection() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        Response first = response(in);
        assertEquals(200, first.status);
        assertNull(first.header("Connection"));
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text\r\n\r\n");
        Response second = response(in);
        assertEquals(200, second.status);
        assertEquals(BODY, second.text());
        assertEquals(List.of("null", "application/openmetrics-text"), accepts);
    }

    @Test
    void pipelinedRequestsAreBothAnswered() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, response(in).status);
        Response second = response(in);
        assertEquals(404, second.status);
        assertEquals("close", second.header("Connection"));
        assertClosed(in);
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Response r = response(in);
        assertEquals(200, r.status);
        assertEquals("close", r.header("Connection"));
        assertClosed(in);
    }

    @Test
    void http10ClosesUnlessKeepAlive() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "GET /metrics HTTP/1.0\r\n\r\n");
        assertEquals(200, response(in).status);
        assertClosed(in);
    }

    /** RFC 9112 9.3: an HTTP/1.0 client keeps the connection only when the response says keep-alive (ab -k waits otherwise). */
    @Test
    void http10KeepAliveIsConfirmedAndKept() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "GET /metrics HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        Response first = response(in);
        assertEquals(200, first.status);
        assertEquals("keep-alive", first.header("Connection"));
        send(s, "GET /metrics HTTP/1.0\r\n\r\n");
        Response second = response(in);
        assertEquals(200, second.status);
        assertEquals("close", second.header("Connection"));
        assertClosed(in);
    }

    @Test
    void gzipWhenAccepted() throws IOException {
        Response r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate\r\n\r\n");
        assertEquals(200, r.status);
        assertEquals("gzip", r.header("Content-Encoding"));
        assertEquals(CONTENT_TYPE, r.header("Content-Type"));
        byte[] plain;
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(r.body))) {
            plain = gz.readAllBytes();
        }
        assertArrayEquals(BODY.getBytes(StandardCharsets.UTF_8), plain);
    }

    /** RFC 9110 12.5.3: a coding with q=0 is "not acceptable". */
    @Test
    void noGzipWhenRefusedWithQZero() throws IOException {
        Response r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity, gzip;q=0\r\n\r\n");
        assertEquals(200, r.status);
        assertNull(r.header("Content-Encoding"));
        assertEquals(BODY, r.text());
    }

    @Test
    void headHasHeadersButNoBody() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        Response r = head(in);
        assertEquals(200, r.status);
        assertEquals(BODY.length(), r.contentLength());
        // The next bytes on the connection are the next response, not a body.
        send(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Response next = response(in);
        assertEquals(200, next.status);
        assertClosed(in);
    }

    @Test
    void headWithConnectionCloseSendsNothingAfterTheHeaders() throws IOException {
        Socket s = connect();
        InputStream in = s.getInputStream();
        send(s, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Response r = head(in);
        assertEquals(200, r.status);
        assertEquals(0, in.readAllBytes().length);
    }

    @Test
    void leadingEmptyLinesAreIgnored() throws IOException {
        Response r = exchange("\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status);
    }

    /** When every connection is being answered, there is none to replace: a new one gets 503. */
    @Test
    void connectionsBeyondTheCapGet503WhenAllAreBeingAnswered() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answering = new java.util.concurrent.CountDownLatch(MetricsEndpoint.MAX_CONNECTIONS);
        MetricsEndpoint blocking = MetricsEndpoint.start("127.0.0.1", 0, (accept, out) -> {
            answering.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(BODY.getBytes(StandardCharsets.UTF_8));
            return CONTENT_TYPE;
        });
        try {
            List<Socket> open = new ArrayList<>();
            for (int i = 0; i < MetricsEndpoint.MAX_CONNECTIONS; i++) {
                Socket s = connect(blocking.port());
                send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
                open.add(s);
            }
            assertTrue(answering.await(10, java.util.concurrent.TimeUnit.SECONDS), "all connections being answered");
            Socket extra = connect(blocking.port());
            Response r = head(extra.getInputStream());
            assertEquals(503, r.status);
            assertEquals("close", r.header("Connection"));
            release.countDown();
            for (Socket s : open) {
                assertEquals(200, response(s.getInputStream()).status);
            }
        } finally {
            release.countDown();
            blocking.close();
        }
    }

    /**
     * Connections that hold their slot without finishing a request (idle keep-alives, slowloris) do
     * not lock a scraper out: a new connection replaces the one that has waited longest.
     */
    @Test
    void heldOpenConnectionsAreReplacedByANewOne() throws IOException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < MetricsEndpoint.MAX_CONNECTIONS; i++) {
            Socket s = connect();
            send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            held.add(s);
        }
        Response r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, r.status);
        assertEquals(BODY, r.text());
        // The first one held was the one replaced.
        assertClosedOrReset(held.get(0));
    }

    @Test
    void portIsTheBoundPort() {
        assertTrue(endpoint.port() > 0);
    }
}
