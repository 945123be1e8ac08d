package io.tailwatch.agent.jvm;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.support.AgentLog;
import io.tailwatch.agent.support.ApplicationStart;
import io.tailwatch.agent.support.AgentThread;

import java.lang.instrument.Instrumentation;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Starts watching the JVM: the hiccup meter at once (it is cheap and must see the start), the GC
 * notification listener and the JFR stream on a thread of their own, beside the application,
 * because the management beans and JFR take a while to start; the JFR stream once the application
 * has started. Each part fails alone, with one line on standard error, and the rest of the agent
 * runs on.
 */
public final class JvmMonitoring {
    private JvmMonitoring() {
    }

    /** Whether JFR can record in this JVM; null until first asked. See {@link #jfrAvailable()}. */
    private static volatile Boolean jfrAvailable;

    /**
     * Never throws.
     *
     * @return what is being watched, for the agent's start line; to be called off the application's
     *         thread, as it may have to ask JFR whether it can record (-XX:-FlightRecorder says no)
     */
    public static Supplier<String> start(AgentConfig config, Recording recording, Instrumentation instrumentation, String agentJar) {
        List<String> watching = new ArrayList<>();
        Duration interval = config.hiccupInterval();
        if (interval.isZero()) {
            watching.add("hiccups off");
        } else {
            try {
                SafepointClock safepoints = SafepointClock.open(instrumentation, agentJar);
                AgentThread.create("hiccups", new HiccupMeter(interval.toNanos(), recording.jvm(), recording.stalls(),
                        recording.http().pauses(), safepoints)).start();
                watching.add("hiccups every " + describe(interval)
                        + (safepoints == null ? " (no safepoint counter: every hiccup counts as a pause)" : ""));
            } catch (Throwable t) {
                watching.add("hiccups OFF (" + AgentLog.describe(t) + ")");
            }
        }
        boolean jfr = config.jfr() && ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        try {
            AgentThread.create("jvm-events", () -> watchEvents(jfr, config, recording)).start();
        } catch (Throwable t) {
            AgentLog.line("GC and JFR metrics OFF, the application runs on: " + AgentLog.describe(t));
        }
        return () -> {
            List<String> all = new ArrayList<>(watching);
            all.add(!config.jfr() ? "JFR off"
                    : !jfr ? "JFR OFF (this JVM has no jdk.jfr module: " + WITHOUT_JFR + ")"
                    : !jfrAvailable() ? "JFR OFF (JFR is disabled in this JVM, as by -XX:-FlightRecorder: " + WITHOUT_JFR + ")"
                    : "JFR");
            return String.join(", ", all);
        };
    }

    private static final String WITHOUT_JFR = "no GC pause, safepoint, heap-after-GC or JFR CPU-load metrics, no"
            + " tailwatch.SlowRequest events";

    /**
     * Whether JFR can record here, asked once (by whichever of the start line's thread and the
     * JFR stream's asks first; both get the same answer). A JVM with the jdk.jfr module can still
     * have it disabled ({@code -XX:-FlightRecorder}): the start line says so, once.
     */
    private static boolean jfrAvailable() {
        Boolean known = jfrAvailable;
        if (known == null) {
            boolean available;
            try {
                available = JfrStream.available();
            } catch (Throwable t) {
                available = false;
            }
            known = available;
            jfrAvailable = known;
        }
        return known;
    }

    private static void watchEvents(boolean jfr, AgentConfig config, Recording recording) {
        Set<String> beans = new LinkedHashSet<>();
        try {
            for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
                beans.add(bean.getName());
            }
            GcNotifications.register(recording.jvm());
        } catch (Throwable t) {
            AgentLog.line("GC notifications unavailable, jvm_gc_duration_seconds stays empty: " + AgentLog.describe(t));
        }
        if (!jfr) {
            return;
        }
        String failure;
        try {
            if (jfrAvailable()) {
                JfrStream.reportSlowRequests(recording.http(), config.slowRequest().toNanos());
                ApplicationStart.await(recording.http());
                failure = JfrStream.run(recording.jvm(), beans);
            } else {
                // The start line says so.
                failure = null;
            }
        } catch (Throwable t) {
            failure = "the JFR stream failed (" + AgentLog.describe(t) + ")";
        }
        if (failure != null && !shuttingDown()) {
            AgentLog.line("JFR metrics OFF: " + failure + "; no GC pause, safepoint, heap-after-GC or JFR CPU-load"
                    + " metrics and no tailwatch.SlowRequest events; hiccups, request pauses and GC durations go on");
        }
    }

    /** Whether the JVM is exiting (a stream that ends then is no failure). */
    private static boolean shuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        } catch (Throwable t) {
            AgentErrors.record("jvm-events", t);
            return false;
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
