package io.tailwatch.collector.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Quantiles from cumulative histogram buckets, computed as PromQL's {@code histogram_quantile}
 * does, so that the collector's P99 and the dashboards' agree on the same buckets: linear
 * interpolation within the bucket holding the rank, the lower bound of the first bucket taken as 0,
 * and a rank in the {@code +Inf} bucket answered with the highest finite bound.
 */
public final class BucketQuantile {

    private BucketQuantile() {
    }

    /** A cumulative bucket: observations at most {@code upperBound}. */
    public record Bucket(double upperBound, double count) {
    }

    /** The {@code q} quantile (0 to 1) of the buckets; NaN without observations or without a {@code +Inf} bucket. */
    public static double quantile(double q, List<Bucket> unsorted) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> buckets = new ArrayList<>(unsorted);
        buckets.sort((a, b) -> Double.compare(a.upperBound(), b.upperBound()));
        if (buckets.size() < 2 || buckets.get(buckets.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        // Increases computed bucket by bucket can leave a bucket below the one before it (a scrape
        // between two buckets' updates); cumulative counts cannot go down, so carry the maximum.
        double running = 0;
        for (int i = 0; i < buckets.size(); i++) {
            running = Math.max(running, buckets.get(i).count());
            buckets.set(i, new Bucket(buckets.get(i).upperBound(), running));
        }
        double observations = buckets.get(buckets.size() - 1).count();
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (buckets.get(b).count() < rank) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return buckets.get(buckets.size() - 2).upperBound();
        }
        if (b == 0 && buckets.get(0).upperBound() <= 0) {
            return buckets.get(0).upperBound();
        }
        double start = 0;
        double end = buckets.get(b).upperBound();
        double inBucket = buckets.get(b).count();
        if (b > 0) {
            start = buckets.get(b - 1).upperBound();
            inBucket -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        return start + (end - start) * (rank / inBucket);
    }
}
