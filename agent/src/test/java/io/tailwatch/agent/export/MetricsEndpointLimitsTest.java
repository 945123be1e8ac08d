package io.tailwatch.agent.export;

import io.tailwatch.testsupport.TestKeystore;

import io.tailwatch.agent.config.ConfigLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint's authentication, TLS and deadlines, over raw sockets and the JDK's HTTP client. The
 * deadlines are shortened here (head 1 s, idle 1 s, response 1 s); the waits for them are generous.
 */
class MetricsEndpointLimitsTest {
    private static final String BODY = "# TYPE test_metric gauge\ntest_metric 1.0\n";
    private static final MetricsEndpoint.Limits SHORT = new MetricsEndpoint.Limits(1000, 1000, 1000);
    private static final String GOOD_BASIC = "Basic " + Base64.getEncoder().encodeToString("prom:pw".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private final List<AutoCloseableEndpoint> endpoints = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    private interface AutoCloseableEndpoint {
        void close() throws IOException;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        for (AutoCloseableEndpoint e : endpoints) {
            e.close();
        }
    }

    private MetricsEndpoint start(EndpointSecurity security, MetricsEndpoint.Exposition exposition) throws IOException {
        MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, security, exposition, SHORT);
        endpoints.add(e::close);
        return e;
    }

    private MetricsEndpoint start(EndpointSecurity security) throws IOException {
        return start(security, (accept, out) -> {
            out.write(BODY.getBytes(StandardCharsets.UTF_8));
            return "text/plain; version=0.0.4; charset=utf-8";
        });
    }

