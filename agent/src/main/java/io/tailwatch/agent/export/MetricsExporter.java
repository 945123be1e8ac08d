package io.tailwatch.agent.export;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Exposes a {@link Recording} and the JVM in the Prometheus text format (0.0.4) or OpenMetrics
 * (when the scraper's {@code Accept} asks for it). The only class that knows the simpleclient
 * registry; the rest of the agent sees {@link #write}.
 */
public final class MetricsExporter implements MetricsEndpoint.Exposition {
    private final CollectorRegistry registry = new CollectorRegistry(true);

    public MetricsExporter(Recording recording, String version) {
        registry.register(new AgentCollector(recording, version));
        registry.register(new JvmCollector());
    }

    @Override
    public String write(String accept, OutputStream out) throws IOException {
        String contentType = TextFormat.chooseContentType(accept);
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
        TextFormat.writeFormat(contentType, writer, registry.metricFamilySamples());
        writer.flush();
        return contentType;
    }

    /** Starts the HTTP endpoint on the configured address. */
    public MetricsEndpoint serve(AgentConfig config) throws IOException {
        return MetricsEndpoint.start(config.host(), config.port(), this);
    }
}
