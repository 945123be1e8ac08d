package io.tailwatch.collector.scrape;

import java.util.Map;

/**
 * One line of an exposition: a sample name (with its {@code _total}, {@code _bucket}, ... suffix),
 * its labels and its value.
 */
public record Sample(String name, Map<String, String> labels, double value) {

    public Sample {
        labels = Map.copyOf(labels);
    }

    /** The label's value, or "" when the sample has no such label (as PromQL treats a missing label). */
    public String label(String name) {
        return labels.getOrDefault(name, "");
    }

    /**
     * Identity of the series across scrapes: the name and the labels in a fixed order, separated by a
     * character the text format cannot carry unescaped, so that no label value can pass for another label.
     */
    public String seriesKey() {
        StringBuilder key = new StringBuilder(name);
        for (Map.Entry<String, String> label : new java.util.TreeMap<>(labels).entrySet()) {
            key.append('\n').append(label.getKey()).append('=').append(label.getValue().replace("\\", "\\\\").replace("\n", "\\n"));
        }
        return key.toString();
    }
}
