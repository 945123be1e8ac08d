package io.tailwatch.agent.it;

import io.tailwatch.testsupport.ForkedService;
import io.tailwatch.testsupport.RawHttpClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nastiest settings found by {@code ConfigLoaderFuzzTest}, given to the real agent jar in a real
 * JVM: the application starts and answers, and standard error holds only the agent's own lines
 * (each one whole, none a stack trace or a secret), a bounded number of them.
 */
abstract class AbstractBadAgentConfigIT {
    private static final String SERVICE = "io.tailwatch.testservices.JdkHttpService";
    private static final String CANARY = "cfgcanary5521";
    /** One line per key at most, one per source for unknown keys, stray arguments, the file, and the start line. */
    private static final int MOST_LINES = 18 + 4 + 1 + 1 + 1;

    private Path dir;

    /** The JDK the service runs on. */
    protected abstract Path jdk();

    @BeforeEach
    void tempDir() throws Exception {
        dir = Files.createTempDirectory("tailwatch-bad-config");
    }

    @AfterEach
    void removeTempDir() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The application answers, and every line on standard error is one of the agent's, whole. */
    private static List<String> assertApplicationRunsAndOnlyAgentLines(ForkedService service) throws Exception {
        try (RawHttpClient client = new RawHttpClient(service.servicePort())) {
            assertEquals(200, client.get("/hello", false).status);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (service.agentLines().stream().noneMatch(l -> l.contains(" active on Java ")) && System.nanoTime() < deadline) {
            ForkedService.sleep(50);
        }
        List<String> stderr = service.stderr();
        assertTrue(stderr.stream().anyMatch(l -> l.contains(" active on Java ")), "no start line: " + stderr);
        for (String line : stderr) {
            assertTrue(line.startsWith("tailwatch: "), () -> "not an agent line (a broken line or the JVM's): " + line + " in " + stderr);
            assertFalse(line.contains("Exception\tat") || line.startsWith("\tat ") || line.contains("Caused by"), line);
            assertFalse(line.contains(CANARY), () -> "a secret on standard error: " + line);
            assertTrue(line.length() < 2000, line);
        }
        assertTrue(stderr.size() <= MOST_LINES, stderr.size() + " lines: " + stderr);
        try (RawHttpClient client = new RawHttpClient(service.servicePort())) {
            assertEquals(200, client.get("/hello", false).status);
        }
        assertTrue(service.isAlive());
        return stderr;
    }

    /**
     * Stray pieces, storms of separators, hundreds of unknown keys in every source, values out of
     * every range, a secret split by a comma, and a FIFO as the config file (opening it would block the
     * application's start for good).
     */
    @Test
    void stormsOfBadKeysAndAFifoAsConfigFile() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        StringBuilder args = new StringBuilder("stray1,stray2,=,=,==,,,,");
        for (int i = 0; i < 500; i++) {
            args.append("junk").append(i).append("=v,");
        }
        args.append("window=\u00e4\u2028forever,max.series=99999999999999999999,buckets=,=,=,tls.protocols=SSLv3,")
                .append("auth.user=u,auth.password=pa,ss").append(CANARY).append("=x,host=127.0.0.1,port=0,config=").append(fifo);
        List<String> env = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            env.add("TAILWATCH_JUNK" + i + "=x");
        }
        env.add("TAILWATCH_BUCKETS==,=,=,");
        env.add("TAILWATCH_SLOW_REQUEST=" + "9".repeat(5000));
        try (ForkedService service = ForkedService.start(jdk(),
                List.of("-Dtailwatch.jfr=\u0085maybe", "-Dtailwatch.hiccup.interval=9223372036854775807h", "-Dtailwatch.un\u00fcknown=1"),
                args.toString(), env, SERVICE, "0", "2")) {
            List<String> lines = assertApplicationRunsAndOnlyAgentLines(service);
            assertTrue(lines.stream().anyMatch(l -> l.contains("ignoring agent arguments 'stray1', 'stray2'")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("not a regular file")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("unknown environment variables") && l.contains("and 195 more")),
                    lines.toString());
            // The endpoint runs with what was good: basic auth for u with the password up to the comma.
            int metrics = service.metricsPort();
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("u:pa".getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("le=\"0.0001\""), "the default buckets");
        }
    }

    /** A device as the config file (reading it would never end) and a host with a line break in it. */
    @Test
    void aDeviceAsConfigFileAndAHostWithALineBreak() throws Exception {
        try (ForkedService service = ForkedService.start(jdk(), List.of("-Dtailwatch.config=/dev/zero"), "port=0",
                List.of("TAILWATCH_HOST=127.0.0.1\n0.0.0.0"), SERVICE, "0", "2")) {
            List<String> lines = assertApplicationRunsAndOnlyAgentLines(service);
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("cannot read the config file '/dev/zero'") && lines.get(0).contains("not a regular file"),
                    lines.toString());
            assertTrue(lines.get(1).contains("for 'host'") && lines.get(1).contains("stays off"), lines.toString());
            assertTrue(lines.get(2).contains("metrics endpoint OFF"), lines.toString());
        }
    }

    /** A config file of random bytes (not UTF-8, no line structure) naming a user without a password. */
    @Test
    void aBinaryConfigFileAndAUserWithoutAPassword() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new Random(8).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            // No escapes: a malformed \\uXXXX would make Properties refuse the whole file, lines and all.
            noise[i] = noise[i] == '\\' ? (byte) 0xff : noise[i];
        }
        Path file = dir.resolve("binary.properties");
        Files.write(file, noise);
        Files.write(file, ("\nauth.user=someone\nhost=127.0.0.1\nport=0\nauth.token=" + CANARY + " with space\n")
                .getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        try (ForkedService service = ForkedService.start(jdk(), List.of(), "config=" + file, List.of(), SERVICE, "0", "2")) {
            List<String> lines = assertApplicationRunsAndOnlyAgentLines(service);
            String start = lines.get(lines.size() - 1);
            assertTrue(start.contains("metrics endpoint OFF: auth.user is set but neither auth.password nor auth.password.file"), start);
        }
    }
}
