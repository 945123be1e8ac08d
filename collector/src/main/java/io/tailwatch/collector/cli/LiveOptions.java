package io.tailwatch.collector.cli;

import io.tailwatch.collector.alert.AlertRule;
import io.tailwatch.collector.alert.AlertRules;
import io.tailwatch.collector.alert.AlertSink;
import io.tailwatch.collector.alert.AlertmanagerSink;
import io.tailwatch.collector.alert.WebhookSink;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What only the live table has: the page and the alerts. */
final class LiveOptions {

    static final String DEFAULT_WEB = "127.0.0.1:9465";

    @Option(names = "--web", paramLabel = "HOST:PORT", defaultValue = DEFAULT_WEB,
            description = "Serve the live page (table, charts, alerts) here (default ${DEFAULT-VALUE}; port 0: any free port).")
    String web;

    @Option(names = "--no-web", description = "Do not serve the live page.")
    boolean noWeb;

    @Option(names = "--alert", paramLabel = "RULE",
            description = "A threshold, e.g. 'p99 > 10ms for 30s', 'error_rate > 1%', 'gc_pause_max > 200ms'. Repeatable.")
    List<String> alerts = new ArrayList<>();

    @Option(names = "--alerts", paramLabel = "FILE", description = "Rules, one a line (# starts a comment).")
    Path alertsFile;

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "Send firing and resolved alerts to this Alertmanager's API v2, e.g. http://127.0.0.1:9093.")
    URI alertmanager;

    @Option(names = "--webhook", paramLabel = "URL", description = "POST firing and resolved alerts to this URL as JSON.")
    URI webhook;

    /** Parses every rule now, so that a bad one stops the collector before its first scrape. */
    List<AlertRule> rules() {
        return AlertRules.load(alerts, alertsFile);
    }

    List<AlertSink> sinks() {
        List<AlertSink> sinks = new ArrayList<>();
        if (alertmanager != null) {
            sinks.add(new AlertmanagerSink(httpUrl("--alertmanager", alertmanager)));
        }
        if (webhook != null) {
            sinks.add(new WebhookSink(httpUrl("--webhook", webhook)));
        }
        return sinks;
    }

    /** The page's address, or null with --no-web. */
    InetSocketAddress webAddress() {
        if (noWeb) {
            return null;
        }
        int colon = web.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--web must be HOST:PORT such as " + DEFAULT_WEB + ", not " + web);
        }
        String host = web.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(web.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("--web must be HOST:PORT such as " + DEFAULT_WEB + ", not " + web);
        }
        return new InetSocketAddress(host, port);
    }

    void validate() {
        rules();
        sinks();
        webAddress();
        if ((alertmanager != null || webhook != null) && alerts.isEmpty() && alertsFile == null) {
            throw new IllegalArgumentException("--alertmanager and --webhook send alerts: give rules with --alert RULE or --alerts FILE");
        }
    }

    private static URI httpUrl(String option, URI uri) {
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(option + " must be an http(s) URL, not " + uri);
        }
        return uri;
    }
}
