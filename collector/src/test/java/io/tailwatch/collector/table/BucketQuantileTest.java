package io.tailwatch.collector.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tailwatch.collector.table.BucketQuantile.Bucket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases worked by hand from the definition of PromQL's histogram_quantile. */
class BucketQuantileTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void interpolatesWithinTheBucketHoldingTheRank() {
        // 100 observations: 50 up to 1 ms, 40 in (1, 5] ms, 10 in (5, 10] ms.
        List<Bucket> buckets = List.of(new Bucket(0.001, 50), new Bucket(0.005, 90), new Bucket(0.01, 100), new Bucket(INF, 100));
        // Rank 99 is the 9th of 10 in (5, 10]: 5 + 5 * 9/10 = 9.5 ms.
        assertEquals(0.0095, BucketQuantile.quantile(0.99, buckets), 1e-12);
        // Rank 50 is the last of the first bucket, whose lower bound is taken as 0: 1 ms.
        assertEquals(0.001, BucketQuantile.quantile(0.5, buckets), 1e-12);
        // Rank 25 is half way into the first bucket: 0.5 ms.
        assertEquals(0.0005, BucketQuantile.quantile(0.25, buckets), 1e-12);
    }

    @Test
    void aRankInTheInfiniteBucketIsTheHighestFiniteBound() {
        List<Bucket> buckets = List.of(new Bucket(0.1, 90), new Bucket(1, 98), new Bucket(INF, 100));
        assertEquals(1.0, BucketQuantile.quantile(0.99, buckets));
    }

    @Test
    void noObservationsOrNoInfiniteBucketIsNoFigure() {
        assertTrue(Double.isNaN(BucketQuantile.quantile(0.99, List.of(new Bucket(0.1, 0), new Bucket(INF, 0)))));
        assertTrue(Double.isNaN(BucketQuantile.quantile(0.99, List.of(new Bucket(0.1, 5), new Bucket(1, 5)))));
        assertTrue(Double.isNaN(BucketQuantile.quantile(0.99, List.of())));
    }

    @Test
    void bucketsOutOfOrderOrDippingAreSortedAndMadeMonotonic() {
        // The (0.001, 0.005] bucket read lower than the one below it; the count carries over, as Prometheus does.
        List<Bucket> buckets = List.of(new Bucket(INF, 10), new Bucket(0.005, 3), new Bucket(0.001, 4), new Bucket(0.01, 10));
        // Monotonic: 4, 4, 10, 10. Rank 9.9 is in (5, 10] ms, which holds 6: 5 + 5 * 5.9/6.
        assertEquals(0.005 + 0.005 * 5.9 / 6, BucketQuantile.quantile(0.99, buckets), 1e-12);
    }
}
