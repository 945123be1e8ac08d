package io.tailwatch.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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

/**
 * Debian's {@code prometheus-alertmanager} on a free loopback port with a receiver that sends
 * nothing, clustering off (it would bind 9094 otherwise), its data and log in {@code dir}.
 */
final class AlertmanagerServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final LoopbackDaemon daemon;
    final String url;

    private AlertmanagerServer(LoopbackDaemon daemon) {
        this.daemon = daemon;
        this.url = daemon.url;
    }

    static AlertmanagerServer start(Path directory) throws IOException {
        Path dir = LoopbackDaemon.emptyDirectory(directory);
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: nowhere",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "receivers:",
                "  - name: nowhere",
                ""), StandardCharsets.UTF_8);
        Path data = Files.createDirectories(dir.resolve("data"));
        return new AlertmanagerServer(LoopbackDaemon.start("prometheus-alertmanager", dir, listen -> List.of(
                "--config.file=" + config, "--storage.path=" + data, "--web.listen-address=" + listen,
                "--cluster.listen-address=")));
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

    String log() {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
