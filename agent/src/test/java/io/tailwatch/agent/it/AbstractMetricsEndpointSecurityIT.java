package io.tailwatch.agent.it;

import io.tailwatch.testsupport.TestKeystore;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import javax.net.ssl.SSLContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's own endpoint exposed as a user would expose it, in real JVMs with the real agent jar:
 * one service with basic auth and a bearer token (secrets from files and the environment), one
 * with TLS from a {@code keytool} keystore, and one whose keystore cannot be read. Clients are the
 * JDK's HTTP client, curl and raw sockets. Each service is started once for all the methods.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractMetricsEndpointSecurityIT {
    private static final String SERVICE = "io.tailwatch.testservices.JdkHttpService";
    private static final Pattern METRICS = Pattern.compile("metrics at (https?)://127\\.0\\.0\\.1:(\\d+)/metrics \\(([^)]*)\\)");
    private static final String USER = "prometheus";
    private static final String PASSWORD = "pw-Kx81-passwordcanary";
    private static final String TOKEN = "tok-Qz93-tokencanary";
    private static final String STORE_PASSWORD = "store-Vb27-storecanary";
    /** Put into requests' paths, queries, headers and cookies: none may reach standard error or a label. */
    private static final String REQUEST_CANARY = "reqcanary7731";

    private Path dir;
    private TestKeystore keystore;
    private ForkedService auth;
    private ForkedService tls;
    private ForkedService badKeystore;
    private int authPort;
    private int tlsPort;
    private int badKeystorePort;
    private SSLContext trusting;

    /** The JDK the services run on. */
    protected abstract Path jdk();

    @BeforeAll
    void startServices() throws Exception {
        dir = Files.createTempDirectory("tailwatch-endpoint-security");
        keystore = TestKeystore.create(dir, "endpoint", "PKCS12", STORE_PASSWORD);
        trusting = keystore.clientContext();
        Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path storePasswordFile = Files.writeString(dir.resolve("store-password"), STORE_PASSWORD + "\n");
        Path notAKeystore = Files.writeString(dir.resolve("broken.p12"), "not a keystore\n");
        badKeystorePort = freePort();

        // Secrets only in files and the environment, as the README advises; the user as a system property.
        auth = ForkedService.start(jdk(), List.of("-Dtailwatch.auth.user=" + USER), "host=127.0.0.1,port=0,auth.password.file=" + passwordFile,
                List.of("TAILWATCH_AUTH_TOKEN_FILE=" + tokenFile), SERVICE, "0", "2");
        tls = ForkedService.start(jdk(), List.of(), "host=127.0.0.1,port=0,tls.keystore=" + keystore.keystore
                        + ",tls.keystore.password.file=" + storePasswordFile + ",auth.user=" + USER,
                List.of("TAILWATCH_AUTH_PASSWORD=" + PASSWORD), SERVICE, "0", "2");
        badKeystore = ForkedService.start(jdk(), List.of(), "host=127.0.0.1,port=" + badKeystorePort + ",tls.keystore=" + notAKeystore,
                List.of("TAILWATCH_TLS_KEYSTORE_PASSWORD=" + STORE_PASSWORD), SERVICE, "0", "2");

        Matcher a = startLine(auth);
        assertEquals("http", a.group(1));
        assertEquals("basic auth or bearer token", a.group(3));
        authPort = Integer.parseInt(a.group(2));
        Matcher t = startLine(tls);
        assertEquals("https", t.group(1));
        assertEquals("TLS TLSv1.3/TLSv1.2, basic auth", t.group(3));
        tlsPort = Integer.parseInt(t.group(2));
    }

    @AfterAll
    void stopServices() throws Exception {
        for (ForkedService s : new ForkedService[] {auth, tls, badKeystore}) {
            if (s != null) {
                s.close();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Matcher startLine(ForkedService service) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : service.agentLines()) {
                Matcher m = METRICS.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            ForkedService.sleep(50);
        }
        throw new AssertionError("no start line with the endpoint: " + service.stderr());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        return get(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                "http://127.0.0.1:" + authPort + "/metrics", authorization);
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** Writes, then reads everything until the server closes (a reset after its answer counts as closed). */
    private static String exchangeToClose(Socket s, byte[] request) throws IOException {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the endpoint kept the connection open 30 s: " + all.toString(StandardCharsets.ISO_8859_1));
        } catch (SocketException reset) {
            // closed with our bytes unread
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static int status(String response) {
        assertTrue(response.startsWith("HTTP/1.1 "), () -> "not an HTTP response: " + response);
        return Integer.parseInt(response.substring(9, 12));
    }

    private static List<String> curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not end");
        return List.of(Integer.toString(p.exitValue()), out.trim());
    }

    // ------------------------------------------------------------------ authentication

    @Test
    @Order(1)
    void basicAuthWithTheRightCredentialsGetsTheMetrics() throws Exception {
        HttpResponse<String> r = scrape(basic(USER, PASSWORD));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("tailwatch_agent_instrumentation_applied"), r.body());
        assertEquals(List.of("0", "200"), curl("-u", USER + ":" + PASSWORD, "http://127.0.0.1:" + authPort + "/metrics"));
    }

    @Test
    @Order(1)
    void missingOrWrongBasicCredentialsAre401WithAChallenge() throws Exception {
        for (String authorization : new String[] {null, basic(USER, "wrong-" + REQUEST_CANARY), basic("admin", PASSWORD),
                basic(USER, PASSWORD + "x"), "Basic " + REQUEST_CANARY}) {
            HttpResponse<String> r = scrape(authorization);
            assertEquals(401, r.statusCode(), String.valueOf(authorization));
            assertTrue(r.headers().allValues("WWW-Authenticate").contains("Basic realm=\"tailwatch\", charset=\"UTF-8\""),
                    r.headers().map().toString());
            assertTrue(r.headers().allValues("WWW-Authenticate").contains("Bearer realm=\"tailwatch\""), r.headers().map().toString());
            assertFalse(r.body().contains("tailwatch_"), r.body());
        }
        assertEquals(List.of("0", "401"), curl("-u", USER + ":nope", "http://127.0.0.1:" + authPort + "/metrics"));
    }

    @Test
    @Order(1)
    void bearerTokenRightAndWrong() throws Exception {
        assertEquals(200, scrape("Bearer " + TOKEN).statusCode());
        assertEquals(401, scrape("Bearer " + TOKEN + "x").statusCode());
        assertEquals(401, scrape("Bearer " + REQUEST_CANARY).statusCode());
        assertEquals(401, scrape(basic(USER, TOKEN)).statusCode());
        assertEquals(List.of("0", "200"), curl("-H", "Authorization: Bearer " + TOKEN, "http://127.0.0.1:" + authPort + "/metrics"));
    }

    // ------------------------------------------------------------------ TLS

    @Test
    @Order(1)
    void tlsWithATrustedCertificateAndCredentials() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(5)).build();
        String url = "https://127.0.0.1:" + tlsPort + "/metrics";
        HttpResponse<String> ok = get(client, url, basic(USER, PASSWORD));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("tailwatch_agent_instrumentation_applied"), ok.body());
        assertEquals(401, get(client, url, null).statusCode());
        assertEquals(List.of("0", "200"), curl("--cacert", keystore.certificatePem.toString(), "-u", USER + ":" + PASSWORD, url));
        assertEquals(List.of("0", "200"), curl("--cacert", keystore.certificatePem.toString(), "--tlsv1.2", "--tls-max", "1.2",
                "-u", USER + ":" + PASSWORD, url));
        // Not TLS 1.1 (curl with OpenSSL 3 refuses it itself at its default security level; either way no answer).
        assertNotEquals("0", curl("--cacert", keystore.certificatePem.toString(), "--tlsv1.1", "--tls-max", "1.1", url).get(0));
        // A client that does not trust the certificate gets nothing.
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> get(untrusting, url, basic(USER, PASSWORD)));
        assertEquals("60", curl("-u", USER + ":" + PASSWORD, url).get(0)); // curl: peer certificate cannot be authenticated
    }

    @Test
    @Order(1)
    void plainHttpToTheTlsPortIsRefused() throws Exception {
        try (Socket s = connect(tlsPort)) {
            String r = exchangeToClose(s, ("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic(USER, PASSWORD) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(400, status(r), r);
            assertTrue(r.contains("HTTPS only"), r);
            assertFalse(r.contains("tailwatch_"), r);
        }
        HttpResponse<String> plain = get(HttpClient.newHttpClient(), "http://127.0.0.1:" + tlsPort + "/metrics", basic(USER, PASSWORD));
        assertEquals(400, plain.statusCode());
        assertEquals(List.of("0", "400"), curl("-u", USER + ":" + PASSWORD, "http://127.0.0.1:" + tlsPort + "/metrics"));
    }

    @Test
    @Order(1)
    void anUnreadableKeystoreCostsOneLineAndTheEndpointStaysOffWhileTheApplicationAnswers() throws Exception {
        int port = badKeystore.servicePort();
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(200, client.get("/hello", false).status);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (badKeystore.agentLines().isEmpty() && System.nanoTime() < deadline) {
            ForkedService.sleep(50);
        }
        List<String> stderr = badKeystore.stderr();
        assertEquals(1, stderr.size(), stderr.toString());
        String line = stderr.get(0);
        assertTrue(line.contains("metrics endpoint OFF: cannot use tls.keystore '" + dir.resolve("broken.p12") + "'"), line);
        assertTrue(line.contains("does not fall back to plain HTTP"), line);
        assertFalse(line.contains(STORE_PASSWORD), line);
        // Nothing listens on the endpoint's port: not TLS, and above all not plain HTTP.
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", badKeystorePort).close());
        try (RawHttpClient client = new RawHttpClient(port)) {
            assertEquals(200, client.get("/hello", false).status);
        }
    }

    // ------------------------------------------------------------------ what it answers

    @Test
    @Order(1)
    void withCredentialsAnyOtherPathIs404AndAnyOtherMethod405() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + authPort;
        assertEquals(404, get(client, base + "/" + REQUEST_CANARY, "Bearer " + TOKEN).statusCode());
        assertEquals(404, get(client, base + "/metrics/", "Bearer " + TOKEN).statusCode());
        assertEquals(200, get(client, base + "/", "Bearer " + TOKEN).statusCode());
        assertEquals(200, get(client, base + "/metrics?" + REQUEST_CANARY + "=1", "Bearer " + TOKEN).statusCode());
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"}) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode(), method);
            assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""), method);
        }
        // Without credentials the 404 is a 401: nothing is learned about the paths.
        assertEquals(401, get(client, base + "/" + REQUEST_CANARY, null).statusCode());
    }

    @Test
    @Order(1)
    void oversizedAndMalformedRequestsAreRejectedAndClosed() throws Exception {
        String bearer = "Authorization: Bearer " + TOKEN + "\r\n";
        String longLine = "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + bearer + "\r\n";
        String longHeader = "GET /metrics HTTP/1.1\r\n" + bearer + "X-Big: " + "b".repeat(9000) + "\r\n\r\n";
        StringBuilder manyHeaders = new StringBuilder("GET /metrics HTTP/1.1\r\n" + bearer);
        for (int i = 0; i < 70; i++) {
            manyHeaders.append("X-").append(i).append(": ").append(REQUEST_CANARY).append("\r\n");
        }
        String hugeLength = "GET /metrics HTTP/1.1\r\n" + bearer + "Content-Length: 99999999999999999999\r\n\r\nxx";
        String[][] cases = {{longLine, "414"}, {longHeader, "431"}, {manyHeaders + "\r\n", "431"}, {hugeLength, "413"},
                {"GET /metrics HTTP/1.1\r\n" + bearer + "Cookie: " + REQUEST_CANARY + "\r\r\n\r\n", "400"}, // bare CR
                {"BREW /pot HTCPCP/1.0\r\n\r\n", "400"}, {"GET /metrics HTTP/2.0\r\n\r\n", "505"}};
        for (String[] c : cases) {
            try (Socket s = connect(authPort)) {
                String r = exchangeToClose(s, c[0].getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(Integer.parseInt(c[1]), status(r), () -> c[0].substring(0, 40) + " -> " + r);
                assertTrue(r.contains("Connection: close"), r);
                assertFalse(r.contains(REQUEST_CANARY), r);
            }
        }
        // Garbage bytes: 400 at once, not a wait for a line end.
        byte[] garbage = new byte[512];
        new java.util.Random(42).nextBytes(garbage);
        garbage[0] = (byte) 0xfe;
        try (Socket s = connect(authPort)) {
            assertEquals(400, status(exchangeToClose(s, garbage)));
        }
    }

    /**
     * Slowloris: every connection slot held by a client that sends a partial head (half without a
     * line end, one of them a byte at a time); a scrape still answers at once, and the held
     * connections are closed by the head deadline.
     */
    @Test
    @Order(2)
    void heldOpenPartialRequestsDoNotStopAScrape() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket s = connect(authPort);
                // Half of them without even a line end after the request line.
                String partial = i % 2 == 0 ? "GET /metrics HTTP/1.1 " + REQUEST_CANARY
                        : "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow-" + i + ": " + REQUEST_CANARY;
                s.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                held.add(s);
            }
            Socket dripping = held.get(held.size() - 1);
            for (int i = 0; i < 5; i++) {
                dripping.getOutputStream().write('x');
                dripping.getOutputStream().flush();
                ForkedService.sleep(100);
            }
            HttpResponse<String> r = scrape("Bearer " + TOKEN);
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("tailwatch_agent_instrumentation_applied"));

            // All held connections end (replaced, or cut at the 10 s head deadline), dripping or not.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            List<Socket> open = new ArrayList<>(held);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (java.util.Iterator<Socket> it = open.iterator(); it.hasNext(); ) {
                    Socket s = it.next();
                    s.setSoTimeout(50);
                    try {
                        if (s.getInputStream().read() < 0) {
                            it.remove();
                        }
                    } catch (SocketTimeoutException stillOpen) {
                        if (s == dripping) {
                            try {
                                s.getOutputStream().write('x');
                            } catch (IOException closed) {
                                it.remove();
                            }
                        }
                    } catch (IOException reset) {
                        it.remove();
                    }
                }
                ForkedService.sleep(200);
            }
            assertEquals(0, open.size(), open.size() + " of the held connections still open after 40 s");
            assertEquals(200, scrape("Bearer " + TOKEN).statusCode());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------ nothing leaks

    @Test
    @Order(3)
    void noCredentialOrRequestContentReachesStandardErrorOrAMetric() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authPort + "/metrics?q=" + REQUEST_CANARY))
                .header("Authorization", "Bearer " + TOKEN).header("Cookie", "session=" + REQUEST_CANARY)
                .header("X-Canary", REQUEST_CANARY).header("User-Agent", REQUEST_CANARY).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        String metrics = scrape("Bearer " + TOKEN).body();
        for (String secret : new String[] {PASSWORD, TOKEN, STORE_PASSWORD, REQUEST_CANARY}) {
            assertFalse(metrics.contains(secret), secret + " in the metrics");
            for (ForkedService service : new ForkedService[] {auth, tls, badKeystore}) {
                for (String line : service.stderr()) {
                    assertFalse(line.contains(secret), secret + " on standard error: " + line);
                }
            }
        }
        // After everything above, each service printed only its start line.
        assertEquals(1, auth.stderr().size(), auth.stderr().toString());
        assertEquals(1, tls.stderr().size(), tls.stderr().toString());
        assertEquals(1, badKeystore.stderr().size(), badKeystore.stderr().toString());
        for (ForkedService service : new ForkedService[] {auth, tls, badKeystore}) {
            assertTrue(service.isAlive());
        }
    }
}
