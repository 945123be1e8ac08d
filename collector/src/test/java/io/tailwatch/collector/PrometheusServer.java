package io.tailwatch.collector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's {@code prometheus} scraping one agent every second, on a free loopback port, its data,
 * config and log in {@code dir}. Killed by a shutdown hook if the test JVM exits without closing it.
 */
final class PrometheusServer implements AutoCloseable {

    static final String JOB = "tailwatch";

    private final LoopbackDaemon daemon;
    final String url;

    private PrometheusServer(LoopbackDaemon daemon) {
        this.daemon = daemon;
        this.url = daemon.url;
    }

    static PrometheusServer start(Path directory, int metricsPort) throws IOException {
        // A previous run's samples would still be within the 5-minute lookback, as a second instance.
        Path dir = LoopbackDaemon.emptyDirectory(directory);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + metricsPort + "']",
                ""), StandardCharsets.UTF_8);
        Path data = Files.createDirectories(dir.resolve("data"));
        return new PrometheusServer(LoopbackDaemon.start("prometheus", dir, listen -> List.of(
                "--config.file=" + config, "--storage.tsdb.path=" + data, "--web.listen-address=" + listen)));
    }

    String log() {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
