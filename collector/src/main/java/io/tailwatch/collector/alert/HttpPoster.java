package io.tailwatch.collector.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** POSTs JSON and turns anything but a 2xx into an IOException naming the URL and the answer. */
final class HttpPoster {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    void postJson(URI uri, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException(uri + ": connection refused", e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body().strip();
            throw new IOException(uri + ": HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": "
                    + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
        }
    }
}
