package io.tailwatch.agent.support;

import io.tailwatch.agent.recording.HttpServerRecorder;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * When the application has started, for the agent's work that can wait for it: the metrics
 * endpoint and the JFR stream each cost a hundred milliseconds or more of CPU as they start, which
 * on a small machine came out of the application's own start. Started means: a request has
 * ended, or the JVM has loaded next to no class for half a second; at the latest {@link #LATEST}
 * after the agent asked.
 */
public final class ApplicationStart {
    public static final Duration LATEST = Duration.ofSeconds(10);
    private static final long TICK_MILLIS = 100;
    /** Quiet: fewer classes loaded than this per tick, for this many ticks in a row. */
    private static final int QUIET_CLASSES_PER_TICK = 10;
    private static final int QUIET_TICKS = 5;

    private ApplicationStart() {
    }

    /** Returns once the application has started; on an interrupt, at once. */
    public static void await(HttpServerRecorder http) {
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long deadline = System.nanoTime() + LATEST.toNanos();
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
}
