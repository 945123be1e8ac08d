package io.tailwatch.collector.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Alertmanager's API v2: {@code POST /api/v2/alerts}, as Prometheus sends them. A firing alert has no
 * endsAt, so Alertmanager keeps it until resolve_timeout (5 min by default) unless it hears of it
 * again: firing alerts are therefore repeated while they last. A resolved one carries its endsAt.
 */
public final class AlertmanagerSink implements AlertSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI alerts;
    private final HttpPoster poster = new HttpPoster();

    public AlertmanagerSink(URI alertmanager) {
        String base = alertmanager.toString().replaceAll("/+$", "");
        this.alerts = URI.create(base + "/api/v2/alerts");
    }

    @Override
    public void send(List<AlertEvent> events) throws IOException, InterruptedException {
        poster.postJson(alerts, body(events));
    }

    static String body(List<AlertEvent> events) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (AlertEvent event : events) {
            ObjectNode alert = array.addObject();
            ObjectNode labels = alert.putObject("labels");
            labels.put("alertname", event.rule().text());
            labels.put("target", event.target());
            labels.put("instance", event.instance());
            labels.put("metric", event.rule().column().key());
            ObjectNode annotations = alert.putObject("annotations");
            annotations.put("value", event.rule().describe(event.value()));
            annotations.put("threshold", event.rule().describe(event.rule().threshold()));
            annotations.put("summary", event.line());
            alert.put("startsAt", event.startsAt().toString());
            if (event.endsAt() != null) {
                alert.put("endsAt", event.endsAt().toString());
            }
        }
        return JSON.writeValueAsString(array);
    }

    @Override
    public boolean wantsRepeats() {
        return true;
    }

    @Override
    public String name() {
        return "--alertmanager " + alerts;
    }
}
