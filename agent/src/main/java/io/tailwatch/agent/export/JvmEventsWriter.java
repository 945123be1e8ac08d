package io.tailwatch.agent.export;

import io.prometheus.client.Collector.Type;
import io.tailwatch.agent.recording.BucketCounts;
import io.tailwatch.agent.recording.JvmRecorder;
import io.tailwatch.agent.recording.RequestPauses;
import io.tailwatch.agent.recording.SlidingWindow;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;

/**
 * The JVM's pauses, hiccups, safepoints and CPU load ({@link JvmRecorder}), and the requests the
 * JVM's stalls slowed down ({@link RequestPauses}), as metric families.
 */
final class JvmEventsWriter {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
    private static final List<String> GC_NAME = List.of("jvm_gc_name");
    private static final List<String> GC_NAME_CAUSE = List.of("jvm_gc_name", "jvm_gc_cause");
    private static final List<String> GC_NAME_ACTION = List.of("jvm_gc_name", "jvm_gc_action");

    private final BucketLayout pauseBuckets;
    private final BucketLayout durationBuckets;

    /** @param durationBuckets the request-duration buckets, also those of the time requests lost to pauses */
    JvmEventsWriter(BucketLayout durationBuckets) {
        long[] bounds = JvmRecorder.PAUSE_BOUNDS_NANOS;
        double[] seconds = new double[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            seconds[i] = bounds[i] / SampleWriter.NANOS_PER_SECOND;
        }
        this.pauseBuckets = new BucketLayout(seconds, SampleWriter.NANOS_PER_SECOND);
        this.durationBuckets = durationBuckets;
    }

    /** Reader side: under the recording's harvest lock. */
    void write(SampleWriter out, JvmRecorder jvm, RequestPauses pauses) {
        long now = System.nanoTime();
        labelled(out.family("tailwatch_gc_pause_seconds", Type.HISTOGRAM,
                        "Stop-the-world pauses of the garbage collector (JFR jdk.GCPhasePause), by collector and cause."),
                "tailwatch_gc_pause_seconds", GC_NAME_CAUSE, jvm.gcPauses());
        quantiles(out, "tailwatch_gc_pause_quantile_seconds",
                "Exact quantiles of all stop-the-world GC pauses over the sliding window.", jvm.gcPauseWindow());
        SampleWriter.Family max = out.family("tailwatch_gc_pause_max_seconds", Type.GAUGE,
                "The longest stop-the-world GC pause within the sliding window, by collector (0 if none).");
        for (Map.Entry<String, Long> e : jvm.gcPauseMax(now).entrySet()) {
            max.sample("tailwatch_gc_pause_max_seconds", GC_NAME, List.of(e.getKey()), e.getValue() / SampleWriter.NANOS_PER_SECOND);
        }
        labelled(out.family("tailwatch_gc_concurrent_cycle_seconds", Type.HISTOGRAM,
                        "Whole concurrent GC cycles (ZGC, Shenandoah, G1 concurrent mark), during which the application runs but for the cycle's pauses."),
                "tailwatch_gc_concurrent_cycle_seconds", GC_NAME, jvm.gcCycles());
        labelled(out.family("jvm_gc_duration_seconds", Type.HISTOGRAM,
                        "Duration of collections as the JVM's garbage-collector beans report them (whole milliseconds), by collector and action."),
                "jvm_gc_duration_seconds", GC_NAME_ACTION, jvm.gcDurations());
        histogram(out.family("tailwatch_jvm_hiccup_seconds", Type.HISTOGRAM,
                        "How late a thread meaning to wake every hiccup.interval woke: stalls of the whole JVM (GC, safepoints) and of its scheduling (CPU starvation)."),
                "tailwatch_jvm_hiccup_seconds", jvm.hiccups());
        quantiles(out, "tailwatch_jvm_hiccup_quantile_seconds", "Exact quantiles of JVM hiccups over the sliding window.",
                jvm.hiccupWindow());
        histogram(out.family("tailwatch_jvm_safepoint_seconds", Type.HISTOGRAM,
                        "Safepoints, from the start of their synchronisation to their end (JFR)."),
                "tailwatch_jvm_safepoint_seconds", jvm.safepoints());
        histogram(out.family("tailwatch_jvm_safepoint_sync_seconds", Type.HISTOGRAM,
                        "Time to reach a safepoint: until every thread had stopped (JFR)."),
                "tailwatch_jvm_safepoint_sync_seconds", jvm.safepointSync());
        out.family("tailwatch_jvm_safepoint_max_seconds", Type.GAUGE, "The longest safepoint within the sliding window (0 if none).")
                .sample("tailwatch_jvm_safepoint_max_seconds", jvm.safepointMax(now) / SampleWriter.NANOS_PER_SECOND);
        if (jvm.heapUsedAfterGc() >= 0) {
            out.family("tailwatch_jvm_heap_used_after_gc_bytes", Type.GAUGE, "Heap used right after the latest collection (JFR).")
                    .sample("tailwatch_jvm_heap_used_after_gc_bytes", jvm.heapUsedAfterGc());
        }
        if (!Double.isNaN(jvm.cpuMachine())) {
            out.family("tailwatch_jvm_cpu_utilization_ratio", Type.GAUGE,
                            "CPU used by the JVM over the last second by mode, as a share of all cores (JFR jdk.CPULoad).")
                    .sample("tailwatch_jvm_cpu_utilization_ratio", List.of("cpu_mode"), List.of("user"), jvm.cpuJvmUser())
                    .sample("tailwatch_jvm_cpu_utilization_ratio", List.of("cpu_mode"), List.of("system"), jvm.cpuJvmSystem());
            out.family("jvm_system_cpu_utilization_ratio", Type.GAUGE,
                            "CPU used by the whole machine over the last second, as a share of all cores (JFR jdk.CPULoad).")
                    .sample("jvm_system_cpu_utilization_ratio", jvm.cpuMachine());
        }
        out.family("tailwatch_http_server_requests_paused", Type.COUNTER,
                        "Requests whose execution overlapped a stop-the-world stall of the JVM of at least one hiccup interval.")
                .sample("tailwatch_http_server_requests_paused_total", pauses.paused());
        out.family("tailwatch_http_server_request_pause_seconds", Type.HISTOGRAM,
                        "Time each paused request lost to stalls of the JVM.")
                .histogram("tailwatch_http_server_request_pause_seconds", pauses.lost(), durationBuckets, SampleWriter.NANOS_PER_SECOND);
        out.family("tailwatch_http_server_requests_pause_unchecked", Type.COUNTER,
                        "Requests that may have overlapped a stall but could not be checked (too many ended while the hiccup meter was late).")
                .sample("tailwatch_http_server_requests_pause_unchecked_total", pauses.unchecked());
    }

