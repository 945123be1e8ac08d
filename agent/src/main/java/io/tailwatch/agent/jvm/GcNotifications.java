package io.tailwatch.agent.jvm;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.JvmRecorder;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Every collection as the JVM's garbage-collector beans report it, within milliseconds of its end:
 * OpenTelemetry's {@code jvm.gc.duration} by collector and action. The beans give milliseconds
 * only, so a sub-millisecond pause counts as 0; the JFR stream has the precise pauses.
 *
 * <p>The notifications' start and end times are milliseconds since the JVM's management clock
 * started, not on {@link System#nanoTime()}'s scale (measured here: tens of milliseconds apart), so
 * they cannot place a pause against a request's clock; the hiccup meter does that.
 */
final class GcNotifications implements NotificationListener {
    private final JvmRecorder jvm;

    private GcNotifications(JvmRecorder jvm) {
        this.jvm = jvm;
    }

    /** Listens to every collector bean of the JVM; returns how many there are. */
    static int register(JvmRecorder jvm) {
        GcNotifications listener = new GcNotifications(jvm);
        int count = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter) {
                ((NotificationEmitter) bean).addNotificationListener(listener,
                        n -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()), null);
                count++;
            }
        }
        return count;
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        try {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            jvm.gcDuration(info.getGcName(), info.getGcAction(), info.getGcInfo().getDuration() * 1_000_000L);
        } catch (Throwable t) {
            AgentErrors.record("gc-notifications", t);
        }
    }
}
