package io.tailwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus-alertmanager} on a free loopback port with a receiver that sends
 * nothing, clustering off (it would bind 9094 otherwise), its data and log in {@code dir}.
 */
final class AlertmanagerServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final Path log;
    final String url;

    private AlertmanagerServer(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    static AlertmanagerServer start(Path directory) throws IOException {
        Path binary = PrometheusServer.onPath("prometheus-alertmanager");
        Path dir = directory.toAbsolutePath();
        PrometheusServer.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: nowhere",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "receivers:",
                "  - name: nowhere",
                ""), StandardCharsets.UTF_8);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("alertmanager.log");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-alertmanager"));
        AlertmanagerServer server = new AlertmanagerServer(process, log, "http://127.0.0.1:" + port);
        server.awaitReady();
        return server;
    }

    /** The alerts Alertmanager holds as active (not resolved) with this alertname. */
    List<JsonNode> alerts(String alertname) throws IOException, InterruptedException {
        String filter = URLEncoder.encode("alertname=\"" + alertname + "\"", StandardCharsets.UTF_8);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts?filter=" + filter))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/v2/alerts: HTTP " + response.statusCode() + ": " + response.body());
        }
        List<JsonNode> alerts = new ArrayList<>();
        JSON.readTree(response.body()).forEach(alerts::add);
        return alerts;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus-alertmanager exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            PrometheusServer.sleep(100);
        }
        throw new AssertionError("alertmanager not ready at " + url + " within 30 s (" + last + "):\n" + log());
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
