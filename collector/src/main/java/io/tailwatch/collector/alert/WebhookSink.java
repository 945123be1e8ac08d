package io.tailwatch.collector.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/** A plain JSON POST of each batch of state changes: {@code {"alerts":[{status, rule, target, value, ...}]}}. */
public final class WebhookSink implements AlertSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final HttpPoster poster = new HttpPoster();

    public WebhookSink(URI url) {
        this.url = url;
    }

    @Override
    public void send(List<AlertEvent> events) throws IOException, InterruptedException {
        poster.postJson(url, body(events));
    }

    static String body(List<AlertEvent> events) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", "tailwatch-collector");
        ArrayNode alerts = root.putArray("alerts");
        for (AlertEvent event : events) {
            ObjectNode alert = alerts.addObject();
            alert.put("status", event.state().name().toLowerCase(Locale.ROOT));
            alert.put("rule", event.rule().text());
            alert.put("metric", event.rule().column().key());
            alert.put("target", event.target());
            alert.put("instance", event.instance());
            alert.put("value", event.value());
            alert.put("threshold", event.rule().threshold());
            alert.put("summary", event.line());
            alert.put("startsAt", event.startsAt().toString());
            if (event.endsAt() != null) {
                alert.put("endsAt", event.endsAt().toString());
            }
        }
        return JSON.writeValueAsString(root);
    }

    @Override
    public String name() {
        return "--webhook " + url;
    }
}
