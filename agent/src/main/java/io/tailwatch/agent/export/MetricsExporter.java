package io.tailwatch.agent.export;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.tailwatch.agent.recording.Recording;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

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
        Writer writer = new Utf8BufferedWriter(out, 16 * 1024);
        TextFormat.writeFormat(contentType, writer, registry.metricFamilySamples());
        writer.flush();
        return contentType;
    }

    /**
     * The exporter, made when first asked for: by the first scrape, or by the agent once the
     * application has started. Making it loads the Prometheus client and the collectors, which a
     * starting application has better use for.
     */
    public static final class Deferred implements MetricsEndpoint.Exposition {
        private final Recording recording;
        private final String version;
        private volatile MetricsExporter exporter;

        public Deferred(Recording recording, String version) {
            this.recording = recording;
            this.version = version;
        }

        public MetricsExporter exporter() {
            MetricsExporter made = exporter;
            if (made == null) {
                synchronized (this) {
                    made = exporter;
                    if (made == null) {
                        made = new MetricsExporter(recording, version);
                        exporter = made;
                    }
                }
            }
            return made;
        }

        @Override
        public String write(String accept, OutputStream out) throws IOException {
            return exporter().write(accept, out);
        }
    }
}
