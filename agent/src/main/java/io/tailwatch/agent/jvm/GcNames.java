package io.tailwatch.agent.jvm;

import java.util.Map;
import java.util.Set;

/**
 * Turns JFR's collector names ({@code G1New}, {@code ZGC Minor}, ...) into the names of the JVM's
 * garbage-collector management beans ({@code G1 Young Generation}, {@code ZGC Minor Pauses}), which
 * OpenTelemetry's {@code jvm.gc.name} uses, so that pause metrics and {@code jvm_gc_duration_seconds}
 * share their label values. The beans of the running JVM decide where the two JDKs differ ("ZGC
 * Pauses" on 17, "ZGC Minor Pauses" and "ZGC Major Pauses" on 21 and later).
 */
final class GcNames {
    /** JFR name to the bean that counts its stop-the-world pauses, where the bean name is not derived. */
    private static final Map<String, String> PAUSE_BEANS = Map.of(
            "G1New", "G1 Young Generation",
            "G1Full", "G1 Old Generation",
            // G1's concurrent mark cycle, whose Remark and Cleanup pauses JDK 20 and later count in this bean;
            // JDK 17 has no bean for them, and the name is used all the same.
            "G1Old", "G1 Concurrent GC",
            "ParallelScavenge", "PS Scavenge",
            "ParallelOld", "PS MarkSweep",
            "DefNew", "Copy",
            "SerialOld", "MarkSweepCompact",
            "Z", "ZGC Pauses",
            "Shenandoah", "Shenandoah Pauses");
    /** JFR names of collections that run concurrently with the application, whose duration is not a pause. */
    private static final Set<String> CONCURRENT = Set.of("G1Old", "Z", "ZGC Minor", "ZGC Major", "Shenandoah");

    private final Set<String> beans;

    /** @param beans the names of the running JVM's garbage-collector beans */
    GcNames(Set<String> beans) {
        this.beans = beans;
    }

    /** The bean counting the collection's pauses, or the JFR name if there is none. */
    String pauses(String jfrName) {
        if (beans.contains(jfrName + " Pauses")) {
            return jfrName + " Pauses";
        }
        return PAUSE_BEANS.getOrDefault(jfrName, jfrName);
    }

    /** Whether a collection of this name is a concurrent cycle rather than one pause. */
    boolean concurrent(String jfrName) {
        return CONCURRENT.contains(jfrName) || beans.contains(jfrName + " Cycles");
    }

    /** The bean counting a concurrent collector's cycles ({@code ZGC Cycles}), or its pause name. */
    String cycles(String jfrName) {
        if (beans.contains(jfrName + " Cycles")) {
            return jfrName + " Cycles";
        }
        if (jfrName.equals("Z")) {
            return "ZGC Cycles";
        }
        if (jfrName.equals("Shenandoah")) {
            return "Shenandoah Cycles";
        }
        return pauses(jfrName);
    }
}
