package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmRecorderTest {
    private static final long MS = 1_000_000;
    private static final long WINDOW = 60_000 * MS;

    @Test
    void aLongHiccupAlsoCountsTheIntervalsItSwallowed() {
        JvmRecorder jvm = new JvmRecorder(WINDOW);
        jvm.hiccup(5 * MS + MS / 2, MS);
        jvm.hiccup(80_000, MS);
        jvm.hiccup(-5, MS);
        long[] counts = jvm.hiccups().cumulativeCounts();
        assertEquals(7, counts[counts.length - 1], "5.5, 4.5, 3.5, 2.5 and 1.5 ms, 80 µs, and 0");
        assertEquals(17_500_000 + 80_000, jvm.hiccups().sum());
        jvm.harvest(System.nanoTime());
        assertEquals(7, jvm.hiccupWindow().snapshot().getTotalCount());
        assertEquals(5.5 * MS, jvm.hiccupWindow().snapshot().getMaxValue(), 5.5 * MS * 0.01);
    }

    @Test
    void pausesAreCountedByCollectorAndCauseWithTheLongestInTheWindow() {
        JvmRecorder jvm = new JvmRecorder(WINDOW);
        jvm.gcPause("G1 Young Generation", "G1 Evacuation Pause", 3 * MS);
        jvm.gcPause("G1 Young Generation", "G1 Evacuation Pause", 7 * MS);
        jvm.gcPause("G1 Old Generation", "System.gc()", 120 * MS);
        Map<List<String>, BucketCounts> pauses = jvm.gcPauses();
        assertEquals(2, pauses.size());
        BucketCounts young = pauses.get(List.of("G1 Young Generation", "G1 Evacuation Pause"));
        assertEquals(10 * MS, young.sum());
        long[] cumulative = young.cumulativeCounts();
        // Bounds: 0.1, 0.25, 0.5, 1, 2.5, 5, 10 ms, ...
        assertArrayEquals(new long[]{0, 0, 0, 0, 0, 1, 2}, java.util.Arrays.copyOf(cumulative, 7));
        long now = System.nanoTime();
        assertEquals(Map.of("G1 Old Generation", 120 * MS, "G1 Young Generation", 7 * MS), jvm.gcPauseMax(now));
        assertEquals(Map.of("G1 Old Generation", 0L, "G1 Young Generation", 0L), jvm.gcPauseMax(now + 2 * WINDOW),
                "a collector whose pauses left the window shows 0");
        jvm.harvest(now);
        assertEquals(3, jvm.gcPauseWindow().snapshot().getTotalCount());
    }

    @Test
    void unexpectedlyManyLabelSetsShareOneOverflowSet() {
        JvmRecorder jvm = new JvmRecorder(WINDOW);
        for (int i = 0; i < JvmRecorder.MAX_LABEL_SETS + 20; i++) {
            jvm.gcDuration("collector", "action " + i, MS);
        }
        Map<List<String>, BucketCounts> durations = jvm.gcDurations();
        assertEquals(JvmRecorder.MAX_LABEL_SETS + 1, durations.size());
        long[] overflow = durations.get(List.of(JvmRecorder.OVERFLOW, JvmRecorder.OVERFLOW)).cumulativeCounts();
        assertTrue(overflow[overflow.length - 1] >= 20);
    }

    @Test
    void safepointsAndGauges() {
        JvmRecorder jvm = new JvmRecorder(WINDOW);
        assertEquals(-1, jvm.heapUsedAfterGc());
        assertTrue(Double.isNaN(jvm.cpuMachine()));
        jvm.safepoint(4 * MS, 1 * MS);
        jvm.safepoint(9 * MS, -1);
        jvm.heapUsedAfterGc(12345);
        jvm.cpuLoad(0.25, 0.05, 0.5);
        assertEquals(13 * MS, jvm.safepoints().sum());
        assertEquals(1 * MS, jvm.safepointSync().sum());
        assertEquals(9 * MS, jvm.safepointMax(System.nanoTime()));
        assertEquals(12345, jvm.heapUsedAfterGc());
        assertEquals(0.5, jvm.cpuMachine());
        assertEquals(0.25, jvm.cpuJvmUser());
        assertEquals(0.05, jvm.cpuJvmSystem());
    }
}
