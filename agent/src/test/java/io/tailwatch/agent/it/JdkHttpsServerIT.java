package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.MetricsScrape;
import io.tailwatch.testsupport.AbstractHttpServerIT;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tailwatch.testsupport.MetricsScrape.labelsExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code HttpsServer} goes through TLS streams of its own; its requests are counted the same way. */
class JdkHttpsServerIT {
    private static final String PASSWORD = "tailwatch";

    @Test
    void httpsRequestsAreCountedExactly(@TempDir Path dir) throws Exception {
        Path jdk = ForkedService.jdk("tailwatch.test.jdk17");
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(jdk.resolve("bin/keytool").toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);

        try (ForkedService service = ForkedService.start(jdk,
                List.of("-Dtls.keystore=" + keystore, "-Dtls.password=" + PASSWORD), "host=127.0.0.1,port=0", List.of(),
                "io.tailwatch.testservices.JdkHttpService", "0", "4")) {
            int port = service.servicePort();
            int metrics = service.metricsPort();
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            MetricsScrape before = MetricsScrape.of(metrics);
            for (int i = 0; i < 30; i++) {
                assertEquals(200, client.send(request(port, "/hello"), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(500, client.send(request(port, "/error"), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            MetricsScrape after = AbstractHttpServerIT.awaitDelta(metrics, before, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(AbstractHttpServerIT.get(200)), 30);
            AbstractHttpServerIT.assertDelta(before, after, AbstractHttpServerIT.DURATION + "_count",
                    labelsExactly(Map.of("http_request_method", "GET", "http_response_status_code", "500", "error_type", "500")), 5);
            AbstractHttpServerIT.assertDelta(before, after, "http_server_response_body_size_bytes_sum",
                    labelsExactly(AbstractHttpServerIT.get(200)), 30 * AbstractHttpServerIT.HELLO.length);
        }
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(10)).build();
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
