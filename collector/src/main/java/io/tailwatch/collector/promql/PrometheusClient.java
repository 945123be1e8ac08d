package io.tailwatch.collector.promql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tailwatch.collector.scrape.ScrapeException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Instant queries against Prometheus's HTTP API ({@code /api/v1/query}). */
public final class PrometheusClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient client;
    private final Duration timeout;

    public PrometheusClient(URI base, Duration timeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public URI base() {
        return base;
    }

    /**
     * The result vector of an instant query at {@code at} (the server's now when null), keyed by
     * the value of {@code groupLabel} (or "" for all, when null). NaN stays NaN: no figure.
     */
    public Map<String, Double> query(String promql, String groupLabel, Instant at) throws ScrapeException {
        String time = at == null ? "" : "&time=" + at.getEpochSecond() + "." + String.format(Locale.ROOT, "%09d", at.getNano());
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + time);
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ScrapeException(base + ": connection refused; is Prometheus running there?", e);
        } catch (HttpTimeoutException e) {
            throw new ScrapeException(base + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ScrapeException(base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScrapeException(base + ": interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ScrapeException(base + ": HTTP " + response.statusCode() + ", not Prometheus's API (no JSON)", e);
        }
        if (!"success".equals(body.path("status").asText())) {
            throw new ScrapeException(base + ": Prometheus says " + body.path("errorType").asText() + ": "
                    + body.path("error").asText() + " (query " + promql + ")");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        JsonNode data = body.path("data");
        if (data.path("resultType").asText().equals("scalar")) {
            values.put("", number(data.path("result").path(1).asText()));
            return values;
        }
        for (JsonNode series : data.path("result")) {
            String key = groupLabel == null ? "" : series.path("metric").path(groupLabel).asText("");
            values.put(key, number(series.path("value").path(1).asText()));
        }
        return values;
    }

    private static double number(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
