package io.tailwatch.agent.jvm;

import io.tailwatch.agent.config.AgentConfig;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.support.AgentLog;
import io.tailwatch.agent.support.AgentThread;

import java.lang.instrument.Instrumentation;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts watching the JVM: the hiccup meter at once (it is cheap and must see the start), the GC
 * notification listener and the JFR stream on a thread of their own, beside the application,
 * because the management beans and JFR take a while to start; the JFR stream once the application
 * has started. Each part fails alone, with one line on standard error, and the rest of the agent
 * runs on.
 */
public final class JvmMonitoring {
    /** The latest the JFR stream starts, counted from when the GC notifications are set up, beside the agent's start. */
    static final Duration JFR_START_MAX = Duration.ofSeconds(10);
    private static final long TICK_MILLIS = 100;
    /** Quiet: fewer classes loaded than this per tick, for this many ticks in a row. */
    private static final int QUIET_CLASSES_PER_TICK = 10;
    private static final int QUIET_TICKS = 5;

    private JvmMonitoring() {
    }

    /**
     * Never throws.
     *
     * @return what is being watched, for the agent's start line
     */
    public static String start(AgentConfig config, Recording recording, Instrumentation instrumentation, String agentJar) {
        List<String> watching = new ArrayList<>();
        Duration interval = config.hiccupInterval();
        if (interval.isZero()) {
            watching.add("hiccups off");
        } else {
            try {
                SafepointClock safepoints = SafepointClock.open(instrumentation, agentJar);
                new AgentThread("hiccups", new HiccupMeter(interval.toNanos(), recording.jvm(), recording.stalls(),
                        recording.http().pauses(), safepoints)).start();
                watching.add("hiccups every " + describe(interval)
                        + (safepoints == null ? " (no safepoint counter: every hiccup counts as a pause)" : ""));
            } catch (Throwable t) {
                watching.add("hiccups OFF (" + AgentLog.describe(t) + ")");
            }
        }
        boolean jfr = config.jfr() && ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        watching.add(!config.jfr() ? "JFR off" : jfr ? "JFR" : "JFR OFF (this JVM has no jdk.jfr module: no GC pause, safepoint,"
                + " heap-after-GC or JFR CPU-load metrics, no tailwatch.SlowRequest events)");
        try {
            new AgentThread("jvm-events", () -> watchEvents(jfr, config, recording)).start();
        } catch (Throwable t) {
            AgentLog.line("GC and JFR metrics OFF, the application runs on: " + AgentLog.describe(t));
        }
        return String.join(", ", watching);
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
            if (JfrStream.available()) {
                JfrStream.reportSlowRequests(recording.http(), config.slowRequest().toNanos());
                awaitApplicationStarted(recording.http());
                failure = JfrStream.run(recording.jvm(), beans);
            } else {
                failure = "JFR is not available in this JVM";
            }
        } catch (Throwable t) {
            failure = "the JFR stream failed (" + AgentLog.describe(t) + ")";
        }
        if (failure != null && !shuttingDown()) {
            AgentLog.line("JFR metrics OFF: " + failure + "; no GC pause, safepoint, heap-after-GC or JFR CPU-load"
                    + " metrics and no tailwatch.SlowRequest events; hiccups, request pauses and GC durations go on");
        }
    }

    /**
     * Waits until the application has started: a request has ended, or the JVM has loaded (next
     * to) no class for a while; at most {@link #JFR_START_MAX}. Starting JFR costs a few hundred
     * milliseconds of CPU (its classes, threads, repository and the classes it instruments), which
     * on a small machine came out of the application's start.
     */
    static void awaitApplicationStarted(HttpServerRecorder http) {
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long deadline = System.nanoTime() + JFR_START_MAX.toNanos();
        long loaded = classes.getTotalLoadedClassCount();
        int quiet = 0;
        while (System.nanoTime() < deadline && http.durations().sum() == 0 && quiet < QUIET_TICKS) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = classes.getTotalLoadedClassCount();
            quiet = now - loaded < QUIET_CLASSES_PER_TICK ? quiet + 1 : 0;
            loaded = now;
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
