package io.tailwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tailwatch.collector.cli.CollectorMain;
import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;
import io.tailwatch.testsupport.TestKeystore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector reading an agent whose endpoint is secured as the README advises (HTTPS from a
 * {@code keytool} keystore, basic authentication and a bearer token, secrets in files): with the
 * matching options it reads every request; without them, or with wrong ones, it says in one line
 * what is missing, and prints no secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorSecuredAgentIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "scraper";
    private static final String PASSWORD = "pw-Lc55-collectorcanary";
    private static final String TOKEN = "tok-Jm12-collectorcanary";
    private static final String STORE_PASSWORD = "store-Hd40-collectorcanary";
    private static final int REQUESTS = 25;

    private Path dir;
    private TestKeystore keystore;
    private ForkedService service;
    private String target;
    private Path passwordFile;
    private Path tokenFile;

    @BeforeAll
    void startASecuredAgent() throws Exception {
        dir = Files.createTempDirectory("tailwatch-collector-secured");
        keystore = TestKeystore.create(dir, "agent", "PKCS12", STORE_PASSWORD);
        passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path storePasswordFile = Files.writeString(dir.resolve("store-password"), STORE_PASSWORD + "\n");
        service = ForkedService.start(Path.of(System.getProperty("java.home")), List.of(),
                "host=127.0.0.1,port=0,tls.keystore=" + keystore.keystore + ",tls.keystore.password.file=" + storePasswordFile
                        + ",auth.user=" + USER + ",auth.password.file=" + passwordFile + ",auth.token.file=" + tokenFile,
                List.of(), "io.tailwatch.testservices.JdkHttpService", "0", "2");
        target = "https://127.0.0.1:" + service.metricsPort() + "/metrics";
        try (RawHttpClient client = new RawHttpClient(service.servicePort())) {
            for (int i = 0; i < REQUESTS; i++) {
                assertEquals(200, client.get("/hello", false).status);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    private Run table(String... access) {
        List<String> args = new ArrayList<>(List.of("table", "--once", "--format", "json", "--interval", "200ms", "--target", target));
        args.addAll(List.of(access));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CollectorMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run run = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        for (String secret : List.of(PASSWORD, TOKEN, STORE_PASSWORD)) {
            assertFalse(run.out.contains(secret) || run.err.contains(secret), "a secret was printed: " + run);
        }
        return run;
    }

    private static double requestsTotal(Run run) throws Exception {
        assertEquals(0, run.code, run.toString());
        assertEquals("", run.err);
        JsonNode row = JSON.readTree(run.out).path("rows").get(0);
        assertEquals("live", row.path("kind").asText(), run.out);
        return row.path("requests_total").asDouble();
    }

    @Test
    void withTheAgentsCertificateAndCredentialsItReadsEveryRequest() throws Exception {
        String ca = keystore.certificatePem.toString();
        assertEquals(REQUESTS, requestsTotal(table("--agent-ca", ca, "--agent-user", USER, "--agent-password-file", passwordFile.toString())));
        assertEquals(REQUESTS, requestsTotal(table("--agent-ca", ca, "--agent-token-file", tokenFile.toString())));
    }

    @Test
    void withoutWhatTheAgentAsksItSaysWhatIsMissingInOneLine() throws Exception {
        Run untrusted = table("--agent-token-file", tokenFile.toString());
        assertEquals(1, untrusted.code, untrusted.toString());
        assertEquals(1, untrusted.err.lines().count(), untrusted.err);
        assertTrue(untrusted.err.contains("TLS handshake failed") && untrusted.err.contains("--agent-ca"), untrusted.err);

        Run anonymous = table("--agent-ca", keystore.certificatePem.toString());
        assertEquals(1, anonymous.code, anonymous.toString());
        assertEquals(1, anonymous.err.lines().count(), anonymous.err);
        assertTrue(anonymous.err.contains("HTTP 401: the agent requires authentication; give --agent-user"), anonymous.err);

        Path wrong = Files.writeString(dir.resolve("wrong-password"), "not-the-password\n");
        Run refused = table("--agent-ca", keystore.certificatePem.toString(), "--agent-user", USER, "--agent-password-file", wrong.toString());
        assertEquals(1, refused.code, refused.toString());
        assertTrue(refused.err.contains("HTTP 401: the agent requires authentication and refused the credentials given"), refused.err);

        Run halfGiven = table("--agent-user", USER);
        assertEquals(2, halfGiven.code, halfGiven.toString());
        assertEquals("tailwatch-collector: --agent-user and --agent-password-file go together", halfGiven.err.strip());
    }
}
