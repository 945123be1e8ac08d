package io.tailwatch.agent.jvm;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JFR names and the beans as measured on JDK 17.0.21 and Temurin 25.0.3 (see JvmPausesIT). */
class GcNamesTest {
    @Test
    void stopTheWorldCollectorsNameTheirBeans() {
        GcNames g1 = new GcNames(Set.of("G1 Young Generation", "G1 Old Generation"));
        assertEquals("G1 Young Generation", g1.pauses("G1New"));
        assertEquals("G1 Old Generation", g1.pauses("G1Full"));
        assertEquals("G1 Concurrent GC", g1.pauses("G1Old"), "JDK 17 has no bean for Remark and Cleanup: the name of later JDKs'");
        assertTrue(g1.concurrent("G1Old"));
        assertFalse(g1.concurrent("G1New"));
        assertFalse(g1.concurrent("G1Full"));
        GcNames parallel = new GcNames(Set.of("PS Scavenge", "PS MarkSweep"));
        assertEquals("PS Scavenge", parallel.pauses("ParallelScavenge"));
        assertEquals("PS MarkSweep", parallel.pauses("ParallelOld"));
        assertFalse(parallel.concurrent("ParallelOld"));
        GcNames serial = new GcNames(Set.of("Copy", "MarkSweepCompact"));
        assertEquals("Copy", serial.pauses("DefNew"));
        assertEquals("MarkSweepCompact", serial.pauses("SerialOld"));
    }

    @Test
    void concurrentCollectorsSplitPausesFromCycles() {
        GcNames z17 = new GcNames(Set.of("ZGC Cycles", "ZGC Pauses"));
        assertEquals("ZGC Pauses", z17.pauses("Z"));
        assertEquals("ZGC Cycles", z17.cycles("Z"));
        assertTrue(z17.concurrent("Z"));
        GcNames z25 = new GcNames(Set.of("ZGC Minor Cycles", "ZGC Minor Pauses", "ZGC Major Cycles", "ZGC Major Pauses"));
        assertEquals("ZGC Minor Pauses", z25.pauses("ZGC Minor"));
        assertEquals("ZGC Major Cycles", z25.cycles("ZGC Major"));
        assertTrue(z25.concurrent("ZGC Major"));
        GcNames shenandoah = new GcNames(Set.of("Shenandoah Pauses", "Shenandoah Cycles"));
        assertEquals("Shenandoah Pauses", shenandoah.pauses("Shenandoah"));
        assertEquals("Shenandoah Cycles", shenandoah.cycles("Shenandoah"));
    }

    @Test
    void anUnknownCollectorKeepsItsJfrName() {
        GcNames unknown = new GcNames(Set.of("Epsilon Heap"));
        assertEquals("Epsilon", unknown.pauses("Epsilon"));
        assertFalse(unknown.concurrent("Epsilon"));
    }
}