    /** Read from the management beans at scrape time, outside the harvest lock. */
    void writeMemory(SampleWriter out) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean) {
            com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) threads;
            long allocated = sun.isThreadAllocatedMemoryEnabled() ? sun.getTotalThreadAllocatedBytes() : -1;
            if (allocated >= 0) {
                out.family("tailwatch_jvm_memory_allocated_bytes", Type.COUNTER,
                                "Bytes allocated in the heap by all threads since the JVM started, ended threads included: rate() is the allocation rate.")
                        .sample("tailwatch_jvm_memory_allocated_bytes_total", allocated);
            }
        }
        SampleWriter.Family afterGc = out.family("jvm_memory_used_after_last_gc_bytes", Type.GAUGE,
                "Memory used right after the latest collection that covered the pool, by pool.");
        List<String> names = List.of("jvm_memory_type", "jvm_memory_pool_name");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage != null) {
                afterGc.sample("jvm_memory_used_after_last_gc_bytes", names,
                        List.of(pool.getType() == MemoryType.HEAP ? "heap" : "non_heap", pool.getName()), usage.getUsed());
            }
        }
    }

    private void labelled(SampleWriter.Family family, String name, List<String> labelNames, Map<List<String>, BucketCounts> series) {
        for (Map.Entry<List<String>, BucketCounts> e : series.entrySet()) {
            BucketCounts counts = e.getValue();
            family.histogram(name, labelNames, e.getKey(), pauseBuckets, counts.cumulativeCounts(),
                    counts.sum() / SampleWriter.NANOS_PER_SECOND);
        }
    }

    private void histogram(SampleWriter.Family family, String name, BucketCounts counts) {
        family.histogram(name, List.of(), List.of(), pauseBuckets, counts.cumulativeCounts(), counts.sum() / SampleWriter.NANOS_PER_SECOND);
    }

    private static void quantiles(SampleWriter out, String name, String help, SlidingWindow window) {
        Histogram h = window.snapshot();
        SampleWriter.Family family = out.family(name, Type.GAUGE, help);
        for (double q : QUANTILES) {
            double value = h.getTotalCount() == 0 ? Double.NaN
                    : (q >= 1.0 ? h.getMaxValue() : h.getValueAtPercentile(q * 100)) / SampleWriter.NANOS_PER_SECOND;
            family.sample(name, List.of("quantile"), List.of(BucketLayout.formatNumber(q)), value);
        }
    }
}
