package io.tailwatch.agent.export;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.Collector.Type;
import io.tailwatch.agent.recording.Distribution;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

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
         * Writes {@code _bucket}, {@code _count} and {@code _sum}.
         *
         * @param cumulative cumulative counts per bound of {@code layout}, then the total
         */
        Family histogram(String name, List<String> labelNames, List<String> labelValues, BucketLayout layout,
                         long[] cumulative, double sum) {
            List<String> bucketNames = new WithOneMore(labelNames, "le");
            String bucketName = name + "_bucket";
            for (int i = 0; i < layout.le.length; i++) {
                sample(bucketName, bucketNames, new WithOneMore(labelValues, layout.le[i]), cumulative[i]);
            }
            sample(name + "_count", labelNames, labelValues, cumulative[cumulative.length - 1]);
            sample(name + "_sum", labelNames, labelValues, sum);
            return this;
        }

        /** A histogram from an HdrHistogram distribution, bucketed at scrape time. */
        Family histogram(String name, Distribution d, BucketLayout layout, double rawPerUnit) {
            return histogram(name, List.of(), List.of(), layout,
                    HistogramBuckets.cumulativeCounts(d.cumulative(), layout.raw), d.sum() / rawPerUnit);
        }
    }

    Family family(String name, Type type, String help) {
        return new Family(name, type, help);
    }

    /**
     * A list and one more element after it, as a view: a histogram's buckets share their series'
     * labels and differ by {@code le}; a copy per bucket was 2.6 MB of the 6.2 MB a scrape of 1000
     * label sets allocated ({@code ScrapeBenchmark}).
     */
    private static final class WithOneMore extends AbstractList<String> implements RandomAccess {
        private final List<String> first;
        private final String last;

        WithOneMore(List<String> first, String last) {
            this.first = first;
            this.last = last;
        }

        @Override
        public String get(int index) {
            return index == first.size() ? last : first.get(index);
        }

        @Override
        public int size() {
            return first.size() + 1;
        }
    }
}
