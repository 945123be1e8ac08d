package io.tailwatch.collector.scrape;

import javax.net.ssl.SSLHandshakeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

/** Scrapes an agent's {@code /metrics} over HTTP: the collector's only way of talking to an agent. */
public final class MetricsFetcher {

    /** Text format 0.0.4: what Prometheus itself asks for first, and what the parser reads best. */
    static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1";

    private final HttpClient client;
    private final Duration timeout;
    private final AgentAccess access;

    public MetricsFetcher(Duration timeout) {
        this(timeout, AgentAccess.NONE);
    }

    public MetricsFetcher(Duration timeout, AgentAccess access) {
        this.timeout = timeout;
        this.access = access;
        this.client = access.configure(HttpClient.newBuilder().connectTimeout(timeout)).build();
    }

    /**
     * Normalises what a user types as a target: {@code host:port} or a URL without a path means the
     * agent's {@code /metrics} there.
     */
    public static URI targetUri(String target) {
        String text = target.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + target);
        }
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("not an http(s) URL with a host: " + target);
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
            uri = uri.resolve("/metrics");
        }
        return uri;
    }

    public Snapshot scrape(URI uri) throws ScrapeException {
        HttpRequest request = access.configure(HttpRequest.newBuilder(uri))
                .timeout(timeout)
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        long sent = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new ScrapeException(uri + ": no connection within " + timeout.toMillis() + " ms; is the agent's port reachable?", e);
        } catch (HttpTimeoutException e) {
            throw new ScrapeException(uri + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (SSLHandshakeException e) {
            throw new ScrapeException(uri + ": TLS handshake failed (" + e.getMessage() + "); if the agent's certificate is"
                    + " self-signed or from your own CA, give it with --agent-ca", e);
        } catch (ConnectException e) {
            throw new ScrapeException(uri + ": connection refused; is the service running with"
                    + " -javaagent:tailwatch-agent.jar, and on this port (the agent's start line names it)?", e);
        } catch (IOException e) {
            throw new ScrapeException(uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScrapeException(uri + ": interrupted", e);
        }
        // The agent reads its counters between our request and its answer; half the round trip is the
        // closest estimate of when, and errs by at most half of it.
        long received = System.nanoTime();
        long at = sent + (received - sent) / 2;
        if (response.statusCode() == 401) {
            throw new ScrapeException(uri + ": HTTP 401: the agent requires authentication" + (access.hasCredentials()
                    ? " and refused the credentials given" : "; give --agent-user with --agent-password-file, or --agent-token-file"));
        }
        if (response.statusCode() != 200) {
            throw new ScrapeException(uri + ": HTTP " + response.statusCode() + "; is this an agent's /metrics?");
        }
        String body;
        try {
            body = decode(response);
        } catch (IOException e) {
            throw new ScrapeException(uri + ": unreadable body: " + e.getMessage(), e);
        }
        try {
            return TextFormatParser.parse(uri.toString(), at, Instant.now(), body);
        } catch (IllegalArgumentException e) {
            throw new ScrapeException(uri + ": not the Prometheus text format: " + e.getMessage(), e);
        }
    }

    private static String decode(HttpResponse<byte[]> response) throws IOException {
        boolean gzip = response.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
        if (!gzip) {
            return new String(response.body(), StandardCharsets.UTF_8);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
