package io.tailwatch.agent.jvm;

import io.tailwatch.agent.recording.SlowRequests;

/** Emits each slow request as a {@link SlowRequestEvent}, if some JFR recording wants it. */
final class JfrSlowRequests extends SlowRequests {
    JfrSlowRequests(long thresholdNanos) {
        super(thresholdNanos);
    }

    @Override
    public void slowRequest(String method, String route, int status, long durationNanos, long pauseNanos) {
        SlowRequestEvent event = new SlowRequestEvent();
        if (event.shouldCommit()) {
            event.method = method;
            event.route = route;
            event.status = status;
            event.requestDuration = durationNanos;
            event.pauseOverlap = pauseNanos;
            event.commit();
        }
    }
}
