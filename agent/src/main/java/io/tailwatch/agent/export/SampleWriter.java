package io.tailwatch.agent.export;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import io.tailwatch.agent.recording.Distribution;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/** Builds simpleclient metric families; keeps the simpleclient types out of everything else. */
final class SampleWriter {
    static final double NANOS_PER_SECOND = 1e9;

    private final List<Family> families = new ArrayList<>();

    /** The families written; built only now because simpleclient copies a counter's samples when it is built. */
    List<MetricFamilySamples> families() {
        List<MetricFamilySamples> built = new ArrayList<>(families.size());
        for (Family f : families) {
            built.add(new MetricFamilySamples(f.name, f.type, f.help, f.samples));
        }
        return built;
    }

    /** A family under construction. */
    final class Family {
        private final String name;
        private final Type type;
        private final String help;
        private final List<Sample> samples = new ArrayList<>();

        Family(String name, Type type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
            families.add(this);
        }

        Family sample(String name, List<String> labelNames, List<String> labelValues, double value) {
            samples.add(new Sample(name, labelNames, labelValues, value));
            return this;
        }

        Family sample(String name, double value) {
            return sample(name, List.of(), List.of(), value);
        }

        /**
         * Writes {@code _bucket}, {@code _count} and {@code _sum} of a distribution.
         *
         * @param bounds      bucket bounds as written in the {@code le} label
         * @param unitsPerLe  how many recorded units make one unit of the exported value
         */
        Family histogram(String name, List<String> labelNames, List<String> labelValues, Distribution d,
                         double[] bounds, double unitsPerLe) {
            Histogram h = d.cumulative();
            long[] rawBounds = new long[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                rawBounds[i] = Math.round(bounds[i] * unitsPerLe);
            }
            long[] counts = HistogramBuckets.cumulativeCounts(h, rawBounds);
            List<String> bucketNames = new ArrayList<>(labelNames);
            bucketNames.add("le");
            for (int i = 0; i <= bounds.length; i++) {
                List<String> values = new ArrayList<>(labelValues);
                values.add(i < bounds.length ? formatNumber(bounds[i]) : "+Inf");
                sample(name + "_bucket", bucketNames, values, counts[i]);
            }
            sample(name + "_count", labelNames, labelValues, counts[bounds.length]);
            sample(name + "_sum", labelNames, labelValues, d.sum() / unitsPerLe);
            return this;
        }
    }

    Family family(String name, Type type, String help) {
        return new Family(name, type, help);
    }


    /**
     * A label value such as {@code le} or {@code quantile}, spelled as Prometheus' Go client spells
     * it ({@code 0.0001}, {@code 1}, {@code 2.5}), so that selectors in dashboards match.
     */
    static String formatNumber(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
