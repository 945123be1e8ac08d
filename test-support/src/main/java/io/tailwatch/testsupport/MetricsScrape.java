package io.tailwatch.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** One scrape of an agent's {@code /metrics}, parsed into samples. */
public final class MetricsScrape {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Sample name and labels, as {@code name{a="1",b="2"}} with labels sorted. */
    private final Map<String, Double> samples = new HashMap<>();
    private final Map<String, Map<String, String>> labelsByKey = new HashMap<>();
    private final Map<String, String> nameByKey = new HashMap<>();
    public final String text;

    private MetricsScrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                parseLabels(line.substring(brace + 1, line.lastIndexOf('}')), labels);
            } else {
                name = line.substring(0, space);
            }
            String key = name + labels;
            samples.put(key, Double.parseDouble(line.substring(space + 1)));
            labelsByKey.put(key, labels);
            nameByKey.put(key, name);
        }
    }

    /** No samples: the baseline of an agent that has just started. */
    public static MetricsScrape empty() {
        return new MetricsScrape("");
    }

    /**
     * {@code a="1",b="x\"y",} into {@code labels}; values may hold escaped quotes, backslashes and
     * commas (OpenTelemetry's {@code target_info} carries the command line).
     */
    private static void parseLabels(String body, Map<String, String> labels) {
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = body.substring(i, eq).replace(",", "").trim();
            int j = body.indexOf('"', eq) + 1;
            StringBuilder value = new StringBuilder();
            while (j < body.length() && body.charAt(j) != '"') {
                char c = body.charAt(j);
                if (c == '\\' && j + 1 < body.length()) {
                    char next = body.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(name, value.toString());
            i = j + 1;
        }
    }

    public static MetricsScrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode());
        }
        return new MetricsScrape(response.body());
    }

    /** The sum of all samples of {@code name} whose labels satisfy {@code filter}. */
    public double sum(String name, Predicate<Map<String, String>> filter) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            if (nameByKey.get(e.getKey()).equals(name) && filter.test(labelsByKey.get(e.getKey()))) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** Whether the scrape has a sample of {@code name} whose labels satisfy {@code filter}. */
    public boolean has(String name, Predicate<Map<String, String>> filter) {
        for (String key : samples.keySet()) {
            if (nameByKey.get(key).equals(name) && filter.test(labelsByKey.get(key))) {
                return true;
            }
        }
        return false;
    }

    /** The labels of every sample of {@code name}, one map each. */
    public List<Map<String, String>> labels(String name) {
        List<Map<String, String>> all = new ArrayList<>();
        for (String key : samples.keySet()) {
            if (nameByKey.get(key).equals(name)) {
                all.add(labelsByKey.get(key));
            }
        }
        return all;
    }

    public double sum(String name) {
        return sum(name, labels -> true);
    }

    /** Every sample of {@code name}, by its labels: for a message that shows where requests went. */
    public Map<Map<String, String>, Double> samples(String name) {
        Map<Map<String, String>, Double> found = new HashMap<>();
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            if (nameByKey.get(e.getKey()).equals(name)) {
                found.put(labelsByKey.get(e.getKey()), e.getValue());
            }
        }
        return found;
    }

    /** The value of the sample with exactly these labels, or NaN if absent. */
    public double value(String name, Map<String, String> labels) {
        return samples.getOrDefault(name + new TreeMap<>(labels), Double.NaN);
    }

    /** A filter matching samples that have these labels exactly and no other label except {@code le}. */
    public static Predicate<Map<String, String>> labelsExactly(Map<String, String> wanted) {
        return labels -> {
            Map<String, String> rest = new TreeMap<>(labels);
            rest.remove("le");
            return rest.equals(new TreeMap<>(wanted));
        };
    }
}