    private static EndpointSecurity security(String... keyValues) throws EndpointSecurity.Unusable {
        Properties props = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.setProperty("tailwatch." + keyValues[i], keyValues[i + 1]);
        }
        return EndpointSecurity.prepare(ConfigLoader.load(null, props, Map.of(), w -> { }).endpointAccess());
    }

    private Socket connect(MetricsEndpoint e) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", e.port()), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes (a reset after its response counts as a close). */
    private static String readToClose(Socket s) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed with our bytes unread
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void withoutCredentialsEveryPathIs401WithChallenges() throws Exception {
        MetricsEndpoint e = start(security("auth.user", "prom", "auth.password", "pw", "auth.token", "tok"));
        for (String request : new String[] {"GET /metrics", "GET /", "GET /nope", "POST /metrics", "HEAD /metrics"}) {
            Socket s = connect(e);
            send(s, request + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String r = readToClose(s);
            assertEquals(401, status(r), r);
            assertTrue(r.contains("WWW-Authenticate: Basic realm=\"tailwatch\", charset=\"UTF-8\"\r\n"), r);
            assertTrue(r.contains("WWW-Authenticate: Bearer realm=\"tailwatch\"\r\n"), r);
            assertFalse(r.contains("test_metric"), r);
        }
    }

    @Test
    void wrongCredentialsAre401AndRightOnesAreServedOnTheSameConnection() throws Exception {
        MetricsEndpoint e = start(security("auth.user", "prom", "auth.password", "pw", "auth.token", "tok"));
        Socket s = connect(e);
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n"
                + "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: " + GOOD_BASIC + "\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n\r\n"
                + "DELETE /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\nConnection: close\r\n\r\n");
        String all = readToClose(s);
        List<Integer> statuses = new ArrayList<>();
        for (int i = all.indexOf("HTTP/1.1 "); i >= 0; i = all.indexOf("HTTP/1.1 ", i + 1)) {
            statuses.add(Integer.parseInt(all.substring(i + 9, i + 12)));
        }
        assertEquals(List.of(401, 200, 404, 405), statuses, all);
        assertTrue(all.contains("test_metric 1.0"), all);
    }

    /** A client that sends its head a byte at a time, forever: cut off at the head deadline, not at each byte's. */
    @Test
    void aDrippingClientIsCutOffAtTheHeadDeadline() throws Exception {
        MetricsEndpoint e = start(EndpointSecurity.none());
        Socket s = connect(e);
        byte[] drip = "GET /metrics HTTP/1.1\r\nX-Drip: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                .getBytes(StandardCharsets.ISO_8859_1);
        long start = System.nanoTime();
        boolean cut = false;
        for (int i = 0; i < drip.length && !cut; i++) {
            try {
                s.getOutputStream().write(drip[i]);
                s.getOutputStream().flush();
            } catch (IOException closed) {
                cut = true;
            }
            Thread.sleep(100);
        }
        // 7 s of dripping is far beyond the 1 s deadline; a write after the close fails at the latest on the second try.
        assertTrue(cut, "still connected after " + (System.nanoTime() - start) / 1_000_000 + " ms of dripping");
    }

    @Test
    void aSilentConnectionIsClosed() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        Socket s = connect(e);
        assertEquals("", readToClose(s));
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        Socket s = connect(e);
        send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        String r = readToClose(s);
        assertEquals(200, status(r), r);
    }

    /** A client that asks and never reads cannot hold a thread: the response deadline closes it. */
    @Test
    void aClientThatDoesNotReadItsResponseIsCutOff() throws Exception {
        byte[] big = new byte[8 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        MetricsEndpoint e = start(EndpointSecurity.none(), (accept, out) -> {
            out.write(big);
            return "text/plain";
        });
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < MetricsEndpoint.MAX_CONNECTIONS; i++) {
            Socket s = connect(e);
            s.setReceiveBufferSize(4096);
            send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            stalled.add(s);
        }
        // All connections are "being answered" and stuck in a write; once the deadline cuts them, a scrape gets through.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = -1;
        while (System.nanoTime() < deadline && status != 200) {
            Socket s = connect(e);
            send(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String r = readToClose(s);
            status = r.isEmpty() ? -1 : status(r);
            if (status != 200) {
                Thread.sleep(200);
            }
        }
        assertEquals(200, status);
    }

    @Test
    void binaryBytesAre400AtOnce() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        Socket s = connect(e);
        // The start of a TLS ClientHello sent to the plain port.
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
        String r = readToClose(s);
        assertEquals(400, status(r), r);
    }

    @Test
    void malformedHeadsAre400() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        for (String head : new String[] {
                "GET /metrics HTTP/1.1\rHost: x\r\n\r\n",               // bare CR
                "GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",  // obs-fold
                "GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n",            // space before the colon
                "GET /metrics HTTP/1.1\r\nX: a\u0000b\r\n\r\n",         // NUL in a value
                "GET  /metrics HTTP/1.1\r\n\r\n",                       // two spaces
                "GET /met\u00e4rics HTTP/1.1\r\n\r\n"}) {               // non-ASCII target
            Socket s = connect(e);
            send(s, head);
            String r = readToClose(s);
            assertEquals(400, status(r), head.replace("\r", "\\r").replace("\n", "\\n") + " -> " + r);
            assertTrue(r.contains("Connection: close"), r);
        }
    }

    @Test
    void headsBeyondTheLimitsAre431() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        StringBuilder many = new StringBuilder("GET /metrics HTTP/1.1\r\n");
        for (int i = 0; i <= MetricsEndpoint.MAX_HEADERS; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        StringBuilder large = new StringBuilder("GET /metrics HTTP/1.1\r\n");
        for (int i = 0; i < 5; i++) {
            large.append("X-").append(i).append(": ").append("v".repeat(4000)).append("\r\n");
        }
        for (StringBuilder head : List.of(many, large)) {
            Socket s = connect(e);
            send(s, head.append("\r\n").toString());
            String r = readToClose(s);
            assertEquals(431, status(r), r);
        }
    }

    @Test
    void hugeContentLengthIs413() throws IOException {
        MetricsEndpoint e = start(EndpointSecurity.none());
        Socket s = connect(e);
        send(s, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\nabc");
        assertEquals(413, status(readToClose(s)));
    }

    @Test
    void tlsWithATrustedCertificate() throws Exception {
        TestKeystore keystore = TestKeystore.create(dir, "unit", "PKCS12", "changeit-1");
        MetricsEndpoint e = start(security("tls.keystore", keystore.keystore.toString(), "tls.keystore.password", "changeit-1",
                "auth.token", "tok"));
        SSLContext trusting = keystore.clientContext();
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("https://127.0.0.1:" + e.port() + "/metrics");
        HttpResponse<String> ok = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer tok")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals(BODY, ok.body());
        HttpResponse<String> noToken = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noToken.statusCode());

        // Plain HTTP to the TLS port: a 400 that says so, and no metrics.
        Socket plain = connect(e);
        send(plain, "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n\r\n");
        String r = readToClose(plain);
        assertEquals(400, status(r), r);
        assertTrue(r.contains("HTTPS only"), r);
        assertFalse(r.contains("test_metric"), r);

        // A client that does not trust the certificate does not get through either.
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> untrusting.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void tlsVersionsAreRestricted() throws Exception {
        TestKeystore keystore = TestKeystore.create(dir, "unit13", "PKCS12", "changeit-2");
        MetricsEndpoint e = start(security("tls.keystore", keystore.keystore.toString(), "tls.keystore.password", "changeit-2",
                "tls.protocols", "TLSv1.3"));
        SSLContext trusting = keystore.clientContext();
        javax.net.ssl.SSLParameters only12 = trusting.getDefaultSSLParameters();
        only12.setProtocols(new String[] {"TLSv1.2"});
        HttpClient client12 = HttpClient.newBuilder().sslContext(trusting).sslParameters(only12).build();
        URI uri = URI.create("https://127.0.0.1:" + e.port() + "/metrics");
        assertThrows(IOException.class, () -> client12.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
        javax.net.ssl.SSLParameters only13 = trusting.getDefaultSSLParameters();
        only13.setProtocols(new String[] {"TLSv1.3"});
        HttpClient client13 = HttpClient.newBuilder().sslContext(trusting).sslParameters(only13).build();
        assertEquals(200, client13.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
