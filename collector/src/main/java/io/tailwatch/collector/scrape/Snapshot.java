package io.tailwatch.collector.scrape;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Everything one scrape of one target returned, and when. {@code nanoTime} is on the collector's
 * monotonic clock, the only one windows are measured with; {@code wallTime} is for people.
 */
public final class Snapshot {

    private final String target;
    private final long nanoTime;
    private final Instant wallTime;
    private final Map<String, String> familyTypes;
    private final Map<String, List<Sample>> samplesByName;
    private final Map<String, Sample> samplesBySeries;

    public Snapshot(String target, long nanoTime, Instant wallTime, Map<String, String> familyTypes, List<Sample> samples) {
        this.target = target;
        this.nanoTime = nanoTime;
        this.wallTime = wallTime;
        this.familyTypes = Map.copyOf(familyTypes);
        Map<String, List<Sample>> byName = new LinkedHashMap<>();
        Map<String, Sample> bySeries = new HashMap<>();
        for (Sample sample : samples) {
            byName.computeIfAbsent(sample.name(), n -> new ArrayList<>()).add(sample);
            bySeries.put(sample.seriesKey(), sample);
        }
        byName.replaceAll((name, list) -> Collections.unmodifiableList(list));
        this.samplesByName = Collections.unmodifiableMap(byName);
        this.samplesBySeries = Collections.unmodifiableMap(bySeries);
    }

    public String target() {
        return target;
    }

    public long nanoTime() {
        return nanoTime;
    }

    public Instant wallTime() {
        return wallTime;
    }

    /** The samples of one sample name, in exposition order; empty when the name is absent. */
    public List<Sample> samples(String name) {
        return samplesByName.getOrDefault(name, List.of());
    }

    public List<Sample> samples(String name, Predicate<Sample> filter) {
        return samples(name).stream().filter(filter).toList();
    }

    /** The sample of the same series (name and labels) as {@code sample}, or null when this scrape has none. */
    public Sample sameSeries(Sample sample) {
        return samplesBySeries.get(sample.seriesKey());
    }

    public boolean has(String name) {
        return samplesByName.containsKey(name);
    }

    /** Sum of the matching samples' values; 0 when none match. */
    public double sum(String name, Predicate<Sample> filter) {
        double total = 0;
        for (Sample sample : samples(name)) {
            if (filter.test(sample)) {
                total += sample.value();
            }
        }
        return total;
    }

    public double sum(String name) {
        return sum(name, s -> true);
    }

    /** Largest value of the matching samples; NaN when none match. */
    public double max(String name) {
        double max = Double.NaN;
        for (Sample sample : samples(name)) {
            if (Double.isNaN(max) || sample.value() > max) {
                max = sample.value();
            }
        }
        return max;
    }

    /** Samples that are cumulative, so that a decrease means the process started again. */
    public List<Sample> cumulativeSamples() {
        List<Sample> cumulative = new ArrayList<>();
        for (Map.Entry<String, List<Sample>> entry : samplesByName.entrySet()) {
            if (isCumulative(entry.getKey())) {
                cumulative.addAll(entry.getValue());
            }
        }
        return cumulative;
    }

    /**
     * Whether a sample name belongs to a counter or a histogram's buckets, count or sum, by the
     * exposition's {@code # TYPE} lines (the text format declares the family's name without suffix).
     */
    public boolean isCumulative(String sampleName) {
        String type = familyTypes.get(sampleName);
        if (type == null && sampleName.endsWith("_total")) {
            type = familyTypes.get(sampleName.substring(0, sampleName.length() - "_total".length()));
        }
        if ("counter".equals(type)) {
            return true;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (sampleName.endsWith(suffix)) {
                String family = familyTypes.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if ("histogram".equals(family)) {
                    return true;
                }
            }
        }
        return false;
    }
}
