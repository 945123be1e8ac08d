package io.tailwatch.agent.recording;

/**
 * Receives the requests that took at least a threshold, on the thread that ended them (the agent
 * turns them into JFR events). Lives here, without JFR types, so that the recorders in the
 * bootstrap class loader need nothing of the JFR side.
 */
public abstract class SlowRequests {
    private final long thresholdNanos;

    protected SlowRequests(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
    }

    public final long thresholdNanos() {
        return thresholdNanos;
    }

    /**
     * A request took {@code durationNanos}, at least the threshold; {@code pauseNanos} of it were
     * stalls of the JVM known when it ended. Called on the request's thread; may throw (the caller
     * contains it).
     *
     * @param route the route template, or null
     */
    public abstract void slowRequest(String method, String route, int status, long durationNanos, long pauseNanos);
}
