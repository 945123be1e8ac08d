package io.tailwatch.agent.export;

import io.prometheus.client.Collector;
import io.tailwatch.agent.system.ProcFiles;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Process and JVM metrics read at scrape time from the platform MXBeans and {@code /proc}, named as
 * the OpenTelemetry JVM semantic conventions spell them in Prometheus.
 */
final class JvmCollector extends Collector {
    @Override
    public List<MetricFamilySamples> collect() {
        SampleWriter out = new SampleWriter();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            long cpuNanos = sun.getProcessCpuTime();
            if (cpuNanos >= 0) {
                out.family("process_cpu_seconds", Type.COUNTER, "CPU time used by the process, user and system.")
                        .sample("process_cpu_seconds_total", cpuNanos / SampleWriter.NANOS_PER_SECOND);
            }
            double load = sun.getProcessCpuLoad();
            if (load >= 0) {
                out.family("jvm_cpu_recent_utilization_ratio", Type.GAUGE,
                                "CPU used by the process since the previous reading, as a share of all available cores (x100 = the reference tables' CPU %).")
                        .sample("jvm_cpu_recent_utilization_ratio", load);
            }
        }
        out.family("jvm_cpu_count", Type.GAUGE, "Processors available to the JVM.")
                .sample("jvm_cpu_count", Runtime.getRuntime().availableProcessors());
        long rss = ProcFiles.residentBytes();
        if (rss >= 0) {
            out.family("process_resident_memory_bytes", Type.GAUGE, "Resident set size of the process.")
                    .sample("process_resident_memory_bytes", rss);
        }
        SampleWriter.Family used = out.family("jvm_memory_used_bytes", Type.GAUGE, "Memory used, by pool.");
        SampleWriter.Family committed = out.family("jvm_memory_committed_bytes", Type.GAUGE, "Memory committed, by pool.");
        SampleWriter.Family limit = out.family("jvm_memory_limit_bytes", Type.GAUGE, "Maximum memory of a pool, where it has one.");
        List<String> names = List.of("jvm_memory_type", "jvm_memory_pool_name");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pool.getUsage();
            if (usage == null) {
                continue;
            }
            List<String> values = List.of(pool.getType() == MemoryType.HEAP ? "heap" : "non_heap", pool.getName());
            used.sample("jvm_memory_used_bytes", names, values, usage.getUsed());
            committed.sample("jvm_memory_committed_bytes", names, values, usage.getCommitted());
            if (usage.getMax() >= 0) {
                limit.sample("jvm_memory_limit_bytes", names, values, usage.getMax());
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int daemon = threads.getDaemonThreadCount();
        out.family("jvm_thread_count", Type.GAUGE, "Live platform threads.")
                .sample("jvm_thread_count", List.of("jvm_thread_daemon"), List.of("true"), daemon)
                .sample("jvm_thread_count", List.of("jvm_thread_daemon"), List.of("false"), threads.getThreadCount() - daemon);
        return out.families();
    }
}
