package io.tailwatch.collector.table;

import io.tailwatch.collector.scrape.Sample;
import io.tailwatch.collector.scrape.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Consecutive snapshots of one target, oldest first, and how much its cumulative series grew over
 * them, through restarts.
 *
 * <p>As Prometheus's {@code increase()}, a series that went down was reset to zero, so the whole
 * of its new value is growth. Beyond that: a restart resets every counter of the process at once,
 * so when any cumulative series went down, every series counts from zero at that step, even one
 * that has already climbed back above its old value. And a series absent from the earlier snapshot
 * grew from zero, because the agent creates a label set at its first request (Prometheus cannot
 * assume that of an arbitrary exporter and drops such first samples).
 */
public final class Window {

    private final List<Snapshot> snapshots;
    private final boolean[] restartBefore;

    public Window(List<Snapshot> snapshots) {
        this.snapshots = List.copyOf(snapshots);
        this.restartBefore = new boolean[this.snapshots.size()];
        for (int i = 1; i < this.snapshots.size(); i++) {
            restartBefore[i] = restarted(this.snapshots.get(i - 1), this.snapshots.get(i));
        }
    }

    /** Whether the target restarted between {@code before} and {@code after}: a cumulative series went down. */
    public static boolean restarted(Snapshot before, Snapshot after) {
        for (Sample old : before.cumulativeSamples()) {
            Sample now = after.sameSeries(old);
            if (now != null && now.value() < old.value()) {
                return true;
            }
        }
        return false;
    }

    public List<Snapshot> snapshots() {
        return snapshots;
    }

    public Snapshot newest() {
        return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    }

    /** Seconds from the oldest snapshot to the newest; 0 with fewer than two. */
    public double seconds() {
        if (snapshots.size() < 2) {
            return 0;
        }
        return (newest().nanoTime() - snapshots.get(0).nanoTime()) / 1e9;
    }

    /** Restarts of the target seen within the window. */
    public int restarts() {
        int restarts = 0;
        for (boolean restart : restartBefore) {
            restarts += restart ? 1 : 0;
        }
        return restarts;
    }

    /** Growth of the matching series of {@code name} over the window: the sum of its steps. */
    public double increase(String name, Predicate<Sample> filter) {
        double total = 0;
        for (int i = 1; i < snapshots.size(); i++) {
            Snapshot before = snapshots.get(i - 1);
            for (Sample now : snapshots.get(i).samples(name)) {
                if (!filter.test(now) || Double.isNaN(now.value())) {
                    continue;
                }
                Sample old = restartBefore[i] ? null : before.sameSeries(now);
                if (old == null || Double.isNaN(old.value()) || now.value() < old.value()) {
                    total += now.value();
                } else {
                    total += now.value() - old.value();
                }
            }
        }
        return total;
    }

    public double increase(String name) {
        return increase(name, s -> true);
    }

    /**
     * The growth of each bucket of {@code histogram} (its name without {@code _bucket}), summed by
     * {@code le} over the matching label sets: {@code sum by (le) (increase(histogram_bucket[window]))}.
     */
    public List<BucketQuantile.Bucket> bucketIncrease(String histogram, Predicate<Sample> filter) {
        String name = histogram + "_bucket";
        Map<Double, Double> byBound = new TreeMap<>();
        for (int i = 1; i < snapshots.size(); i++) {
            Snapshot before = snapshots.get(i - 1);
            for (Sample now : snapshots.get(i).samples(name)) {
                if (!filter.test(now) || Double.isNaN(now.value())) {
                    continue;
                }
                Sample old = restartBefore[i] ? null : before.sameSeries(now);
                double growth = old == null || Double.isNaN(old.value()) || now.value() < old.value()
                        ? now.value() : now.value() - old.value();
                byBound.merge(upperBound(now), growth, Double::sum);
            }
        }
        List<BucketQuantile.Bucket> buckets = new ArrayList<>();
        byBound.forEach((bound, count) -> buckets.add(new BucketQuantile.Bucket(bound, count)));
        return buckets;
    }

    public List<BucketQuantile.Bucket> bucketIncrease(String histogram) {
        return bucketIncrease(histogram, s -> true);
    }

    /** Largest value of {@code name} in any snapshot of the window (max_over_time of the max); NaN when absent. */
    public double maxOverTime(String name) {
        double max = Double.NaN;
        for (Snapshot snapshot : snapshots) {
            double value = snapshot.max(name);
            if (!Double.isNaN(value) && (Double.isNaN(max) || value > max)) {
                max = value;
            }
        }
        return max;
    }

    /** Whether the newest snapshot has {@code name}: tells "none happened" (0) from "not measured" (NaN). */
    public boolean measures(String name) {
        Snapshot newest = newest();
        return newest != null && newest.has(name);
    }

    private static double upperBound(Sample bucket) {
        String le = bucket.label("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
