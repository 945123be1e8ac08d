package io.tailwatch.agent.export;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.Recording;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmEventsWriterTest {
    private static final long MS = 1_000_000;

    private static Exposition write(Recording recording) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MetricsExporter(recording, "test").write(null, out);
        return Exposition.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theJvmsPausesHiccupsAndPausedRequestsAreWritten() throws Exception {
        Recording recording = new Recording(100, 60_000 * MS, AgentConfig.defaults().bucketsNanos());
        recording.jvm().gcPause("G1 Young Generation", "G1 Evacuation Pause", 3 * MS);
        recording.jvm().gcPause("G1 Old Generation", "System.gc()", 150 * MS);
        recording.jvm().gcCycle("G1 Concurrent GC", 40 * MS);
        recording.jvm().gcDuration("G1 Young Generation", "end of minor GC", 3 * MS);
        recording.jvm().hiccup(80_000, MS);
        recording.jvm().safepoint(151 * MS, 200_000);
        recording.jvm().heapUsedAfterGc(64L << 20);
        recording.jvm().cpuLoad(0.3, 0.1, 0.75);
        recording.stalls().publish(10 * MS, 25 * MS);
        recording.http().recordRequest(0, 200, null, null, 5 * MS, 30 * MS, -1, 13);
        Exposition e = write(recording);

        Map<String, String> young = Map.of("jvm_gc_name", "G1 Young Generation", "jvm_gc_cause", "G1 Evacuation Pause");
        assertEquals("histogram", e.types.get("tailwatch_gc_pause_seconds"));
        assertEquals(1, e.sample("tailwatch_gc_pause_seconds_count", young).value);
        assertEquals(0.003, e.sample("tailwatch_gc_pause_seconds_sum", young).value, 1e-12);
        assertEquals(0, e.sample("tailwatch_gc_pause_seconds_bucket", Map.of("jvm_gc_name", "G1 Young Generation",
                "jvm_gc_cause", "G1 Evacuation Pause", "le", "0.0025")).value);
        assertEquals(1, e.sample("tailwatch_gc_pause_seconds_bucket", Map.of("jvm_gc_name", "G1 Young Generation",
                "jvm_gc_cause", "G1 Evacuation Pause", "le", "0.005")).value);
        assertEquals(0.15, e.sample("tailwatch_gc_pause_max_seconds", Map.of("jvm_gc_name", "G1 Old Generation")).value, 1e-12);
        assertEquals(0.15, e.sample("tailwatch_gc_pause_quantile_seconds", Map.of("quantile", "1")).value, 0.15 * 0.01);
        assertEquals(1, e.sample("tailwatch_gc_concurrent_cycle_seconds_count", Map.of("jvm_gc_name", "G1 Concurrent GC")).value);
        assertEquals(1, e.sample("jvm_gc_duration_seconds_count",
                Map.of("jvm_gc_name", "G1 Young Generation", "jvm_gc_action", "end of minor GC")).value);
        assertEquals(1, e.sample("tailwatch_jvm_hiccup_seconds_count", Map.of()).value);
        assertEquals(0.00008, e.sample("tailwatch_jvm_hiccup_quantile_seconds", Map.of("quantile", "0.5")).value, 0.00008 * 0.01);
        assertEquals(0.151, e.sample("tailwatch_jvm_safepoint_max_seconds", Map.of()).value, 1e-12);
        assertEquals(0.0002, e.sample("tailwatch_jvm_safepoint_sync_seconds_sum", Map.of()).value, 1e-12);
        assertEquals(64 << 20, e.sample("tailwatch_jvm_heap_used_after_gc_bytes", Map.of()).value);
        assertEquals(0.3, e.sample("tailwatch_jvm_cpu_utilization_ratio", Map.of("cpu_mode", "user")).value, 1e-6);
        assertEquals(0.75, e.sample("jvm_system_cpu_utilization_ratio", Map.of()).value, 1e-6);
        assertEquals(1, e.sample("tailwatch_http_server_requests_paused_total", Map.of()).value);
        assertEquals(0.015, e.sample("tailwatch_http_server_request_pause_seconds_sum", Map.of()).value, 1e-12);
        assertEquals(1, e.sample("tailwatch_http_server_request_pause_seconds_count", Map.of()).value);
        assertEquals(0, e.sample("tailwatch_http_server_requests_pause_unchecked_total", Map.of()).value);
        assertTrue(e.sample("tailwatch_jvm_memory_allocated_bytes_total", Map.of()).value > 0);
        assertFalse(e.named("jvm_memory_used_after_last_gc_bytes").isEmpty());
    }

    @Test
    void beforeJfrDeliversThereIsNoHeapOrCpuLoadAndTheQuantilesAreNaN() throws Exception {
        Exposition e = write(new Recording(100, 60_000 * MS, AgentConfig.defaults().bucketsNanos()));
        assertNull(e.types.get("tailwatch_jvm_heap_used_after_gc_bytes"));
        assertNull(e.types.get("jvm_system_cpu_utilization_ratio"));
        assertTrue(Double.isNaN(e.sample("tailwatch_jvm_hiccup_quantile_seconds", Map.of("quantile", "0.99")).value));
        assertEquals("histogram", e.types.get("tailwatch_gc_pause_seconds"));
        assertTrue(e.named("tailwatch_gc_pause_seconds_count").isEmpty());
        assertEquals(0, e.sample("tailwatch_http_server_requests_paused_total", Map.of()).value);
    }
}
